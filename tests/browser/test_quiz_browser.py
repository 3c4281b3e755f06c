"""Taking a quiz in a real browser with JavaScript off: a plain form POST all the way."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

QUIZ = "/en/curriculum/deepfakes-and-ai/deepfakes-and-the-law/check/"


def answer_everything(page):
    for fieldset in page.locator("fieldset").all():
        first = fieldset.locator("input").first
        if first.count():
            first.check()
        else:
            fieldset.locator("textarea").fill("Thinking about it.")


def test_student_takes_and_submits_a_quiz_without_javascript(live_site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(live_site + "/en/accounts/login/")
    page.locator("#id_login").fill("student")
    page.locator("#id_password").fill("dignity-student-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live_site + QUIZ)
    answer_everything(page)
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/learn/attempts/*/")
    assert "Your result" in page.locator("h1").inner_text()
    assert page.locator("text=Why:").count() >= 3
    result_url = page.url
    # Back, then submit again: the same result, nothing new.
    page.go_back()
    submit = page.get_by_role("button", name="Submit answers")
    if submit.count():  # the browser restored the old form from its cache
        submit.click()
        page.wait_for_load_state()
        assert page.url == result_url
    else:  # the browser asked again: the quiz shows the finished result, no new form
        assert page.get_by_role("link", name="See your result").get_attribute("href") in result_url
        assert page.get_by_role("button", name="Try again").count() == 1


def test_missing_answer_comes_back_with_a_message(live_site, page):
    page.goto(live_site + QUIZ)
    assert_accessible(page)
    page.get_by_role("button", name="Submit answers").click()
    # Anonymous practice shows its message in the page (no messages cookie: README, the cookie rule).
    assert "Answer every question marked as missing" in page.get_by_role("alert").first.inner_text()
    assert page.locator("fieldset[aria-invalid='true']").count() >= 3
    assert_accessible(page)


def test_result_page_is_accessible(live_site, page):
    page.goto(live_site + QUIZ)
    answer_everything(page)
    page.get_by_role("button", name="Submit answers").click()
    assert page.locator("h1").inner_text().startswith("Your result")
    assert_accessible(page)


def test_a_quiz_can_be_answered_and_submitted_with_the_keyboard_alone(live_site, page):
    """Tab through the page, Space to choose, type into text boxes, Enter on the submit button."""
    page.goto(live_site + QUIZ)
    questions = page.locator("main fieldset").count()
    answered = set()
    focused = (
        "() => { const e = document.activeElement; return {tag: e.tagName, type: e.type || '', "
        "name: e.name || '', text: (e.innerText || '').trim()}; }"
    )
    for _step in range(400):
        page.keyboard.press("Tab")
        element = page.evaluate(focused)
        if element["type"] in ("radio", "checkbox") and element["name"] not in answered:
            page.keyboard.press("Space")
            answered.add(element["name"])
        elif element["tag"] == "TEXTAREA" and element["name"] not in answered:
            page.keyboard.type("Thinking about it.")
            answered.add(element["name"])
        elif element["tag"] == "BUTTON" and element["text"] == "Submit answers":
            break
    assert len(answered) == questions
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().startswith("Your result")
    assert page.locator("text=Practice result: nothing was stored.").count() == 1


def test_a_tampered_quiz_form_is_refused_in_korean_accessibly_on_a_small_phone(live_site, context_factory):
    """Issue 16: the form's signed token changed in the page (or copied from another quiz) is refused with a
    clear sentence and a way back; the refusal page passes axe and fits 320 px. (JavaScript stays on only so the
    test can change the hidden field: Playwright's evaluate waits forever in a page without JavaScript.)"""
    from tests.browser.conftest import log_in

    context = context_factory(viewport={"width": 320, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_site, "student", "dignity-student-2026")
    quiz = "/ko/curriculum/deepfakes-and-ai/what-deepfakes-are/check/"
    page.goto(live_site + quiz)
    try_again = page.locator("button[name=start_new]")
    if try_again.count():  # finished earlier in this session's database: a fresh form
        with page.expect_navigation():
            try_again.click()
    token = page.locator("input[name=quiz_form]")
    token.evaluate("(input) => { input.value = input.value.slice(0, -3) + 'abc'; }")
    page.locator("form.quiz-form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("p.errorlist[role=alert]").count() == 1, page.content()[-4000:]
    alert = page.get_by_role("alert").first.inner_text()
    assert "퀴즈" in alert and "저장하지 않았어요" in alert, alert
    assert page.get_by_role("link", name="퀴즈 다시 열기").get_attribute("href") == quiz
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
