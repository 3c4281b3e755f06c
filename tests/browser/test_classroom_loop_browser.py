"""The weekly loop in a real browser: a teacher makes a class, a student joins and does the work,
the teacher sees it and downloads the CSV."""

import csv
import io

import pytest
import yaml

from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import ROOT
from website.demo.loader import stable_uuid

pytestmark = pytest.mark.browser

LESSON_FILE = ROOT / "demo/curriculum/03-deepfakes-and-ai/what-deepfakes-are.en.yaml"


def test_teacher_student_loop(live_site, context_factory):
    lesson = yaml.safe_load(LESSON_FILE.read_text(encoding="utf-8"))
    teacher = context_factory().new_page()
    log_in(teacher, live_site, "teacher", "dignity-teacher-2026")
    assert teacher.url.endswith("/en/teach/")
    assert_accessible(teacher)

    teacher.get_by_role("link", name="Create a class").click()
    teacher.get_by_label("Class name").fill("Browser 1-2")
    teacher.get_by_label("Audience band").select_option("middle_school")
    teacher.get_by_label("New school's name").fill("Browser Middle School")
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Create class").click()
    code = teacher.locator("#join-code").inner_text().strip()
    assert len(code) == 9
    assert_accessible(teacher)
    class_url = teacher.url

    teacher.get_by_role("link", name="Assign from the curriculum").click()
    teacher.get_by_label("What to assign").select_option(label="— " + lesson["title"])
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Assign").click()
    assert lesson["title"] in teacher.content()

    student = context_factory().new_page()
    student.goto(live_site + "/en/join/")
    assert_accessible(student)
    student.get_by_label("Class code").fill(code)
    student.get_by_role("button", name="Continue").click()
    assert student.get_by_label("Username").input_value()
    student.get_by_label("Username").fill("browser-fox-42")
    student.get_by_label("Password", exact=True).fill("a-long-passphrase-7")
    student.get_by_label("Password again").fill("a-long-passphrase-7")
    assert_accessible(student)
    student.get_by_role("button", name="Create account and join").click()
    student.wait_for_url("**/en/learn/")
    assert_accessible(student)
    student.get_by_role("link", name=lesson["title"]).click()
    student.get_by_role("link", name="Check your understanding").click()
    for question in lesson["quiz"]["questions"]:
        name = f"q-{stable_uuid('question', 'lesson', lesson['slug'], question['id'])}"
        if question["type"].startswith("reflection"):
            continue
        for choice in question["choices"]:
            if choice.get("correct"):
                student.locator(f"input[name='{name}'][value='{choice['id']}']").check()
    student.get_by_role("button", name="Submit answers").click()
    student.wait_for_url("**/learn/attempts/*/")
    assert "Passed" in student.content()

    teacher.goto(class_url)
    teacher.get_by_role("link", name="Progress", exact=True).first.click()
    row = teacher.locator("tr", has=teacher.get_by_role("link", name="browser-fox-42"))
    assert "Completed" in row.inner_text()
    scored = len([q for q in lesson["quiz"]["questions"] if not q["type"].startswith("reflection")])
    assert f"{scored}/{scored}" in row.inner_text()
    assert_accessible(teacher)

    teacher.get_by_role("button", name="Prepare CSV and Excel files of this table").click()
    with teacher.expect_download() as download_info:
        teacher.get_by_role("link", name="Download CSV").first.click()
    content = open(download_info.value.path(), "rb").read()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert any(r[0] == "browser-fox-42" and "Completed" in r for r in rows)
