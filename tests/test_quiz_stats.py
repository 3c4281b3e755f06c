"""Quiz statistics for editors in the Wagtail admin: right shares and the most chosen wrong answer per
question, from submitted attempts only, with no student named, in a fixed number of queries, and only
for people who can edit the quiz."""

import json

import pytest

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from quizzes.attempts import open_attempt, save_answers, submit
from quizzes.scoring import questions_of
from quizzes.statistics import quiz_statistics
from tests.conftest import client_for
from tests.factories import QuizPageFactory, reflection_text, single_choice

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

REFLECTION_WORDS = "my private reflection words"


@pytest.fixture
def quiz():
    """A quiz with a single-choice question of three choices and a text reflection."""
    questions = [single_choice("Which is a crime?", ("making it", "reporting it", "ignoring it")), reflection_text()]
    return QuizPageFactory(title="Check: deepfakes", questions=json.dumps(questions))


def target_question(quiz):
    return next(q for q in questions_of(quiz) if q.type == "single_choice" and len(q.choices) >= 3)


def all_right(quiz, reflection=""):
    return {q.id: sorted(q.correct_ids) if q.scored else reflection for q in questions_of(quiz)}


def submit_as(student, quiz, answers):
    attempt = open_attempt(student, quiz)
    assert submit(attempt, answers)
    return attempt


@pytest.fixture
def students(make_user):
    def make(count, start=0):
        return [make_user(f"stats-pupil-{n}", display_name=f"Pupil Name {n}") for n in range(start, start + count)]

    return make


@pytest.fixture
def four_attempts(quiz, students):
    """One right and three wrong on the target question (the second wrong choice twice); every other
    question right; two of the four write a reflection. Plus an open attempt that must not count."""
    question = target_question(quiz)
    wrong = [choice for choice in question.choices if not choice.correct]
    picks = [sorted(question.correct_ids), [wrong[0].id], [wrong[1].id], [wrong[1].id]]
    pupils = students(5)
    for number, (pupil, pick) in enumerate(zip(pupils, picks, strict=False)):
        reflection = REFLECTION_WORDS if number < 2 else ""
        submit_as(pupil, quiz, {**all_right(quiz, reflection), question.id: pick})
    in_progress = open_attempt(pupils[4], quiz)
    save_answers(in_progress, {question.id: [wrong[0].id]})
    return question, wrong


@pytest.fixture
def editor(make_user):
    user = make_user("stats-editor", account_type="staff")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def statistics_url(quiz):
    return reverse("quizzes_statistics", args=[quiz.pk])


def test_shares_and_the_most_chosen_wrong_answer(quiz, four_attempts):
    question, wrong = four_attempts

    statistics = quiz_statistics(quiz)

    assert statistics.attempts == 4
    by_id = {row.id: row for row in statistics.questions}
    target = by_id[question.id]
    assert (target.answered, target.right, target.share_right) == (4, 1, 25)
    assert (target.top_wrong_text, target.top_wrong_count) == (wrong[1].text, 2)
    for row in statistics.questions:
        if row.scored and row.id != question.id:
            assert (row.share_right, row.top_wrong_count) == (100, 0)
        elif not row.scored:
            assert row.responses == (2 if row.type == "reflection_text" else 0)
    assert [row.prompt for row in statistics.questions] == [q.prompt for q in questions_of(quiz)]


def test_a_quiz_nobody_submitted_has_empty_statistics(quiz):
    statistics = quiz_statistics(quiz)
    assert statistics.attempts == 0
    assert all(row.share_right is None and not row.top_wrong_count for row in statistics.questions)


def test_the_admin_page_shows_counts_and_never_names_or_reflections(quiz, four_attempts, editor):
    question, wrong = four_attempts

    response = client_for(editor).get(statistics_url(quiz))

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(question.prompt) in html and "25%" in html and escape(wrong[1].text) in html
    assert "stats-pupil" not in html and "Pupil Name" not in html
    assert REFLECTION_WORDS not in html


@pytest.mark.parametrize("who", ["anonymous", "student", "admin_without_page_permission"])
def test_people_who_cannot_edit_the_quiz_are_turned_away(quiz, four_attempts, make_user, who):
    client = Client()
    if who == "student":
        client = client_for(make_user("stats-nosy-student"))
    elif who == "admin_without_page_permission":
        user = make_user("stats-admin-only", account_type="staff")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client = client_for(user)

    response = client.get(statistics_url(quiz))

    assert response.status_code in (302, 403)
    assert escape(four_attempts[1][1].text) not in response.content.decode()


def test_the_quiz_header_and_listing_link_to_the_statistics(quiz, editor):
    client = client_for(editor)
    url = statistics_url(quiz)
    assert url in client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk])).content.decode()
    assert url in client.get(reverse("wagtailadmin_explore", args=[quiz.get_parent().pk])).content.decode()
    lesson = quiz.get_parent()  # the quiz's own lesson
    lesson_edit = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert "/cms/quiz-statistics/" not in lesson_edit


def count_queries(action):
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_attempts(quiz, students, editor):
    client = client_for(editor)

    def page_view():
        assert client.get(statistics_url(quiz)).status_code == 200

    question = target_question(quiz)
    wrong = next(choice for choice in question.choices if not choice.correct)
    for pupil in students(3):
        submit_as(pupil, quiz, {**all_right(quiz, REFLECTION_WORDS), question.id: [wrong.id]})
    page_view()  # warm the caches a first admin request fills (content types, permissions)
    with_three = (count_queries(lambda: quiz_statistics(quiz)), count_queries(page_view))

    for pupil in students(9, start=3):
        submit_as(pupil, quiz, {**all_right(quiz), question.id: [wrong.id]})
    with_twelve = (count_queries(lambda: quiz_statistics(quiz)), count_queries(page_view))

    assert quiz_statistics(quiz).attempts == 12
    assert with_twelve == with_three
