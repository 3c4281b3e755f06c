"""axe-core on the pages this branch adds: the confirm pages of destructive actions, and a practice quiz
with an explanation shown (in Korean, at a phone's width)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in

PRACTICE = "/ko/curriculum/group-chats-and-bystanders/its-not-just-a-joke/practice/"


def test_confirm_pages_pass_axe_and_change_nothing(live_site, page):
    log_in(page, live_site, "teacher", "dignity-teacher-2026")
    page.goto(live_site + "/ko/teach/")
    classroom = page.get_by_role("link", name="2학년 3반").first.get_attribute("href")
    assert re.search(r"/teach/classes/\d+/$", classroom), classroom
    page.goto(live_site + classroom)
    code = page.locator("#join-code").inner_text()
    for link in ("새 코드 만들기", "참여 닫기", "이 학급 보관하기"):
        page.goto(live_site + classroom)
        page.get_by_role("link", name=link, exact=True).click()
        page.locator(".confirm__consequences li").first.wait_for()  # count() does not wait for the new page
        assert page.locator(".confirm__consequences li").count() >= 2, link
        assert_accessible(page)
    page.goto(live_site + classroom)
    page.locator("a[href*='/remove/']").first.click()
    assert_accessible(page)
    page.goto(live_site + classroom)
    assert page.locator("#join-code").inner_text() == code  # none of the GETs changed anything


def test_practice_quiz_with_an_explanation_passes_axe_on_a_phone(live_site, context_factory):
    page = context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    page.goto(live_site + PRACTICE)
    page.locator("form.quiz-form input[type=radio]").first.check()
    page.locator(".feedback__body").first.wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)


def test_an_answer_chosen_before_the_script_runs_still_shows_its_explanation(live_site, context_factory):
    """A quick tap while the page is still loading (CI caught a journey doing it): quiz-feedback.js is held back
    until the answer is chosen, and the explanation must still appear when it runs."""
    page = context_factory().new_page()
    held = []
    page.route("**/quiz-feedback*.js", lambda route: held.append(route))
    page.goto(live_site + PRACTICE, wait_until="commit")
    first = page.locator("form.quiz-form fieldset").first
    first.locator("input[type=radio]").first.check()
    assert held, "the feedback script was requested"
    expect(first.locator(".feedback__body")).not_to_be_visible()
    held[0].continue_()
    first.locator(".feedback__body").wait_for(state="visible")
    assert first.locator(".feedback__verdict").inner_text().strip() != ""
