"""Quiz feedback does what the page says (issue 12, Found 9 / Deliver 10): a practice quiz explains each
question as soon as it is answered; without JavaScript a per-question "Check this answer" button posts
the form and the page comes back with that explanation and every other answer kept. Assessed quizzes
say that explanations follow the submission, and hold none in the page before it."""

import json
import re
import uuid

import pytest

from django.test import Client

from wagtail.models import Page

from quizzes.models import Answer, QuizAttempt, QuizPage
from quizzes.scoring import questions_of
from tests.conftest import client_for
from tests.factories import CurriculumIndexPageFactory, LessonPageFactory, ModulePageFactory, QuizPageFactory
from tests.quiz_forms import open_quiz, submit_url

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def choice_question(block_type, prompt, choices, correct):
    """Raw StreamField data for a choice question; every choice has its own feedback, every question its own
    explanation, so the page can be read for exactly which ones it shows."""
    question_id = str(uuid.uuid4())
    items = [
        {
            "type": "item",
            "id": str(uuid.uuid4()),
            "value": {"text": text, "correct": text in correct, "feedback": f"Feedback on {text} ({question_id})."},
        }
        for text in choices
    ]
    value = {"prompt": prompt, "choices": items, "explanation": f"Explained: {prompt} ({question_id})", "law": None}
    return {"type": block_type, "id": question_id, "value": value}


def questions():
    """A single choice, a 'select all that apply' with three right choices, and a true or false."""
    return json.dumps(
        [
            choice_question("single_choice", "Who to tell first?", ("a trusted adult", "nobody"), {"a trusted adult"}),
            choice_question(
                "multiple_choice",
                "Which of these help?",
                ("keep the evidence", "report it", "tell a teacher", "share it on"),
                {"keep the evidence", "report it", "tell a teacher"},
            ),
            choice_question("true_false", "Making one is a crime even unshared.", ("True", "False"), {"True"}),
        ]
    )


@pytest.fixture
def lesson():
    """An English lesson (the site's default root is the Korean home; the English one is its translation)."""
    english_home = Page.objects.get(depth=2, locale__language_code="en")
    module = ModulePageFactory(parent=CurriculumIndexPageFactory(parent=english_home))
    return LessonPageFactory(parent=module, title="It's not just a joke")


@pytest.fixture
def assessed(lesson):
    return QuizPageFactory(parent=lesson, kind=QuizPage.Kind.CHECK, title="Check", questions=questions())


@pytest.fixture
def practice(lesson, assessed):
    """The lesson's practice quiz, beside its check quiz."""
    return QuizPageFactory(parent=lesson, kind=QuizPage.Kind.PRACTICE, title="Practise first", questions=questions())


def feedback_body(html, question_id):
    """The opening tag of a question's feedback body and what follows, up to the question's end."""
    match = re.search(rf'id="feedback-{question_id}".*?(<div class="feedback__body"[^>]*>.*?)</fieldset>', html, re.S)
    assert match, f"no feedback for {question_id}"
    return match.group(1)


def shown(html, question_id):
    return " hidden>" not in feedback_body(html, question_id).split(">", 1)[0] + ">"


def test_a_practice_quiz_says_explanations_come_at_once_and_offers_a_check_button(practice):
    html = Client().get(practice.url).content.decode()
    assert "each question's explanation appears as soon as you answer it" in html
    assert "js/quiz-feedback.js" in html
    for question in questions_of(practice):
        assert f'name="check" value="{question.id}"' in html
        assert f'formaction="{practice.url}#question-{question.id}"' in html
        assert not shown(html, question.id)  # hidden until answered


def test_an_assessed_quiz_says_explanations_follow_the_submission(assessed):
    html = Client().get(assessed.url).content.decode()
    assert "Explanations appear after you submit your answers." in html
    assert 'name="check"' not in html and "quiz-feedback.js" not in html
    scored = [q for q in questions_of(assessed) if q.scored]
    assert not any(q.explanation in html for q in scored)  # nothing to read ahead of the submission


def test_check_without_javascript_shows_that_explanation_and_keeps_the_other_answers(practice):
    single, several = questions_of(practice)[:2]
    wrong = next(c for c in single.choices if not c.correct)
    chosen = sorted(several.correct_ids)[:2]
    response = Client().post(practice.url, {f"q-{single.id}": wrong.id, f"q-{several.id}": chosen, "check": single.id})
    assert response.status_code == 200
    html = response.content.decode()
    assert shown(html, single.id) and not shown(html, several.id)
    body = feedback_body(html, single.id)
    assert "✘ Not right" in body and wrong.feedback in body and single.explanation in body
    right = next(c for c in single.choices if c.correct)
    assert f'data-choice="{right.id}" hidden' in body  # only the chosen choice's feedback
    # Every answer is still ticked, and the checked question stays explained on the next check.
    assert re.search(rf'name="q-{single.id}" value="{wrong.id}"\s+checked', html)
    for choice_id in chosen:
        assert re.search(rf'name="q-{several.id}" value="{choice_id}"\s+checked', html)
    assert f'<input type="hidden" name="checked" value="{single.id}">' in html
    # Anonymous practice stores nothing.
    assert not QuizAttempt.objects.filter(quiz=practice).exists()

    again = (
        Client()
        .post(
            practice.url,
            {
                f"q-{single.id}": wrong.id,
                f"q-{several.id}": sorted(several.correct_ids),
                "checked": single.id,
                "check": several.id,
            },
        )
        .content.decode()
    )
    assert shown(again, single.id) and shown(again, several.id)
    assert "✔ Right" in feedback_body(again, several.id)


def test_a_students_check_saves_the_answers_and_submits_nothing(practice, make_user):
    student = make_user("practising")
    client = client_for(student)
    form = open_quiz(client, practice)
    assert not QuizAttempt.objects.filter(student=student).exists()  # opening writes nothing
    single = questions_of(practice)[0]
    right = next(c for c in single.choices if c.correct)
    html = client.post(submit_url(practice), {**form, f"q-{single.id}": right.id, "check": single.id}).content.decode()
    assert "✔ Right" in feedback_body(html, single.id)
    assert f'value="{form["quiz_form"]}"' in html  # the page comes back with the same form
    attempt = QuizAttempt.objects.get(student=student, quiz=practice)  # the first Check started it
    assert attempt.state == QuizAttempt.State.IN_PROGRESS and attempt.score is None
    assert Answer.objects.get(attempt=attempt, question_id=single.id).choice_ids == [right.id]


def test_checking_an_unanswered_question_says_what_to_do_and_shows_nothing(practice):
    single, several = questions_of(practice)[:2]
    first = sorted(several.correct_ids)[0]
    response = Client().post(practice.url, {f"q-{several.id}": [first], "check": single.id})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose an answer first, then press “Check this answer”." in html
    assert not shown(html, single.id) and not shown(html, several.id)
    assert re.search(rf'name="q-{several.id}" value="{first}"\s+checked', html)  # kept


def test_checking_a_question_the_quiz_does_not_have_is_refused(practice):
    single = questions_of(practice)[0]
    response = Client().post(practice.url, {f"q-{single.id}": single.choices[0].id, "check": "not-a-question"})
    assert response.status_code == 400
    assert "That answer is for a question this quiz does not have." in response.content.decode()


def test_the_lesson_page_links_its_practice_quiz_beside_the_check(practice):
    lesson = practice.get_parent()
    html = Client().get(lesson.url).content.decode()
    assert f'href="{practice.url}"' in html and practice.title in html
