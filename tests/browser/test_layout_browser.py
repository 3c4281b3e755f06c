"""Phone-first layout: every page type fits a 320 px and a 390 px screen, with tappable controls.

Walks the demo curriculum and the demo accounts (teacher, student) of `load_demo`.
"""

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

WIDTHS = (320, 390)
MODULE = "/ko/curriculum/deepfakes-and-ai/"
LESSON = MODULE + "deepfakes-and-the-law/"
QUIZ = LESSON + "check/"
PUBLIC = [
    "/ko/",
    "/ko/curriculum/",
    MODULE,
    LESSON,
    "/en/curriculum/deepfakes-and-ai/what-deepfakes-are/",  # 401 px wide at 390 before
    QUIZ,
    "/en" + QUIZ[3:],
    "/ko/help/",
    "/ko/help/?situation=image_shared",
    "/ko/help/report/",
    "/en/help/report/",
    "/ko/help/quick-exit/",
    "/ko/search/?q=%EB%94%A5%ED%8E%98%EC%9D%B4%ED%81%AC",
    "/ko/join/",
    "/ko/accounts/login/",
    "/ko/accounts/signup/",
    "/ko/no-such-page-at-all/",
]
STUDENT = ["/ko/learn/", "/ko/learn/progress/", "/ko/learn/my-data/"]

