"""Retake the README's screenshots (Korean, phone 390×844 and desktop 1366×900) of the demo site.

Not part of the test suite (the name does not start with test_). Run it by hand after a design change:

    DJANGO_SETTINGS_MODULE=website.settings.test .venv/bin/python -m pytest tests/take_screenshots.py -q
"""

from pathlib import Path

import pytest

from tests.journeys.conftest import DEVICES
from tests.live import log_in

HERE = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
LESSON = "/ko/curriculum/deepfakes-and-ai/deepfakes-and-the-law/"


def shoot(context_factory, live_site, device, name, path, account=None, scroll_to=None):
    page = context_factory(locale="ko-KR", **DEVICES[device]).new_page()
    if account:
        log_in(page, live_site, *account)
    page.goto(live_site + path)
    page.evaluate("document.fonts.ready")
    if scroll_to:
        page.locator(scroll_to).first.scroll_into_view_if_needed()
    page.screenshot(path=str(HERE / f"{name}-{device}.png"))
    return page


@pytest.mark.parametrize("device", list(DEVICES))
def test_take_screenshots(context_factory, live_site, device):
    shoot(context_factory, live_site, device, "home", "/ko/")
    shoot(context_factory, live_site, device, "lesson", LESSON)
    shoot(context_factory, live_site, device, "lesson-next", LESSON, scroll_to=".next-step")
    shoot(context_factory, live_site, device, "quiz", LESSON + "check/", scroll_to=".questions")
    student = ("student", "dignity-student-2026")
    page = shoot(context_factory, live_site, device, "student-home", "/ko/learn/", account=student)
    teacher = ("teacher", "dignity-teacher-2026")
    page = context_factory(locale="ko-KR", **DEVICES[device]).new_page()
    log_in(page, live_site, *teacher)
    page.goto(live_site + "/ko/teach/")
    page.get_by_role("link", name="2학년 3반").first.click()
    page.goto(page.url + "progress/")
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(HERE / f"teacher-matrix-{device}.png"))
