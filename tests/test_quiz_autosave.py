"""Autosave of a quiz in progress: it stores answers for the student's own open attempt only, never
scores, refuses bad input without storing anything, and a reload shows what was saved.

The quiz form autosaves to its quiz's save URL with its signed token; the first save starts the attempt
(opening the page writes nothing). The older per-attempt URL still takes saves for an attempt in progress."""

import json
import re
import uuid

import pytest

from django.test import Client
from django.urls import reverse

from wagtail.models import Page

from quizzes.attempts import open_attempt, save_answers, stored_answers, submit
from quizzes.models import Answer, QuizAttempt
from quizzes.scoring import questions_of
from tests.factories import (
    CurriculumIndexPageFactory,
    LessonPageFactory,
    ModulePageFactory,
    QuizPageFactory,
    reflection_text,
    single_choice,
)
from tests.quiz_forms import open_quiz, save_url, submit_url

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def question_of_type(block_type):
    """Raw StreamField data for one question: choice questions have three choices (True and False for a
    true or false), 'select all' two right ones."""
    if block_type == "reflection_text":
        return reflection_text()
    if block_type == "reflection_scale":
        value = {"prompt": "How sure are you?", "low_label": "Not sure", "high_label": "Very sure"}
        return {"type": "reflection_scale", "id": str(uuid.uuid4()), "value": value}
    choices = ("True", "False") if block_type == "true_false" else ("first", "second", "third")
    question = single_choice(prompt=f"A {block_type} question", choices=choices)
    question["type"] = block_type
    if block_type == "multiple_choice":
        question["value"]["choices"][2]["value"]["correct"] = True
    if block_type == "scenario":
        question["value"]["story"] = "Someone finds an edited photo of a classmate."
    return question


def quiz_with(*block_types):
    """A live English check quiz under a lesson, with a question of every given type, and like a real quiz
    two scored questions and a reflection at least (a single choice, a true or false, a text reflection)."""
    kinds = [*block_types, *(kind for kind in MIX if kind not in block_types)]
    english_home = Page.objects.get(depth=2, locale__language_code="en")
    lesson = LessonPageFactory(parent=ModulePageFactory(parent=CurriculumIndexPageFactory(parent=english_home)))
    return QuizPageFactory(parent=lesson, questions=json.dumps([question_of_type(kind) for kind in kinds]))


MIX = ("single_choice", "true_false", "reflection_text")


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
    """Open the quiz as the student would, and let the form's first autosave start the attempt."""
    form = open_quiz(client, quiz)
    assert not QuizAttempt.objects.filter(student=student, quiz=quiz).exists()
    assert client.post(save_url(quiz), form).status_code == 200
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


def test_the_quiz_page_loads_the_script_only_for_a_student(student_client, student, make_user):
    quiz = quiz_with("single_choice")
    html = student_client.get(quiz.url).content.decode()
    assert "js/quiz-autosave.js" in html
    assert f'data-autosave-url="{save_url(quiz)}"' in html
    assert 'role="status"' in html and 'data-offline="Offline – will retry"' in html
    assert not QuizAttempt.objects.exists()
    anonymous = Client().get(quiz.url).content.decode()
    assert "quiz-autosave.js" not in anonymous and "data-autosave-url" not in anonymous
    teacher = Client()
    teacher.force_login(make_user("autosave-teacher", account_type="teacher"))
    assert "quiz-autosave.js" not in teacher.get(quiz.url).content.decode()


def test_the_first_autosave_starts_the_attempt_pinned_to_the_forms_revision(student_client, student):
    quiz = quiz_with("single_choice", "reflection_text")
    form = open_quiz(student_client, quiz)
    questions = questions_of(quiz)
    seen = quiz.live_revision_id
    quiz.save_revision().publish()  # an editor publishes while the student answers

    response = student_client.post(save_url(quiz), {**some_answers(questions), **form})

    assert response.status_code == 200 and response.json()["saved"] is True
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert attempt.state == "in_progress" and attempt.revision_id == seen and attempt.score is None
    assert "Autosaved thoughts" in stored_answers(attempt).values()
    # A second save goes to the same attempt; the submit closes it with the answers the form sends.
    assert student_client.post(save_url(quiz), {**some_answers(questions, text="Later"), **form}).status_code == 200
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1
    assert "Later" in stored_answers(attempt).values()
    assert student_client.post(submit_url(quiz), {**some_answers(questions), **form}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and "Autosaved thoughts" in stored_answers(attempt).values()
    # The form's autosave, arriving after the submit: nothing changes, and no new attempt starts.
    assert student_client.post(save_url(quiz), {**some_answers(questions, text="Late"), **form}).status_code == 404
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1
    assert "Late" not in stored_answers(attempt).values()


@pytest.mark.parametrize(
    "bad_field, error",
    [("unknown_choice", "unknown_choice"), ("unknown_question", "unknown_question"), ("token", "bad_form")],
)
def test_a_first_autosave_with_bad_input_starts_nothing(student_client, student, bad_field, error):
    quiz = quiz_with("single_choice")
    questions = questions_of(quiz)
    data = {**some_answers(questions), **open_quiz(student_client, quiz)}
    if bad_field == "unknown_choice":
        data[f"q-{next(q for q in questions if q.scored).id}"] = ["no-such-choice"]
    elif bad_field == "unknown_question":
        data["q-not-a-question"] = ["a"]
    else:
        data["quiz_form"] = data["quiz_form"][:-2] + "xx"

    response = student_client.post(save_url(quiz), data)

    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False and body["error"] == error and body["message"]
    assert not QuizAttempt.objects.exists() and not Answer.objects.exists()


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
    before = list(Answer.objects.filter(attempt=attempt).order_by("pk").values())  # the first, empty save

    response = student_client.post(autosave_url(attempt), data)

    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False and body["error"] == error and body["message"]
    assert list(Answer.objects.filter(attempt=attempt).order_by("pk").values()) == before


def test_only_post_is_allowed(student_client, student):
    quiz = quiz_with("single_choice")
    attempt = start(student_client, student, quiz)
    assert student_client.get(autosave_url(attempt)).status_code == 405
    assert student_client.get(save_url(quiz)).status_code == 405


def test_signing_in_is_required(student):
    quiz = quiz_with("single_choice")
    attempt = open_attempt(student, quiz)
    for url in (autosave_url(attempt), save_url(quiz)):
        response = Client().post(url, {})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_csrf_token_is_required(student):
    quiz = quiz_with("single_choice")
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    html = client.get(quiz.url).content.decode()
    form = {"quiz_form": re.search(r'name="quiz_form" value="([^"]+)"', html).group(1)}
    data = {**some_answers(questions_of(quiz)), **form}

    assert client.post(save_url(quiz), data).status_code == 403
    assert not QuizAttempt.objects.exists() and not Answer.objects.exists()

    # What the script sends: the form's own csrfmiddlewaretoken.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert client.post(save_url(quiz), {**data, "csrfmiddlewaretoken": token}).status_code == 200
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert client.post(autosave_url(attempt), form_fields(attempt, {})).status_code == 403
