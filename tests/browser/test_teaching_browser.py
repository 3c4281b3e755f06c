"""Teaching in the room in a real browser (issue 18): axe on every new page, the projector without
JavaScript, and the printable plan and handout as Chromium prints them to PDF (A4)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser

# The demo class "2학년 3반" has this middle-school lesson assigned (classrooms/demo.py).
LESSON_KO = "/ko/curriculum/deepfakes-and-ai/what-deepfakes-are/"
LESSON_EN = "/en/curriculum/deepfakes-and-ai/what-deepfakes-are/"
# A4 minus the print margins of static/css/print.css (15 mm each side), in CSS pixels.
PRINTABLE_WIDTH_PX = round((210 - 30) / 25.4 * 96)


def go(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    return response


def demo_class_url(page, live_site):
    go(page, live_site + "/en/teach/")
    return live_site + page.get_by_role("link", name="2학년 3반").first.get_attribute("href")


def test_projector_presenter_plan_and_handout_pass_axe(live_site, context_factory):
    reader = context_factory().new_page()
    for url in (LESSON_KO + "present/", LESSON_EN + "present/", LESSON_KO + "handout/", LESSON_EN + "handout/"):
        go(reader, live_site + url)
        assert_accessible(reader)
    go(reader, live_site + LESSON_EN + "present/#screen-3")
    assert reader.locator("section.screen:visible").count() == 1
    assert_accessible(reader)

    teacher = context_factory().new_page()
    log_in(teacher, live_site, "teacher", "dignity-teacher-2026")
    for url in (LESSON_KO + "present/", LESSON_KO + "present/presenter/", LESSON_KO + "plan/", LESSON_EN + "plan/"):
        go(teacher, live_site + url)
        assert_accessible(teacher)
    go(teacher, demo_class_url(teacher, live_site))
    expect(teacher.get_by_role("heading", name="Teach it in the room")).to_be_visible()
    assert_accessible(teacher)


def test_projector_works_without_javascript(live_site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    go(page, live_site + LESSON_EN + "present/")
    total = page.locator("section.screen").count()
    page.locator("#screen-1").get_by_role("link", name=re.compile("Next")).click()
    assert page.url.endswith("#screen-2")
    page.locator("#screen-2").get_by_role("link", name=re.compile("Previous")).click()
    assert page.url.endswith("#screen-1")
    # Each screen fills the window, so an anchor shows one screen at a time.
    height = page.viewport_size["height"]
    assert page.locator("#screen-2").bounding_box()["height"] >= height - 1
    assert page.locator(f"#screen-{total}.screen--help_card").count() == 1


def test_question_box_and_live_poll_pages_pass_axe(live_site, context_factory):
    student = context_factory().new_page()
    log_in(student, live_site, "student", "dignity-student-2026")
    go(student, live_site + "/en/learn/")
    student.get_by_role("link", name=re.compile("Ask an anonymous question")).first.click()
    assert_accessible(student)
    student.get_by_label("Your question").fill("Someone is threatening me with a photo of me (browser test)")
    student.get_by_role("button", name="Send anonymously").click()
    expect(student.get_by_role("heading", name="Before you send your question")).to_be_visible()
    assert_accessible(student)
    student.get_by_role("button", name="Send it anonymously").click()
    too_long = "x" * 501
    student.get_by_label("Your question").fill(too_long)  # maxlength stops typing past 500 in the browser
    assert len(student.get_by_label("Your question").input_value()) == 500

    teacher = context_factory().new_page()
    log_in(teacher, live_site, "teacher", "dignity-teacher-2026")
    go(teacher, demo_class_url(teacher, live_site))
    teacher.get_by_role("link", name="Anonymous questions").first.click()
    assert "(browser test)" in teacher.locator("main").inner_text()
    assert "May be a disclosure" in teacher.locator("main").inner_text()
    assert_accessible(teacher)

    go(teacher, live_site + LESSON_EN + "present/")
    while teacher.locator("section.screen.is-current form.poll-open").count() == 0:
        teacher.keyboard.press("ArrowRight")
    assert_accessible(teacher)
    teacher.locator("section.screen.is-current").get_by_label("Open a live anonymous poll for").select_option(
        label="2학년 3반"
    )
    teacher.locator("section.screen.is-current").get_by_role("button", name="Open poll").click()
    teacher.wait_for_url("**/teach/polls/*/")
    assert_accessible(teacher)

    go(student, live_site + LESSON_EN)
    assert student.locator("section.live-poll").count() == 1
    assert_accessible(student)
    student.locator("section.live-poll").get_by_role("radio", name="3", exact=True).check()
    student.get_by_role("button", name="Send my answer").click()
    assert "Your answer is counted anonymously." in student.locator("main").inner_text()

    teacher.get_by_role("button", name="Close the poll").click()
    assert "This poll is closed." in teacher.locator("main").inner_text()
    go(teacher, demo_class_url(teacher, live_site))
    teacher.locator("section.teach-this").get_by_role("link", name="Poll results").first.click()
    assert "1 answer so far." in teacher.locator("main").inner_text()
    assert_accessible(teacher)


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("language", ["ko", "en"])
def test_plan_and_handout_print_on_a4_without_cut_off_text(live_site, context_factory, language):
    page = context_factory(viewport={"width": PRINTABLE_WIDTH_PX, "height": 1000}).new_page()
    log_in(page, live_site, "teacher", "dignity-teacher-2026")
    lesson = LESSON_KO if language == "ko" else LESSON_EN
    pages = {}
    for kind in ("plan", "handout"):
        go(page, live_site + lesson + kind + "/")
        page.emulate_media(media="print")
        # Nothing is wider than the printable width of A4: no text is cut off at the right margin.
        overflowing = page.evaluate(
            """(width) => Array.from(document.querySelectorAll('main *'))
                 .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > width + 1)
                 .map((el) => el.tagName + ' ' + el.className + ' ' + el.getBoundingClientRect().right)""",
            PRINTABLE_WIDTH_PX,
        )
        assert overflowing == [], (kind, overflowing[:5])
        assert page.evaluate("document.documentElement.scrollWidth") <= PRINTABLE_WIDTH_PX
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator(".help-bar")).to_be_hidden()
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        pages[kind] = pdf_pages(pdf)
        page.emulate_media(media="screen")
    print(f"print-to-PDF pages ({language}): {pages}")  # the figure reported with the change
    # The plan: everything for the teacher, then the worksheet on a page of its own; the handout: one sheet.
    assert 3 <= pages["plan"] <= 9, pages
    assert pages["handout"] == 1, pages
