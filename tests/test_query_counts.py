"""Query budgets for the requests a school makes at the bell. Not timed: counted.

Each count is the one measured when it was set, the same on SQLite and PostgreSQL. A change that
adds a query to one of these requests (or saves one) fails here and has to change the number on purpose.
Counts are taken on a warm request (the language switcher and navigation are cached after the first
reader), as a server sees them all day.
"""

from datetime import timedelta

import pytest

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classrooms.models import Assignment, Classroom, Enrollment, LessonProgress, School
from lessons.models import LessonPage
from quizzes.models import QuizAttempt, QuizPage
from quizzes.scoring import questions_of
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

BUDGET = {
    "lesson, anonymous, cache hit": 0,
    "lesson, signed-in student": 18,
    "quiz page, opening an attempt": 24,
    "quiz submission": 24,
    "progress matrix": 19,
}


def count(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries), response


@pytest.fixture
def lesson():
    return LessonPage.objects.live().get(slug="what-deepfakes-are", locale__language_code="ko")


def test_anonymous_lesson_from_the_cache_makes_no_query(lesson):
    Client().get(lesson.url)
    queries, response = count(Client(), "get", lesson.url)
    assert response["X-Dignity-Cache"] == "hit"
    assert queries == BUDGET["lesson, anonymous, cache hit"]


def test_signed_in_student_lesson(lesson, make_user):
    # A first reader warms the caches; the measured student has never opened the lesson (records "started").
    client_for(make_user("warm-reader")).get(lesson.url)
    student = make_user("counted-reader")
    queries, _response = count(client_for(student), "get", lesson.url)
    assert LessonProgress.objects.filter(student=student).count() == 1
    assert queries == BUDGET["lesson, signed-in student"], queries


def test_quiz_page_and_submission(lesson, make_user):
    quiz = QuizPage.objects.child_of(lesson).live().get()
    client_for(make_user("warm-taker")).get(quiz.url)
    student = make_user("counted-taker")
    client = client_for(student)
    opened, _response = count(client, "get", quiz.url)
    assert opened == BUDGET["quiz page, opening an attempt"], opened
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    data = {"attempt": attempt.pk, "revision": attempt.revision_id}
    for question in questions_of(quiz):
        data[f"q-{question.id}"] = sorted(question.correct_ids) if question.scored else "3"
    submitted, response = count(client, "post", quiz.url, data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.SUBMITTED and attempt.passed
    assert submitted == BUDGET["quiz submission"], submitted


def test_progress_matrix_costs_the_same_for_30_and_300_students(lesson, make_teacher, django_user_model):
    teacher = make_teacher("matrix-counter")
    school = School.objects.create(name="Counting School")
    quiz = QuizPage.objects.child_of(lesson).live().get()
    counts = {}
    for size in (30, 300):
        classroom = Classroom.objects.create(school=school, name=f"c{size}", audience_band="middle_school")
        classroom.teachers.add(teacher)
        students = django_user_model.objects.bulk_create(
            [django_user_model(username=f"c{size}-{i}", account_type="student") for i in range(size)]
        )
        Enrollment.objects.bulk_create([Enrollment(classroom=classroom, student=s) for s in students])
        LessonProgress.objects.bulk_create(
            [LessonProgress(student=s, lesson=lesson, lesson_key=lesson.translation_key) for s in students[::2]]
        )
        due = timezone.now() + timedelta(days=2)
        for page in (lesson, quiz, lesson.get_parent()):
            Assignment.objects.create(classroom=classroom, page=page, due_at=due)
        client = client_for(teacher)
        client.get(f"/ko/teach/classes/{classroom.pk}/progress/")
        counts[size], response = count(client, "get", f"/ko/teach/classes/{classroom.pk}/progress/")
        assert response.content.decode().count('<th scope="row">') == size
    assert counts[30] == counts[300], counts
    assert counts[300] == BUDGET["progress matrix"], counts
