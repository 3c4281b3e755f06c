"""Teaching a lesson in the room (issue 18): projector mode by keyboard, a live poll that waits for five
answers, and an anonymous question that shows a student the help lines before it is sent.

Walks the demo curriculum: module 03, middle-school lesson "딥페이크란 무엇일까" (read from demo/).
Labels are looked up in the Korean catalogue, so the journeys read what a Korean-speaking person reads.
"""

import json
import re

import pytest
import yaml
from playwright.sync_api import expect

from django.utils import translation

from tests.live import ROOT

pytestmark = pytest.mark.browser

LESSON = yaml.safe_load((ROOT / "demo/curriculum/03-deepfakes-and-ai/what-deepfakes-are.ko.yaml").read_text())


def ko(message, **values):
    with translation.override("ko"):
        text = translation.gettext(message)
    return text % values if values else text


def teacher_with_a_class(person, create_account, unique):
    """A teacher signs in from the front page, makes a class and assigns the lesson; returns (person, code)."""
    username, password = create_account("teacher", unique("room-teacher"))
    teacher = person("teacher")
    page = teacher.start("ko")
    page.get_by_role("link", name=ko("Log in"), exact=True).first.click()
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name=ko("Create a class")).click()
    class_name = unique("2-")
    page.get_by_label(ko("Class name"), exact=True).fill(class_name)
    page.get_by_label(ko("Audience band"), exact=True).select_option("middle_school")
    page.get_by_label(ko("New school's name"), exact=True).fill(unique("한빛중 "))
    page.get_by_role("button", name=ko("Create class")).click()
    code = page.locator("#join-code").inner_text().strip()
    page.get_by_role("link", name=ko("Assign from the curriculum")).click()
    page.get_by_label(ko("What to assign"), exact=True).select_option(label="— " + LESSON["title"])
    page.get_by_role("button", name=ko("Assign")).click()
    page.get_by_role("heading", name=ko("Teach it in the room")).wait_for()
    return teacher, code, class_name


def student_joins(person, code, unique, role):
    student = person(role)
    page = student.start("ko")
    page.get_by_role("link", name=ko("Join a class"), exact=True).first.click()
    page.get_by_label(ko("Class code"), exact=True).fill(code)
    page.get_by_role("button", name=ko("Continue")).click()
    username = unique("fox")
    page.get_by_label(ko("Username"), exact=True).fill(username)
    page.get_by_label(ko("Password"), exact=True).fill("a-long-passphrase-7")
    page.get_by_label(ko("Password again"), exact=True).fill("a-long-passphrase-7")
    page.get_by_role("button", name=ko("Create account and join")).click()
    page.wait_for_url("**/ko/learn/")
    return student, username


def current_screen(page):
    return page.locator("section.screen.is-current")


def test_teacher_opens_projector_mode_from_the_class_page_and_moves_through_every_screen_by_keyboard(
    person, create_account, unique
):
    teacher, _code, _name = teacher_with_a_class(person, create_account, unique)
    page = teacher.page
    page.get_by_role("link", name=ko("Projector mode")).first.click()
    page.wait_for_url("**/present/**")
    first = current_screen(page)
    assert LESSON["title"] in first.inner_text()
    assert ko("Content note") in first.inner_text()
    total = int(re.search(r"1 / (\d+)", first.locator(".screen__count").inner_text()).group(1))
    assert total > 10
    teacher.shot("projector-first")
    seen_kinds = []
    for number in range(2, total + 1):
        page.keyboard.press("ArrowRight")
        screen = current_screen(page)
        assert screen.locator(".screen__count").inner_text() == f"{number} / {total}"
        seen_kinds.append(screen.get_attribute("class"))
        assert page.locator("section.screen:visible").count() == 1
    # The last screen is the help card; no teacher note was ever on screen.
    assert "screen--help_card" in seen_kinds[-1]
    assert ko("Where to get help") in current_screen(page).inner_text()
    teacher.shot("projector-help-card")
    page.keyboard.press("ArrowRight")  # past the end: stays on the last screen
    assert current_screen(page).locator(".screen__count").inner_text() == f"{total} / {total}"
    page.keyboard.press("Home")
    assert current_screen(page).locator(".screen__count").inner_text() == f"1 / {total}"
    page.keyboard.press("PageDown")  # what a clicker sends
    assert current_screen(page).locator(".screen__count").inner_text() == f"2 / {total}"
    page.keyboard.press("End")
    page.keyboard.press("PageUp")
    assert current_screen(page).locator(".screen__count").inner_text() == f"{total - 1} / {total}"
    notes_start = LESSON["teacher_notes"].split("\n\n")[1][:30]
    assert notes_start not in page.locator("body").inner_text()
    teacher.assert_fits()


