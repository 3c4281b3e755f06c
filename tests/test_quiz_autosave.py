"""Autosave of a quiz in progress: it stores answers for the student's own open attempt only, never
scores, refuses bad input without storing anything, and a reload shows what was saved."""

import re

import pytest

from django.test import Client
from django.urls import reverse

from quizzes.attempts import open_attempt, save_answers, stored_answers, submit
from quizzes.models import Answer, QuizAttempt, QuizPage
from quizzes.scoring import questions_of

pytestmark = pytest.mark.django_db


def quiz_with(*block_types):
    """The first live English quiz that has a question of every given type."""
    for quiz in QuizPage.objects.live().filter(locale__language_code="en").order_by("path"):
        if set(block_types) <= {block.block_type for block in quiz.questions}:
            return quiz
    raise AssertionError(f"the demo content has no quiz with {block_types}")


def autosave_url(attempt):
    return reverse("quizzes:autosave", args=[attempt.pk])


def some_answers(questions, text="Autosaved thoughts"):
    """A full set of answers in form fields: two boxes for 'select all', the last choice otherwise."""
    data = {}
    for question in questions:
        name = f"q-{question.id}"
        if question.type == "reflection_text":
            data[name] = text
        elif question.type == "reflection_scale":
            data[name] = "4"
        elif question.many:
            data[name] = [choice.id for choice in question.choices[:2]]
        else:
            data[name] = [question.choices[-1].id]
    return data


def form_fields(attempt, answers):
    return {**answers, "attempt": attempt.pk, "revision": attempt.revision_id}


def is_checked(html, name, value):
    """The input with this name and value is rendered checked (attribute order as in quiz_page.html)."""
    return re.search(rf'name="{re.escape(name)}" value="{re.escape(str(value))}"\s+checked', html) is not None


@pytest.fixture
def student(make_user):
    return make_user("student-autosave")


@pytest.fixture
def student_client(student):
    client = Client()
    client.force_login(student)
    return client


def start(client, student, quiz):
    """Open the quiz as the student would, which opens the attempt."""
    client.get(quiz.url)
    return QuizAttempt.objects.get(student=student, quiz=quiz, state="in_progress")


@pytest.mark.parametrize(
    "block_types", [("single_choice", "multiple_choice", "reflection_text"), ("single_choice", "reflection_scale")]
)
def test_autosave_stores_answers_and_a_reload_shows_them(student_client, student, block_types):
    quiz = quiz_with(*block_types)
    attempt = start(student_client, student, quiz)
    questions = questions_of(quiz)
    answers = some_answers(questions)

    response = student_client.post(autosave_url(attempt), form_fields(attempt, answers))

    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["saved_at"]
    attempt.refresh_from_db()
    assert attempt.state == "in_progress" and attempt.score is None and attempt.submitted_at is None
    html = student_client.get(quiz.url).content.decode()
    for question in questions:
        name = f"q-{question.id}"
        if question.type == "reflection_text":
            assert f">{answers[name]}</textarea>" in html
        else:  # radios, boxes and the 1–5 scale
            chosen = answers[name] if isinstance(answers[name], list) else [answers[name]]
            assert all(is_checked(html, name, value) for value in chosen), name


def test_a_later_autosave_replaces_the_earlier_answers(student_client, student):
    quiz = quiz_with("single_choice", "reflection_text")
    attempt = start(student_client, student, quiz)
    questions = questions_of(quiz)
    student_client.post(autosave_url(attempt), form_fields(attempt, some_answers(questions, text="First draft")))
    first_choice = next(q for q in questions if q.type == "single_choice")
    changed = {**some_answers(questions, text="Second draft"), f"q-{first_choice.id}": [first_choice.choices[0].id]}

    assert student_client.post(autosave_url(attempt), form_fields(attempt, changed)).status_code == 200

    stored = stored_answers(attempt)
    assert stored[first_choice.id] == [first_choice.choices[0].id]
    assert "Second draft" in stored.values() and "First draft" not in stored.values()
    assert Answer.objects.filter(attempt=attempt).count() == len(questions)


