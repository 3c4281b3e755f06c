"""A student takes a practice quiz and reads each explanation right after answering: at once with
JavaScript, and with the per-question "Check this answer" button when JavaScript is off, which keeps
the other answers (issue 12, "Quiz feedback").

Walks the demo curriculum: the practice quiz of the middle-school lesson "It's just a joke" (module 05).
"""

import yaml
from playwright.sync_api import expect

from tests.journeys.steps import say, sign_in
from tests.live import ROOT
from website.demo.loader import stable_uuid

FOLDER = ROOT / "demo/curriculum/05-group-chats-and-bystanders"
MODULE = yaml.safe_load((FOLDER / "module.ko.yaml").read_text(encoding="utf-8"))
LESSON = yaml.safe_load((FOLDER / "its-not-just-a-joke.ko.yaml").read_text(encoding="utf-8"))
PRACTICE = LESSON["practice"]


def field(question):
    return f"q-{stable_uuid('question', 'lesson', LESSON['slug'], 'practice', question['id'])}"


def open_practice_quiz(page):
    page.get_by_role("link", name=say("Lessons"), exact=True).first.click()
    page.get_by_role("link", name=MODULE["title"]).first.click()
    page.get_by_role("link", name=LESSON["title"]).first.click()
    page.get_by_role("link", name=PRACTICE["title"]).click()


def wrong_choice(question):
    return next(c for c in question["choices"] if not c.get("correct"))


def test_practice_quiz_explains_each_answer_at_once(person, create_account, unique):
    username, password = create_account("student", unique("practising"))
    student = person("student")
    page = student.start("ko")
    sign_in(page, username, password)
    open_practice_quiz(page)
    first, second = PRACTICE["questions"][:2]
    feedback = page.locator(f"#question-{field(first)[2:]} .feedback__body")
    expect(feedback).not_to_be_visible()

    wrong = wrong_choice(first)
    page.locator(f"input[name='{field(first)}'][value='{wrong['id']}']").check()
    # No page load: the explanation is there as soon as the answer is chosen.
    feedback.wait_for(state="visible")
    said = feedback.inner_text()
    assert say("Not right") in said and wrong["feedback"] in said and first["explanation"].strip() in said
    expect(page.locator(f"#question-{field(second)[2:]} .feedback__body")).not_to_be_visible()
    student.assert_fits()
    feedback.scroll_into_view_if_needed()
    student.shot("practice-feedback-js")


def test_practice_quiz_check_button_without_javascript(person, create_account, unique):
    username, password = create_account("student", unique("no-script"))
    student = person("student", javascript=False)
    page = student.start("ko")
    sign_in(page, username, password)
    open_practice_quiz(page)
    first, second = PRACTICE["questions"][:2]
    # Answer the second question first, then choose an answer to the first and check it.
    kept = [c["id"] for c in second["choices"] if c.get("correct")][:2]
    for choice_id in kept:
        page.locator(f"input[name='{field(second)}'][value='{choice_id}']").check()
    right = next(c for c in first["choices"] if c.get("correct"))
    page.locator(f"input[name='{field(first)}'][value='{right['id']}']").check()
    feedback = page.locator(f"#question-{field(first)[2:]} .feedback__body")
    expect(feedback).not_to_be_visible()  # nothing happens without a click when scripts are off
    with page.expect_navigation():
        page.locator(f"#question-{field(first)[2:]}").get_by_role("button", name=say("Check this answer")).click()

    said = feedback.inner_text()
    assert say("Right") in said and right["feedback"] in said and first["explanation"].strip() in said
    # The other answers are kept and the quiz is not submitted.
    for choice_id in kept:
        assert page.locator(f"input[name='{field(second)}'][value='{choice_id}']").is_checked()
    expect(page.get_by_role("button", name=say("Submit answers"))).to_be_visible()
    student.assert_fits()
    feedback.scroll_into_view_if_needed()
    student.shot("practice-feedback-no-js")
