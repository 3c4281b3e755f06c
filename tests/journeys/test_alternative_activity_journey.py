"""A guardian asked that a student do the alternative activity (issue 18 #3): the teacher, from the front page,
opens the class, records it for that student, and the progress table counts the module as completed
(alternative activity). The teacher also opens the printable guardian letter from the class page."""

from tests.live import assert_accessible

from .steps import assign, create_class, demo_yaml, join_with_code, log_in_from_front_page

MODULE_DIR = "03-deepfakes-and-ai"


def test_teacher_records_the_alternative_activity_and_the_matrix_counts_it(person, create_account, unique):
    module = demo_yaml(MODULE_DIR, "module")
    username, _password = create_account("teacher", unique("alt-t"))
    teacher = person("teacher")
    page = log_in_from_front_page(teacher, username)
    class_name = unique("대체반")
    code = create_class(page, class_name, unique("대체 활동 중학교 "))
    assign(page, f"단원 전체: {module['title']}")

    student_name = unique("altstu")
    join_with_code(person("student"), code, student_name)

    # The teacher opens the class from "My classes" and records the guardian's request for that student.
    page.get_by_role("link", name="내 학급").first.click()
    page.get_by_role("link", name=class_name).click()
    section = page.get_by_role("region", name="대체 활동")
    choice = section.locator("option", has_text=student_name).get_attribute("value")
    section.get_by_label("학생", exact=True).select_option(choice)
    section.get_by_label("메모(선택)").fill("보호자 회신서")
    section.get_by_role("button", name="대체 활동 기록").click()
    assert "기록했어요" in page.locator(".messages").inner_text()
    section = page.get_by_role("region", name="대체 활동")
    assert "보호자 회신서" in section.inner_text()
    teacher.assert_fits()
    assert_accessible(page)
    teacher.shot("alternative-recorded")

    # The printable letter for this module, linked from the class page.
    section.get_by_role("link", name="가정통신문").click()
    letter = page.locator("main").inner_text()
    assert class_name in letter and "회신서" in letter and "대체 활동 안내" in letter, letter
    teacher.assert_fits()
    assert_accessible(page)
    teacher.shot("guardian-letter")
    page.get_by_role("link", name=class_name, exact=True).first.click()

    page.get_by_role("link", name="진도", exact=True).first.click()
    row = page.locator("tr", has=page.get_by_role("link", name=student_name))
    row_text = " ".join(row.inner_text().split())
    teacher.shot("alternative-matrix")
    assert "완료(대체 활동)" in row_text and "(0/1)" not in row_text, row_text
