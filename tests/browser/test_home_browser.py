"""The home page in a real browser: both languages, the switcher, accessibility."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_home_renders_in_korean_and_english_and_the_switcher_works(live_site, page):
    page.goto(live_site + "/ko/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").count() == 1
    expect(page.get_by_role("link", name="English")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="I'm a student")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="한국어").click()
    page.wait_for_url("**/ko/")


def test_skip_link_is_the_first_thing_keyboard_reaches(live_site, page):
    page.goto(live_site + "/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_home_works_without_javascript(live_site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(live_site + "/ko/")
    assert page.locator(".help-bar a[href^='tel:']").count() == 1
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")


def test_home_on_a_phone_has_no_horizontal_scroll(live_site, context_factory):
    page = context_factory(viewport={"width": 360, "height": 740}).new_page()
    page.goto(live_site + "/ko/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
