"""A teacher assigns a whole module; a new student does the module's lessons for the class's band and their
check quizzes; the teacher sees the module completed with the scores, on screen and in the CSV.

Walks the demo curriculum: module 03 ("딥페이크(허위영상물)와 AI") has one lesson per band.
Middle school runs at both devices; high school on the phone and university on the desktop keep the run short.
"""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.live import assert_accessible

from .steps import (
    answer_quiz,
    assign,
    create_class,
    demo_yaml,
    join_with_code,
    log_in_from_front_page,
    say,
    scored_count,
)

MODULE_DIR = "03-deepfakes-and-ai"
BANDS = {
    "middle_school": ("중학교", "what-deepfakes-are"),
    "high_school": ("고등학교", "deepfakes-and-the-law"),
    "university": ("대학", "generative-ai-platforms-and-evidence"),
}


@pytest.mark.parametrize(
    "device, band",
    [
        ("phone", "middle_school"),
        ("desktop", "middle_school"),
        ("phone", "high_school"),
        ("desktop", "university"),
    ],
)
def test_whole_module_assigned_and_completed_for_the_class_band(person, create_account, unique, device, band):
    _label, lesson_slug = BANDS[band]
    module = demo_yaml(MODULE_DIR, "module")
    lesson = demo_yaml(MODULE_DIR, lesson_slug)
    other_lessons = [demo_yaml(MODULE_DIR, slug)["title"] for _label, slug in BANDS.values() if slug != lesson_slug]

    username, _password = create_account("teacher", unique("jt"))
    teacher = person("teacher")
    page = log_in_from_front_page(teacher, username)
    class_name = unique("모듈반")
    code = create_class(page, class_name, unique("journey school "), band=band)

    # The assign page says exactly what the whole module includes for this band.
    page.get_by_role("link", name="교육과정에서 배정하기").click()
    plan = page.get_by_role("region", name=module["title"])
    plan_text = plan.inner_text()
    assert lesson["title"] in plan_text and lesson["quiz"]["title"] in plan_text, plan_text
    assert not any(title in plan_text for title in other_lessons), plan_text
    assert_accessible(page)
    page.get_by_role("link", name=class_name).click()
    assign(page, f"단원 전체: {module['title']}")
    teacher.shot(f"module-assigned-{band}")

    student_name = unique("modstu")
    learner = person("student")
    spage = join_with_code(learner, code, student_name)
    card = spage.locator("li.card", has=spage.get_by_role("link", name=module["title"]))
    assert "시작 전" in card.inner_text() and "0/1" in card.inner_text(), card.inner_text()

    # The student opens the module from their card, then the lesson for their band, then its check quiz.
    card.get_by_role("link", name=module["title"]).click()
    spage.get_by_role("link", name=lesson["title"]).click()
    spage.get_by_role("link", name="잘 이해했는지 확인해 봐요").click()
    answer_quiz(spage, lesson["quiz"], right=True)
    assert "통과" in spage.locator("main").inner_text()
    spage.get_by_role("link", name="내 학습").first.click()
    card = spage.locator("li.card", has=spage.get_by_role("link", name=module["title"]))
    full = scored_count(lesson["quiz"])
    learner.shot(f"module-card-{band}")
    card_text = card.inner_text()
    assert "완료" in card_text and "1/1" in card_text and f"{full}/{full}" in card_text, card_text
    learner.assert_fits()

    # The teacher's matrix agrees: completed, 1/1, the check quiz's best score.
    page.get_by_role("link", name="내 학급").first.click()
    page.get_by_role("link", name=class_name).click()
    page.get_by_role("link", name="진도", exact=True).first.click()
    row = page.locator("tr", has=page.get_by_role("link", name=student_name))
    row_text = " ".join(row.inner_text().split())
    teacher.shot(f"module-matrix-{band}")
    assert row_text.startswith(student_name) and f"완료 (1/1) {full}/{full}" in row_text, row_text

    # The CSV and the Excel file hold the same row: the student, the module's status and lessons done/total.
    page.get_by_role("button", name=say("Prepare CSV and Excel files of this table")).click()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name=say("Download CSV")).first.click()
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name=say("Download Excel (.xlsx)")).first.click()
    with open(csv_download.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    with open(xlsx_download.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    sheet = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    header, *body = rows
    assert sheet[0] == header
    (student_row,) = [line for line in body if line[0] == student_name]
    (xlsx_row,) = [line for line in sheet[1:] if line[0] == student_name]
    status_column = header.index(f"{module['title']} · {say('status')}")
    assert student_row[status_column] == xlsx_row[status_column] == "완료", (header, student_row)
    done_column = header.index(f"{module['title']} · {say('lessons done')}")
    assert student_row[done_column : done_column + 2] == ["1", "1"]
    assert xlsx_row[done_column : done_column + 2] == [1, 1]
