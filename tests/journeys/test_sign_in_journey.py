"""Students get in without typing passwords they forget: the projected code's QR link, printed sign-in cards,
and a log-in page that tells a student what to do when the password is gone.

Opening a link read from the projector or a card stands for the phone camera's scan: that is how a student reaches it.
"""

import re

from playwright.sync_api import expect

from .steps import create_class, sign_in


def test_a_student_finds_log_in_and_what_to_do_without_a_password(person):
    student = person("student")
    page = student.start("ko")
    page.get_by_role("main").get_by_role("link", name="로그인", exact=True).click()
    expect(page.get_by_label("아이디")).to_be_visible()
    expect(page.get_by_label("비밀번호", exact=True)).to_be_visible()
    forgot = page.get_by_role("region", name="비밀번호를 잊었나요?")
    assert "선생님께 말씀드리세요" in forgot.inner_text()
    student.shot("log-in")
    # A student who follows "sign up" learns it is for teachers and finds the class-code route instead.
    page.get_by_role("link", name="선생님: 교사 계정 만들기").click()
    assert "이 가입 페이지는 선생님용이에요" in page.get_by_role("main").inner_text()
    expect(page.get_by_label("이메일 주소(필수)")).to_be_visible()
    student.assert_fits()


def test_students_join_from_the_projected_code_and_sign_in_with_cards(person, create_account, unique):
    username, password = create_account("teacher", unique("sign-in-teacher"))
    teacher = person("teacher")
    page = teacher.start("ko")
    sign_in(page, username, password)
    code = create_class(page, "2-4", unique("카드고등학교 "), band="high_school")

    page.get_by_role("link", name="코드를 화면에 크게 띄우기").click()
    assert page.locator("#projected-code").inner_text().strip() == code
    expect(page.locator("svg.qr")).to_be_visible()
    teacher.shot("projector")
    join_link = page.get_by_role("link", name=re.compile(r"\?code=")).get_attribute("href")

    # A student scans the projected QR: the join form arrives with the code filled in.
    student = person("student")
    phone = student.page
    phone.goto(join_link)
    assert phone.get_by_label("학급 코드").input_value().replace("-", "") == code.replace("-", "")
    phone.get_by_role("button", name="계속하기").click()
    student_name = phone.get_by_label("아이디").input_value()
    phone.get_by_label("비밀번호", exact=True).fill("a-long-passphrase-7")
    phone.get_by_label("비밀번호 확인").fill("a-long-passphrase-7")
    phone.get_by_role("button", name="계정 만들고 참여하기").click()
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    assert "/ko/learn/" in phone.url
    student.shot("joined")

    # The teacher prints sign-in cards; the student, on another phone, scans theirs and taps once.
    page.get_by_role("link", name="학급으로 돌아가기").click()
    page.get_by_role("link", name="로그인 카드").click()
    page.get_by_role("button", name=re.compile("카드 인쇄하기")).click()
    card = page.locator(".sign-in-card").filter(has_text=student_name)
    card.wait_for()
    teacher.shot("cards")
    card_link = card.get_by_role("link", name=re.compile("찍어서 로그인")).get_attribute("href")

    other_phone = person("student-card").page
    other_phone.goto(card_link)
    assert student_name in other_phone.get_by_role("main").inner_text()
    other_phone.get_by_role("main").get_by_role("button", name="로그인", exact=True).click()
    assert "/ko/learn/" in other_phone.url
    assert f"{student_name} 계정으로 로그인했어요" in other_phone.get_by_role("main").inner_text()

    # The card worked once: scanned again, it says so and signs nobody in.
    third = person("student-again").page
    third.goto(card_link)
    assert "이미 사용한 카드예요" in third.get_by_role("main").inner_text()
    assert third.get_by_role("main").get_by_role("button", name="로그인", exact=True).count() == 0
