"""An anonymous reader practises a quiz in a real browser, with JavaScript off, and the browser is
left holding no cookie at all (issue 13 #8: the practice form needs no CSRF cookie)."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

QUIZ = "/ko/curriculum/deepfakes-and-ai/deepfakes-and-the-law/check/"


def test_anonymous_practice_leaves_no_cookie(live_site, context_factory):
    context = context_factory(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_site + QUIZ)
    for fieldset in page.locator("fieldset").all():
        first = fieldset.locator("input").first
        if first.count():
            first.check()
        else:
            fieldset.locator("textarea").fill("생각해 봤어요.")
    page.locator("form.quiz-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/learn/practice/" in page.url
    assert page.locator("h1").count() == 1
    assert context.cookies() == []
    page.screenshot(path="var/journeys/anonymous-practice-result-ko-phone.png", full_page=True)


def test_the_practice_result_passes_axe(live_site, page):
    page.goto(live_site + QUIZ)
    page.locator("form.quiz-form button[type=submit]").click()  # nothing answered: the form again, with the message
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() == 1
    assert_accessible(page)
