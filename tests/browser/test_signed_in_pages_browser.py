"""axe-core on the pages only a signed-in teacher or student sees (the public ones are in
test_safety_browser.py), each with the help bar and Quick Exit."""

import re

from tests.browser.conftest import assert_accessible, log_in

LESSON = "/en/curriculum/deepfakes-and-ai/deepfakes-and-the-law/"


def href(page, selector):
    return page.locator(selector).first.get_attribute("href")


def check(page, live_site, path, checked):
    response = page.goto(live_site + path if path.startswith("/") else path)
    assert response.status == 200, path
    assert page.locator("[data-quick-exit]").count() >= 1, path
    assert_accessible(page)
    checked.append(path)


def test_every_teacher_page_type_passes_axe(live_site, page):
    log_in(page, live_site, "teacher", "dignity-teacher-2026")
    checked = []
    check(page, live_site, "/en/teach/", checked)
    # The demo class (other browser tests may have added classes of their own to this teacher).
    classroom = page.get_by_role("link", name="2학년 3반").first.get_attribute("href")
    assert re.search(r"/teach/classes/\d+/$", classroom), classroom
    check(page, live_site, classroom, checked)
    for suffix in ("join-sheet/", "progress/", "assign/"):
        check(page, live_site, classroom + suffix, checked)
    page.goto(live_site + classroom + "progress/")
    student = href(page, "table.matrix tbody th a")
    per_question = href(page, "table.matrix thead a[href*='/quizzes/']")
    check(page, live_site, student, checked)
    check(page, live_site, per_question, checked)
    check(page, live_site, "/en/teach/classes/new/", checked)
    check(page, live_site, LESSON, checked)  # with the teacher notes
    assert page.locator("#teacher-notes").count() == 1
    check(page, live_site, "/en/accounts/2fa/", checked)
    check(page, live_site, "/en/accounts/sessions/", checked)  # allauth usersessions: sign out other sessions
    assert len(checked) == 11


def test_every_student_page_type_passes_axe(live_site, page):
    log_in(page, live_site, "student", "dignity-student-2026")
    checked = []
    for path in (
        "/en/learn/",
        "/en/learn/progress/",
        "/en/learn/my-data/",
        LESSON,
        "/ko/learn/",
        "/ko/accounts/sessions/",
    ):
        check(page, live_site, path, checked)
    # The signed-in lesson page carries the student's own "mark as done" form, and no teacher notes.
    page.goto(live_site + LESSON)
    assert page.locator("form[action*='/learn/lessons/'] button").count() == 1
    assert page.locator("#teacher-notes").count() == 0
    assert len(checked) == 6
