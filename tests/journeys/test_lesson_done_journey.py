"""A student reads a lesson, marks it done, and the page says so in both languages (issue 16: the lesson page is the
cached page with the student's parts filled in on the server, website/holes.py).

Walks the demo curriculum (module 03, middle-school lesson "What deepfakes are").
"""

from playwright.sync_api import expect

from tests.journeys.steps import say, sign_in


def test_a_student_marks_a_lesson_done_and_sees_it(person, create_account, unique):
    username, password = create_account("student", unique("done"))
    student = person("student")
    page = student.start("ko")
    sign_in(page, username, password)
    page.get_by_role("link", name="English").first.click()
    page.get_by_role("link", name="Lessons", exact=True).first.click()
    page.get_by_role("link", name="Deepfakes and AI").click()
    page.get_by_role("link", name="What deepfakes are: fake images, real harm").click()
    expect(page.locator("h1")).to_contain_text("What deepfakes are")
    assert page.locator(".lesson-status").count() == 0  # nothing to say yet
    page.get_by_role("button", name="Mark this lesson as done").click()
    page.wait_for_load_state("load")
    assert "Marked as done." in page.locator(".messages").inner_text()
    assert "You have finished this lesson." in page.locator(".lesson-status").inner_text()
    assert page.get_by_role("button", name="Log out").count() == 1  # the header is the student's
    student.assert_fits()
    # The same lesson in Korean: progress counts in every language.
    page.get_by_role("link", name="한국어").first.click()
    page.wait_for_url("**/ko/**")
    page.wait_for_load_state("load")
    status = page.locator(".lesson-status")
    assert say("You have finished this lesson.") in status.inner_text()
    assert page.locator(".messages").count() == 0  # the message was shown once
    student.assert_fits()
    status.scroll_into_view_if_needed()
    student.shot("lesson-done-ko")
