"""A student mistypes their password again and again: the sign-in slows down (it does not lock), and
the message says in Korean how long to wait (issue 13 #4, #17; users/lockout.py).

Uses only the front page's "Log in" link and the login form.
"""


def log_in(page, username, password):
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_student_who_mistypes_is_slowed_down_and_told_how_long(person, create_account, unique):
    username, password = create_account("student", unique("typo"))
    student = person("student-wrong-password")
    page = student.start("ko")
    page.get_by_role("link", name="로그인").first.click()
    for _ in range(5):
        log_in(page, username.upper(), "not-my-password")
    log_in(page, username, password)
    message = page.locator("main").inner_text()
    student.shot("wait-message")
    assert "틀린 비밀번호가 여러 번 입력됐어요" in message
    assert "15초 뒤에 다시 해 보세요" in message
    student.assert_fits()
    # Still at the login form: the right password during the wait signs nobody in.
    assert page.locator("#id_password").count() == 1