def test_three_students_answer_a_poll_and_the_projector_shows_nothing_until_five_have(person, create_account, unique):
    teacher, code, class_name = teacher_with_a_class(person, create_account, unique)
    students = [student_joins(person, code, unique, f"poll-student{number}") for number in range(1, 6)]

    page = teacher.page
    page.get_by_role("link", name=ko("Projector mode")).first.click()
    page.wait_for_url("**/present/**")
    while current_screen(page).locator("form.poll-open").count() == 0:
        page.keyboard.press("ArrowRight")
    question = current_screen(page).locator(".screen__question").inner_text()
    current_screen(page).get_by_role("button", name=ko("Open poll")).click()
    page.wait_for_url("**/teach/polls/*/")
    assert question in page.locator("main").inner_text()

    def answers(group, value):
        for student, _username in group:
            student_page = student.page
            student_page.get_by_role("link", name=LESSON["title"]).first.click()
            poll = student_page.locator("section.live-poll")
            assert question in poll.inner_text()
            poll.get_by_role("radio", name=str(value), exact=True).check()
            student.shot("poll-answer")
            poll.get_by_role("button", name=ko("Send my answer")).click()
            assert ko("Thank you. Your answer is counted anonymously.") in student_page.locator("main").inner_text()
            student_page.get_by_role("link", name=ko("My learning")).first.click()

    answers(students[:3], 2)
    count = page.locator(".poll-count")
    count.filter(has_text="3").wait_for(timeout=15_000)  # the projector refreshes itself every few seconds
    assert page.locator("meter").count() == 0
    assert (
        ko("The results appear once at least %(minimum)s have answered, so no one's answer can be guessed.", minimum=5)
        in page.locator("main").inner_text()
    )
    teacher.shot("poll-three-answers")

    answers(students[3:4], 4)
    count.filter(has_text="4").wait_for(timeout=15_000)
    assert page.locator("meter").count() == 0

    answers(students[4:], 4)
    count.filter(has_text="5").wait_for(timeout=15_000)
    page.locator("meter").first.wait_for()
    assert page.locator("meter").count() == 5
    values = [page.locator("meter").nth(index).get_attribute("value") for index in range(5)]
    assert values == ["0", "3", "0", "2", "0"]
    body = page.locator("main").inner_text()
    assert not any(username in body for _student, username in students)
    teacher.shot("poll-five-answers")


def test_a_student_sends_an_anonymous_disclosure_and_sees_the_help_lines_first(
    person, create_account, unique, server_manage
):
    teacher, code, class_name = teacher_with_a_class(person, create_account, unique)
    student, username = student_joins(person, code, unique, "asking-student")
    page = student.page
    page.get_by_role("link", name=re.compile(ko("Ask an anonymous question"))).first.click()
    text = f"친구가 제 사진으로 협박해요. 어떻게 해야 하나요? ({unique('q')})"
    page.get_by_label(ko("Your question"), exact=True).fill(text)
    page.get_by_role("button", name=ko("Send anonymously")).click()
    # Before anything is sent: the help lines, and that the teacher cannot see who sent it.
    expect(page.get_by_role("heading", name=ko("Before you send your question"))).to_be_visible()
    help_card = page.locator("section.card--help")
    assert "1366" in help_card.inner_text() and "112" in page.locator("body").inner_text()
    assert ko("Your teacher cannot see who sent this question.") in page.locator("main").inner_text()
    student.shot("question-help-first")
    student.assert_fits()
    page.get_by_role("button", name=ko("Send it anonymously")).click()
    assert ko("Your question was sent. Your teacher cannot see who sent it.") in page.locator("main").inner_text()

    teacher_page = teacher.page
    teacher_page.get_by_role("link", name=ko("My classes")).first.click()
    teacher_page.get_by_role("link", name=class_name).click()
    teacher_page.get_by_role("link", name=ko("Anonymous questions")).first.click()
    item = teacher_page.locator("li.card", has_text=text)
    assert ko("May be a disclosure: see the protocol above") in item.inner_text()
    assert ko("Your duty to report") in teacher_page.locator("main").inner_text()
    assert username not in teacher_page.locator("body").inner_text()
    teacher.shot("question-box")

    # The database row itself: the question, its class, a day and two flags; nothing about the sender.
    script = (
        "import json; from teaching.models import AnonymousQuestion; "
        f"print(json.dumps([dict(r) for r in AnonymousQuestion.objects.filter(text={text!r}).values()], default=str))"
    )
    rows = json.loads(server_manage("shell", "-c", script).stdout.strip().splitlines()[-1])
    assert len(rows) == 1
    assert set(rows[0]) == {"id", "classroom_id", "text", "flagged", "received_on", "answered_at", "hidden_at"}
    assert rows[0]["flagged"] is True
    assert not any(username in str(value) for value in rows[0].values())
