"""Quick Exit and the help pages in a real browser; axe-core on every page type."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_quick_exit_button_leaves_and_back_does_not_return(live_site, exit_to_neutral_site, page):
    page.goto(live_site + "/ko/")
    page.goto(live_site + "/ko/help/")
    page.get_by_role("link", name="빠른 나가기", exact=True).click()
    page.wait_for_url(exit_to_neutral_site)
    assert page.title() == "Weather"
    page.go_back()
    # The help page was replaced in the history: Back goes to the page before it, or nowhere.
    assert "/help/" not in page.url


def test_shift_three_times_leaves(live_site, exit_to_neutral_site, page):
    page.goto(live_site + "/en/help/report/")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(exit_to_neutral_site)
    page.go_back()
    assert "/help/report/" not in page.url


def test_shift_used_for_capitals_does_not_leave(live_site, exit_to_neutral_site, page):
    page.goto(live_site + "/en/search/")
    page.get_by_label("Search for").click()
    page.keyboard.type("ABC")  # Shift held as a modifier three times
    page.keyboard.press("Shift")
    time.sleep(0.3)
    assert page.url.startswith(live_site)


def test_quick_exit_works_without_javascript(live_site, exit_to_neutral_site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(live_site + "/ko/help/")
    page.get_by_role("link", name="빠른 나가기", exact=True).click()
    page.wait_for_url(exit_to_neutral_site)


PAGE_TYPES = [
    "/ko/",
    "/en/",
    "/ko/curriculum/",
    "/en/curriculum/?band=high_school",
    "/ko/curriculum/deepfakes-and-ai/",
    "/ko/curriculum/deepfakes-and-ai/deepfakes-and-the-law/",
    "/en/curriculum/deepfakes-and-ai/deepfakes-and-the-law/",
    "/ko/curriculum/deepfakes-and-ai/deepfakes-and-the-law/check/",
    "/ko/help/",
    "/en/help/?situation=image_shared",
    "/ko/help/report/",
    "/en/help/quick-exit/",
    "/ko/search/?q=딥페이크",
    "/ko/accounts/login/",
    "/en/accounts/signup/",
    "/ko/no-such-page/",
]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_every_page_type_passes_axe(live_site, page, path):
    page.goto(live_site + path)
    assert_accessible(page)


def test_visitor_reaches_a_high_school_lesson_in_korean_and_sees_law_and_help(live_site, page):
    page.goto(live_site + "/ko/")
    page.get_by_role("link", name="고등학교").click()
    page.wait_for_url("**/curriculum/?band=high_school")
    page.get_by_role("link", name="딥페이크와 법").first.click()
    assert page.locator("html").get_attribute("lang") == "ko"
    expect(page.locator("section.law").first).to_be_visible()
    expect(page.locator("section.card--help")).to_be_visible()
    assert page.locator("section.card--help a[href^='tel:']").count() >= 1
    assert page.locator("#teacher-notes").count() == 0


def test_the_too_large_page_passes_axe_and_keeps_the_help_bar(live_site, page):
    # A real form post, padded past the 2.5 MB limit for form fields, as a pasted essay would be.
    page.goto(live_site + "/en/join/")
    page.evaluate(
        """() => {
            const form = document.querySelector('main form[method="post"]');
            const pad = document.createElement('input');
            pad.type = 'hidden'; pad.name = 'padding'; pad.value = 'x'.repeat(3000000);
            form.appendChild(pad);
        }"""
    )
    with page.expect_navigation():
        page.locator('main form[method="post"] button, main form[method="post"] [type=submit]').first.click()
    assert page.locator("h1").inner_text() == "What you sent is too large"
    assert page.locator("[data-quick-exit]").count() >= 1
    assert_accessible(page)