# Controls a finger must hit: buttons, the header's and help bar's links, form fields, quiz choices.
TARGETS = (
    "main .button, main button, .quick-exit, .help-bar a, .site-header a, .site-header button, "
    "main input[type=text], main input[type=password], main input[type=search], main input[type=email], "
    "main select, main .choice"
)
SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.offsetParent !== null)
  .map((e) => ({r: e.getBoundingClientRect(), text: (e.innerText || e.name || e.tagName).trim().slice(0, 30)}))
  .filter(({r}) => r.height < 44 || r.width < 44)
  .map(({r, text}) => `${text} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def assert_fits(page, path):
    response = page.goto(page.base + path)
    assert response.status in (200, 404), (path, response.status)
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("innerWidth")
    assert width <= viewport, f"{path} is {width}px wide on a {viewport}px screen"
    small = page.evaluate(SMALL_TARGETS, TARGETS)
    assert not small, f"{path} at {viewport}px: targets under 44 px: {small}"


def phone(context_factory, live_site, width):
    context = context_factory(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.base = live_site
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_fit_a_phone(live_site, context_factory, width):
    page = phone(context_factory, live_site, width)
    for path in PUBLIC:
        assert_fits(page, path)
    # The quiz result, after answering every question.
    page.goto(live_site + QUIZ)
    for fieldset in page.locator("main fieldset").all():
        if fieldset.locator("input").count():
            fieldset.locator("input").first.check()
        else:
            fieldset.locator("textarea").fill("생각해 볼게요. " * 40)
    page.get_by_role("button", name="답 제출하기").click()
    page.wait_for_load_state()
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the quiz result is {width_now}px wide on a {width}px screen"


@pytest.mark.parametrize("width", WIDTHS)
def test_student_pages_fit_a_phone(live_site, context_factory, width):
    page = phone(context_factory, live_site, width)
    log_in(page, live_site, "student", "dignity-student-2026")
    for path in STUDENT:
        assert_fits(page, path)


@pytest.mark.parametrize("width", WIDTHS)
def test_teacher_pages_fit_a_phone(live_site, context_factory, width):
    page = phone(context_factory, live_site, width)
    log_in(page, live_site, "teacher", "dignity-teacher-2026")
    assert_fits(page, "/ko/teach/")
    classroom = page.get_by_role("link", name="2학년 3반").first.get_attribute("href")
    assert re.search(r"/teach/classes/\d+/$", classroom), classroom
    paths = [classroom + suffix for suffix in ("", "progress/", "assign/", "join-sheet/")]
    for path in paths:
        assert_fits(page, path)
    page.goto(live_site + classroom + "progress/")
    student = page.locator("table.matrix tbody th a").first.get_attribute("href")
    analysis = page.locator("table.matrix thead a[href*='/quizzes/']").first.get_attribute("href")
    for path in (student, analysis):
        assert_fits(page, path.removeprefix(live_site))


def test_quiz_choices_are_full_width_rows(live_site, context_factory):
    """A radio or checkbox is chosen by tapping anywhere on its row, not a 13 px circle."""
    page = phone(context_factory, live_site, 390)
    page.goto(live_site + QUIZ)
    choice = page.locator("main .choice").first
    box = choice.bounding_box()
    form = page.locator("main fieldset").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= form["width"] - 40, (box, form)
    radio = choice.locator("input")
    assert not radio.is_checked()
    # Tap the far right of the row, away from the circle and the text.
    page.touchscreen.tap(box["x"] + box["width"] - 6, box["y"] + box["height"] / 2)
    assert radio.is_checked()
    size = radio.bounding_box()
    assert size["width"] >= 20 and size["height"] >= 20, size


def test_law_cards_are_a_stacked_list_on_a_phone(live_site, context_factory):
    page = phone(context_factory, live_site, 390)
    page.goto(live_site + LESSON)
    law = page.locator("section.law").first
    term = law.locator("dt").first.bounding_box()
    detail = law.locator("dd").first.bounding_box()
    # The detail sits under its term, at the card's full width, not in a narrow second column.
    assert detail["y"] >= term["y"] + term["height"] - 1, (term, detail)
    assert detail["width"] >= law.bounding_box()["width"] - 60, detail


def test_long_addresses_wrap_on_the_help_and_report_pages(live_site, context_factory):
    page = phone(context_factory, live_site, 320)
    for path in ("/ko/help/", "/ko/help/report/"):
        page.goto(live_site + path)
        links = page.locator("main a[href^='http']")
        assert links.count(), path
        widest = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('main a[href^=\"http\"]')]"
            ".map((a) => a.getBoundingClientRect().right))"
        )
        assert widest <= 320, (path, widest)


# Each help-bar link a reader can see: (its text, its left and right edge, the right edge of the row it scrolls in,
# the left edge of Quick Exit).
HELP_BAR_LINKS = """() => {
  const row = document.querySelector('.help-bar__links').getBoundingClientRect();
  const exit = document.querySelector('.quick-exit').getBoundingClientRect();
  return [...document.querySelectorAll('.help-bar__links a')].filter((a) => a.offsetParent !== null).map((a) => {
    const r = a.getBoundingClientRect();
    return {text: a.innerText.trim(), left: r.left, right: r.right, rowRight: row.right, exitLeft: exit.left};
  });
}"""


@pytest.mark.parametrize(("language", "width"), [("ko", 320), ("ko", 390), ("en", 390)])
def test_the_help_bar_shows_emergency_help_and_report_whole_beside_quick_exit(
    live_site, context_factory, language, width
):
    """On a phone the row of help links used to run on under Quick Exit, its fourth link cut in half (Korean,
    390 px). Emergency, help and report are whole and in sight, left of the button; what Quick Exit does is the
    footer's link there."""
    page = phone(context_factory, live_site, width)
    page.goto(f"{live_site}/{language}/")
    links = page.evaluate(HELP_BAR_LINKS)
    assert [link["text"] for link in links] == (
        ["긴급 112", "도움 받기", "신고하기"] if language == "ko" else ["Emergency 112", "Get help", "Report"]
    )
    for link in links:
        assert link["left"] >= 0 and link["right"] <= link["rowRight"] + 0.5, link
        assert link["right"] <= link["exitLeft"], link
    footer = page.locator("footer a[href$='/help/quick-exit/']")
    assert footer.count() == 1
    # On a desktop the bar has room for all four.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert len(page.evaluate(HELP_BAR_LINKS)) == 4
