"""A teacher of under-14 students records the guardians' consent on the class page; then a student joins.

First a form with no name is refused with a message and the code stays closed.
"""

from .steps import create_class, join_with_code, log_in_from_front_page, today


def test_consent_recorded_on_the_class_page_opens_the_code(person, create_account, unique):
    username, _password = create_account("teacher", unique("jc"))
    teacher = person("teacher")
    page = log_in_from_front_page(teacher, username)
    class_name = unique("동의반")
    code = create_class(page, class_name, unique("consent school "), under_14=True)

    # A student who tries the code now is told to wait for the consent.
    early = person("early-student")
    epage = early.start("ko")
    epage.get_by_role("link", name="학급 참여하기").first.click()
    epage.get_by_label("학급 코드").fill(code)
    epage.get_by_role("button", name="계속하기").click()
    assert "보호자" in epage.locator("main").inner_text()

    # Missing name: a message, the code stays closed.
    consent = page.get_by_role("region", name="법정대리인(보호자) 동의 (14세 미만 학생)")
    consent.get_by_label("받은 날짜").fill(today())
    consent.get_by_role("button", name="동의 기록하기").click()
    assert "동의를 기록하지 못했어요" in page.locator("main").inner_text()
    teacher.shot("consent-refused")
    consent = page.get_by_role("region", name="법정대리인(보호자) 동의 (14세 미만 학생)")
    consent.get_by_label("동의서를 받은 사람").fill("담임 김선생")
    consent.get_by_label("받은 날짜").fill(today())
    consent.get_by_role("button", name="동의 기록하기").click()
    assert "이제 학급 코드를 쓸 수 있어요" in page.locator("main").inner_text()
    assert "담임 김선생" in page.get_by_role("region", name="법정대리인(보호자) 동의 (14세 미만 학생)").inner_text()
    teacher.shot("consent-recorded")

    student_name = unique("constu")
    spage = join_with_code(person("student"), code, student_name)
    assert class_name in spage.locator("main").inner_text()
