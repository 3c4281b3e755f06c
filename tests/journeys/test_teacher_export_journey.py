"""A student joins a class and takes the assigned check quiz; the teacher reads the progress table,
prepares the export and downloads the CSV and the XLSX: both hold the numbers the screen shows, each
score in its own numeric column, with the student's username beside the nickname (issue 12, "Teacher
screens").

Walks the demo curriculum: the check quiz of the middle-school lesson "What deepfakes are" (module 03).
"""

import csv
import io

import yaml
from openpyxl import load_workbook

from tests.journeys.steps import create_class, say, sign_in
from tests.live import ROOT
from website.demo.loader import stable_uuid

LESSON = yaml.safe_load(
    (ROOT / "demo/curriculum/03-deepfakes-and-ai/what-deepfakes-are.ko.yaml").read_text(encoding="utf-8")
)


def answer_all_but_one_right(page):
    """Right answers to every scored question but the first; returns (right, scored)."""
    scored = [q for q in LESSON["quiz"]["questions"] if not q["type"].startswith("reflection")]
    for position, question in enumerate(scored):
        name = f"q-{stable_uuid('question', 'lesson', LESSON['slug'], question['id'])}"
        picks = [c for c in question["choices"] if bool(c.get("correct")) != (position == 0)]
        for choice in picks[: 1 if position == 0 else None]:
            page.locator(f"input[name='{name}'][value='{choice['id']}']").check()
    return len(scored) - 1, len(scored)


def test_csv_and_xlsx_hold_the_numbers_on_the_screen_with_the_username(person, create_account, unique):
    username, password = create_account("teacher", unique("export-teacher"))
    teacher = person("teacher")
    page = teacher.start("ko")
    sign_in(page, username, password)
    code = create_class(page, unique("3-"), unique("내보내기중학교"))
    page.get_by_role("link", name=say("Assign from the curriculum")).click()
    page.get_by_label(say("What to assign")).select_option(label="· " + LESSON["quiz"]["title"])
    page.get_by_role("button", name=say("Assign")).click()

    # A student joins with the code (choosing the nickname 민지) and takes the quiz.
    student_name = unique("minji")
    student = person("student")
    learner = student.start("ko")
    learner.get_by_role("link", name=say("Join a class"), exact=True).first.click()
    learner.get_by_label(say("Class code")).fill(code)
    learner.get_by_role("button", name=say("Continue")).click()
    learner.get_by_label(say("Username")).fill(student_name)
    learner.get_by_label(say("Display name (optional)")).fill("민지")
    learner.get_by_label(say("Password"), exact=True).fill("a-long-passphrase-7")
    learner.get_by_label(say("Password again")).fill("a-long-passphrase-7")
    learner.get_by_role("button", name=say("Create account and join")).click()
    learner.get_by_role("link", name=LESSON["quiz"]["title"]).first.click()
    right, scored = answer_all_but_one_right(learner)
    student.assert_fits()  # the reflection's text box included
    learner.get_by_role("button", name=say("Submit answers")).click()
    learner.wait_for_url("**/learn/attempts/*/")

    # The teacher's table: 민지 with the username beside it, and the score.
    page.get_by_role("link", name=say("Progress"), exact=True).first.click()
    row = page.locator("tr", has=page.get_by_role("link", name="민지"))
    shown = row.inner_text()
    assert student_name in shown and f"{right}/{scored}" in shown
    teacher.assert_fits()
    teacher.shot("progress-matrix")

    page.get_by_role("button", name=say("Prepare CSV and Excel files of this table")).click()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name=say("Download CSV")).first.click()
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name=say("Download Excel (.xlsx)")).first.click()
    teacher.shot("exports")
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    rows = list(csv.reader(io.StringIO(open(csv_download.value.path(), "rb").read().decode("utf-8-sig"))))
    workbook = load_workbook(io.BytesIO(open(xlsx_download.value.path(), "rb").read()))
    sheet = [list(r) for r in workbook.active.iter_rows(values_only=True)]

    header = rows[0]
    at = header.index(f"{LESSON['quiz']['title']} · {say('score')}")
    csv_row = next(r for r in rows if r[0] == student_name)
    xlsx_row = next(r for r in sheet if r[0] == student_name)
    percent = round(100 * right / scored)
    assert csv_row[1] == xlsx_row[1] == "민지"
    assert csv_row[at : at + 3] == [str(right), str(scored), str(percent)]  # three numbers, never "4/5"
    assert xlsx_row[at : at + 3] == [right, scored, percent]
    assert sheet[0] == header
