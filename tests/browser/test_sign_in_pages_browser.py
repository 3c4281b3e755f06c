"""axe-core on the sign-in pages (log in, sign-up, password reset), the card pages and the projector view."""

import re

from tests.browser.conftest import assert_accessible, log_in


def test_sign_in_pages_pass_axe(live_site, page):
    for path in ("/ko/accounts/login/", "/ko/accounts/signup/", "/ko/accounts/password/reset/", "/ko/join/card/"):
        assert page.goto(live_site + path).status == 200, path
        assert_accessible(page)
    assert page.goto(live_site + "/ko/join/card/not-a-real-token/").status == 410
    assert_accessible(page)


def test_projector_and_printed_cards_pass_axe(live_site, context_factory):
    page = context_factory().new_page()
    log_in(page, live_site, "teacher", "dignity-teacher-2026")
    classroom = page.get_by_role("link", name="2학년 3반").first.get_attribute("href")
    assert re.search(r"/teach/classes/\d+/$", classroom)
    page.goto(live_site + classroom + "projector/")
    assert page.locator("svg.qr").count() == 1
    assert_accessible(page)
    page.goto(live_site + classroom + "sign-in-cards/")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Print cards")).click()
    page.locator(".sign-in-card").first.wait_for()  # count() does not wait for the page the click leads to
    assert page.locator(".sign-in-card").count() >= 1
    assert_accessible(page)
    card_link = page.locator(".sign-in-card__link").first.get_attribute("href")
    student_phone = context_factory().new_page()
    student_phone.goto(card_link)
    assert_accessible(student_phone)