def test_an_empty_reflection_reloads_as_an_empty_box(student_client, student):
    quiz = quiz_with("reflection_text")
    attempt = start(student_client, student, quiz)
    student_client.post(autosave_url(attempt), form_fields(attempt, {}))
    html = student_client.get(quiz.url).content.decode()
    assert "[]</textarea>" not in html


def test_the_quiz_page_loads_the_script_only_for_an_attempt(student_client, student):
    quiz = quiz_with("single_choice")
    html = student_client.get(quiz.url).content.decode()
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert "js/quiz-autosave.js" in html
    assert f'data-autosave-url="{autosave_url(attempt)}"' in html
    assert 'role="status"' in html and 'data-offline="Offline – will retry"' in html
    anonymous = Client().get(quiz.url).content.decode()
    assert "quiz-autosave.js" not in anonymous and "data-autosave-url" not in anonymous


def test_someone_elses_attempt_is_a_404(student_client, make_user):
    quiz = quiz_with("single_choice")
    attempt = open_attempt(make_user("another-student"), quiz)
    response = student_client.post(autosave_url(attempt), form_fields(attempt, some_answers(questions_of(quiz))))
    assert response.status_code == 404
    assert not attempt.answers.exists()


def test_a_submitted_attempt_is_a_404_and_stays_as_it_was(student_client, student):
    quiz = quiz_with("single_choice")
    attempt = start(student_client, student, quiz)
    questions = questions_of(quiz)
    submit(attempt, {q.id: sorted(q.correct_ids) if q.scored else "" for q in questions})
    before = list(Answer.objects.filter(attempt=attempt).order_by("pk").values())

    response = student_client.post(autosave_url(attempt), form_fields(attempt, some_answers(questions)))

    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.score == attempt.max_score
    assert list(Answer.objects.filter(attempt=attempt).order_by("pk").values()) == before


def test_a_save_that_arrives_after_the_submit_stores_nothing(student):
    """The race the gate in save_answers is for: the autosave read the attempt before the submit."""
    quiz = quiz_with("single_choice")
    attempt = open_attempt(student, quiz)
    seen_by_autosave = QuizAttempt.objects.get(pk=attempt.pk)
    questions = questions_of(quiz)
    submit(attempt, {q.id: sorted(q.correct_ids) if q.scored else "" for q in questions})
    before = list(Answer.objects.filter(attempt=attempt).order_by("pk").values())

    assert save_answers(seen_by_autosave, {q.id: [] if q.scored else "late" for q in questions}) is False
    assert list(Answer.objects.filter(attempt=attempt).order_by("pk").values()) == before


@pytest.mark.parametrize(
    "bad_field, error",
    [("unknown_choice", "unknown_choice"), ("unknown_question", "unknown_question"), ("revision", "out_of_date")],
)
def test_bad_input_is_a_400_and_nothing_is_stored(student_client, student, bad_field, error):
    quiz = quiz_with("single_choice")
    attempt = start(student_client, student, quiz)
    questions = questions_of(quiz)
    data = form_fields(attempt, some_answers(questions))
    if bad_field == "unknown_choice":
        data[f"q-{next(q for q in questions if q.scored).id}"] = ["no-such-choice"]
    elif bad_field == "unknown_question":
        data["q-not-a-question"] = ["a"]
    else:
        data["revision"] = attempt.revision_id + 999

    response = student_client.post(autosave_url(attempt), data)

    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False and body["error"] == error and body["message"]
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_only_post_is_allowed(student_client, student):
    attempt = start(student_client, student, quiz_with("single_choice"))
    assert student_client.get(autosave_url(attempt)).status_code == 405


def test_signing_in_is_required(student):
    attempt = open_attempt(student, quiz_with("single_choice"))
    response = Client().post(autosave_url(attempt), {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_csrf_token_is_required(student):
    quiz = quiz_with("single_choice")
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    html = client.get(quiz.url).content.decode()
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    data = form_fields(attempt, some_answers(questions_of(quiz)))

    assert client.post(autosave_url(attempt), data).status_code == 403
    assert not Answer.objects.filter(attempt=attempt).exists()

    # What the script sends: the form's own csrfmiddlewaretoken.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert client.post(autosave_url(attempt), {**data, "csrfmiddlewaretoken": token}).status_code == 200
