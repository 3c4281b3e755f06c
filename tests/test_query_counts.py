"""Query budgets for the requests a school makes at the bell. Not timed: counted.

Each count is the one measured when it was set, the same on SQLite and PostgreSQL unless it names both. A change that
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
from classrooms.progress import record_started
from quizzes.models import QuizAttempt, QuizPage
from tests.conftest import client_for
from tests.factories import LessonPageFactory, QuizPageFactory
from tests.quiz_forms import open_quiz, right_form, submit_url

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

QUIZ_PAGE, QUIZ_SUBMISSION = 2, 8  # with cached_db sessions (session from the cache)

BUDGET = {
    "lesson, anonymous, cache hit": 0,
    # 22 before issue 16. Now the cached anonymous HTML with the student's holes filled (website/holes.py):
    # the user (the session comes from the cache: cached_db), the lesson state (progress, check quiz, still live)
    # in one query, and on the first visit the conditional insert of "started" and the student's classes (their
    # matrices move on). Whether a live poll is open on the lesson is asked only when one is open somewhere
    # (teaching.open_polls, read at most once a second per process; 5 and 3 before). On PostgreSQL the state, the
    # insert and the classes are one statement (classrooms.progress._state_recording_started): 2 on a first visit.
    "lesson, signed-in student, first visit": {"postgresql": 2, "sqlite": 4},
    "lesson, signed-in student, repeat visit": 2,
    # Issue 16: opening a quiz opens no attempt and, with none in progress, is the cached anonymous HTML with the
    # student's quiz holes filled (website.holes.quiz_reader): the user and the student's attempts at the quiz
    # (10 when it was rendered whole). The form posts to /learn/quizzes/<id>/submit/ (no page
    # routing; the revision's questions cached per process); completing the lesson is in the submit. The
    # submission's statements are user, INSERT attempt, gated UPDATE, INSERT answers, UPDATE progress, the
    # student's classes once (the submission moves the class matrices on; the insert of an attempt submitted in
    # the same transaction does not: 11 before), and the SAVEPOINT/RELEASE the test's own transaction puts where a
    # server says BEGIN/COMMIT (Django logs neither). The live quiz and which lesson it checks are kept per process
    # under the content generation (lessons.generation.KeptPerGeneration; 10 before): the warm-up's submission
    # read them, as the first submission of a quiz in each process does.
    "quiz page": QUIZ_PAGE,
    "quiz submission": QUIZ_SUBMISSION,
    # Rows built: +1 the column titles in the teacher's language (classrooms.titles); +1 the recorded
    # alternative activities (issue 18 #3), one query whatever the number of students; -1 the session from the cache.
    "progress matrix": 20,
    # A reload with no write since: the rows come from the cache (classrooms/matrix_cache.py), no query for them.
    "progress matrix, reload": 9,
}


@pytest.fixture(autouse=True)
def open_polls_known(monkeypatch):
    """Which lessons have an open poll is read at most once a second per process (teaching.open_polls): counted
    requests see it known, as all but one request a second do, so no count depends on how fast the test ran."""
    from teaching import open_polls

    monkeypatch.setattr(open_polls, "MEMO_SECONDS", 3600.0)
    open_polls.forget()


def count(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries), response


@pytest.fixture
def lesson():
    """A published Korean lesson (under the ko home page) with its check quiz."""
    lesson = LessonPageFactory()
    QuizPageFactory(parent=lesson)
    return lesson


def test_anonymous_lesson_from_the_cache_makes_no_query(lesson):
    Client().get(lesson.url)
    queries, response = count(Client(), "get", lesson.url)
    assert response["X-Dignity-Cache"] == "hit"
    assert queries == BUDGET["lesson, anonymous, cache hit"]


def test_signed_in_student_lesson(lesson, make_user):
    # A first reader warms the caches; the measured student has never opened the lesson (records "started").
    client_for(make_user("warm-reader")).get(lesson.url)
    student = make_user("counted-reader")
    client = client_for(student)
    queries, response = count(client, "get", lesson.url)
    assert response["X-Dignity-Holes"] == "hit"
    assert LessonProgress.objects.filter(student=student).count() == 1
    assert queries == BUDGET["lesson, signed-in student, first visit"][connection.vendor], queries
    queries, _response = count(client, "get", lesson.url)
    assert LessonProgress.objects.filter(student=student).count() == 1
    assert queries == BUDGET["lesson, signed-in student, repeat visit"], queries


def test_quiz_page_and_submission(lesson, make_user):
    """Opening the quiz writes nothing; the submit (to the quiz's own URL, no page routing) starts the attempt,
    closes it and completes the lesson in one transaction."""
    quiz = QuizPage.objects.child_of(lesson).live().get()
    warm = client_for(make_user("warm-taker"))
    warm.post(submit_url(quiz, "ko"), {**right_form(quiz), **open_quiz(warm, quiz)})  # the revision cache too
    student = make_user("counted-taker")
    client = client_for(student)
    client.get(lesson.url)  # the student read the lesson: its "started" row is there to complete
    with CaptureQueriesContext(connection) as queries:
        form = open_quiz(client, quiz)
    assert len(queries) == BUDGET["quiz page"], len(queries)
    assert not QuizAttempt.objects.filter(student=student).exists()
    submitted, response = count(client, "post", submit_url(quiz, "ko"), {**right_form(quiz), **form})
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert attempt.state == QuizAttempt.State.SUBMITTED and attempt.passed
    assert LessonProgress.objects.get(student=student).completed_at is not None
    assert submitted == BUDGET["quiz submission"], submitted


def test_progress_matrix_costs_the_same_for_30_and_300_students(lesson, make_teacher, django_user_model):
    teacher = make_teacher("matrix-counter")
    school = School.objects.create(name="Counting School")
    quiz = QuizPage.objects.child_of(lesson).live().get()
    counts, reloads = {}, {}
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
        url = f"/ko/teach/classes/{classroom.pk}/progress/"
        client.get(url)
        # A student opens a lesson: the next load builds the rows again...
        record_started(students[1], lesson)
        counts[size], response = count(client, "get", url)
        assert response.content.decode().count('<th scope="row">') == size
        # ...and a reload with no write since takes them from the cache.
        reloads[size], response = count(client, "get", url)
        assert response.content.decode().count('<th scope="row">') == size
    assert counts[30] == counts[300], counts
    assert counts[300] == BUDGET["progress matrix"], counts
    assert reloads[30] == reloads[300] == BUDGET["progress matrix, reload"], reloads
