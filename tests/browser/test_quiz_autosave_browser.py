"""Autosave in a real browser with JavaScript on: answers reach the server as they change, the status
says so, a reload brings them back, and a lost connection is shown and retried."""

import pytest

from tests.browser.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser

QUIZ = "/en/curriculum/deepfakes-and-ai/deepfakes-and-the-law/check/"
# A choice saves after 0.5 s, text after a 3 s pause, a retry after 2 s: allow for a slow machine.
SAVE_TIMEOUT_MS = 12_000


def open_quiz(page, live_site):
    """The quiz form with an attempt in progress, starting a new attempt if the last one was submitted."""
    page.goto(live_site + QUIZ)
    try_again = page.get_by_role("button", name="Try again")
    if try_again.count():
        with page.expect_navigation():
            try_again.click()
    page.get_by_role("button", name="Submit answers").wait_for()


def autosave_status(page):
    return page.locator("#autosave-status")


def wait_for_status(page, text):
    from playwright.sync_api import expect

    expect(autosave_status(page)).to_have_text(text, timeout=SAVE_TIMEOUT_MS)


def first_radio_group(page):
    """(name, [values]) of the first single-answer question on the page."""
    name = page.locator("fieldset input[type=radio]").first.get_attribute("name")
    values = [radio.get_attribute("value") for radio in page.locator(f'input[name="{name}"]').all()]
    return name, values


def choose_another(page, name, values):
    """Check a choice of the group that is not checked yet (so the browser fires a change); return it."""
    for value in values:
        radio = page.locator(f'input[name="{name}"][value="{value}"]')
        if not radio.is_checked():
            radio.check()
            return value
    raise AssertionError(f"every choice of {name} is checked")


def in_a_fresh_tab(page, live_site):
    """The quiz in a new tab: what it shows comes from the server, not from the browser's form memory."""
    fresh = page.context.new_page()
    fresh.goto(live_site + QUIZ)
    return fresh


def test_answers_save_as_they_change_and_come_back_after_a_reload(live_site, page):
    from playwright.sync_api import expect

    log_in(page, live_site, "student", "dignity-student-2026")
    open_quiz(page, live_site)
    assert_accessible(page)
    name, values = first_radio_group(page)

    chosen = choose_another(page, name, values)
    wait_for_status(page, "Saved")
    page.reload()
    expect(page.locator(f'input[name="{name}"][value="{chosen}"]')).to_be_checked()

    words = "The minimum sentence surprised me."
    page.locator("textarea").first.fill(words)
    wait_for_status(page, "Saving…")
    wait_for_status(page, "Saved")
    assert_accessible(page)
    page.reload()
    expect(page.locator("textarea").first).to_have_value(words)

    fresh = in_a_fresh_tab(page, live_site)
    expect(fresh.locator(f'input[name="{name}"][value="{chosen}"]')).to_be_checked()
    expect(fresh.locator("textarea").first).to_have_value(words)


def test_offline_is_shown_and_the_save_is_retried(live_site, page):
    from playwright.sync_api import expect

    log_in(page, live_site, "student", "dignity-student-2026")
    open_quiz(page, live_site)
    name, values = first_radio_group(page)
    choose_another(page, name, values)
    wait_for_status(page, "Saved")

    page.context.set_offline(True)
    chosen_offline = choose_another(page, name, values)
    wait_for_status(page, "Offline – will retry")
    page.context.set_offline(False)
    wait_for_status(page, "Saved")

    fresh = in_a_fresh_tab(page, live_site)
    expect(fresh.locator(f'input[name="{name}"][value="{chosen_offline}"]')).to_be_checked()
