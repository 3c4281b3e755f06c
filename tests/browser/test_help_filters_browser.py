"""The help page's situation filters leave no trail in the history, and still work without JavaScript."""

import pytest

pytestmark = pytest.mark.browser

SITUATIONS = ("누군가 내 사진이나 영상을 만들거나 퍼뜨렸어요", "누군가 나를 협박하고 있어요", "지금 위험해요")


def pick(page, name):
    with page.expect_navigation():
        page.get_by_role("navigation", name="지금 내 상황").get_by_role("link", name=name).click()


def test_filters_replace_the_history_entry(live_site, page):
    page.goto(live_site + "/ko/help/")
    before = page.evaluate("history.length")
    for name in SITUATIONS:
        pick(page, name)
        assert page.locator("main h2").first.inner_text() == name
    assert page.evaluate("history.length") == before


def test_filters_work_without_javascript(live_site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(live_site + "/ko/help/")
    for name in SITUATIONS[:2]:
        pick(page, name)
        assert page.locator("main h2").first.inner_text() == name
        assert page.locator("main [aria-current=page]").inner_text() == name


def test_a_filter_opened_in_a_new_tab_is_left_to_the_browser(live_site, page):
    """Ctrl+click (or a middle click) still opens a new tab instead of replacing this page."""
    page.goto(live_site + "/ko/help/")
    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name=SITUATIONS[1]).click(modifiers=["Control"])
    new_tab.value.wait_for_url("**situation=threatened")
    assert page.url.endswith("/ko/help/")
