"""A student's lesson state kept in the cache (website.holes.StudentState, issue 16): a repeat visit asks the
database only for the user, and every write a lesson page shows retires what was kept.

Each test visits first (so the state is kept), then changes something the page shows, then visits again.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classrooms import matrix_cache
from classrooms.models import Assignment, Classroom, Enrollment, School
from classrooms.progress import mark_completed
from classrooms.tasks import archive_classroom
from lessons.models import LessonPage
from lessons.presenting import build_screens
from quizzes.models import QuizAttempt
from teaching.models import LivePoll
from tests.conftest import client_for
from tests.factories import LessonPageFactory, QuizAttemptFactory, QuizPageFactory
from tests.quiz_forms import open_quiz, submit_url
from tests.test_cluster_resilience import DEAD_REDIS, LOCAL
from tests.test_query_counts import answers_of
from website.holes import StudentState

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

FINISHED = "이 수업을 마쳤어요."


@pytest.fixture
def lesson():
    """A Korean lesson with a discussion question (a poll can be opened on it) and a check quiz."""
    scenario = {"title": "단체 대화방", "story": "합성 사진을 봅니다.", "questions": ["무엇을 할 수 있을까요?"]}
    page = LessonPageFactory(body=[("scenario", scenario), ("help_card", {"title": ""})])
    QuizPageFactory(parent=page)
    return LessonPage.objects.get(pk=page.pk)


@pytest.fixture
def classroom(make_teacher):
    classroom = Classroom.objects.create(
        school=School.objects.create(name="State school"), name="2-1", audience_band="middle_school"
    )
    classroom.teachers.add(make_teacher("state-teacher"))
    return classroom


def visit(client, lesson):
    """The student's lesson page, filled from the page cache, and the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(lesson.url)
    assert response.status_code == 200
    assert response["X-Dignity-Holes"] in ("hit", "miss")
    return response.content.decode(), len(queries)


def kept(client, lesson):
    """Visit until the state is kept (the first visit records 'started', which retires it once)."""
    for _ in range(3):
        html, queries = visit(client, lesson)
    if "/learn/polls/" not in html:  # an open poll is rendered for the student (whether they answered): queries
        assert queries == 0  # the user, the lesson state and the poll check come from the cache
    return html


def open_poll(classroom, lesson):
    teacher = client_for(classroom.teachers.get())
    key = next(screen for screen in build_screens(lesson) if screen.kind == "question").poll_key
    response = teacher.post("/ko/teach/polls/open/", {"classroom": classroom.pk, "lesson": lesson.pk, "key": key})
    assert response.status_code == 302
    return teacher


def test_marking_the_lesson_done_shows_on_the_next_visit(lesson, make_user):
    student = make_user("state-done")
    client = client_for(student)
    assert FINISHED not in kept(client, lesson)
    mark_completed(student, lesson)
    assert FINISHED in visit(client, lesson)[0]


def test_a_submitted_check_quiz_shows_on_the_next_visit(lesson, make_user):
    student = make_user("state-quiz")
    client = client_for(student)
    kept(client, lesson)
    QuizAttemptFactory(student=student, quiz=lesson.check_quiz(), score=5, max_score=5, passed=True)
    html, queries = visit(client, lesson)
    assert queries == 1  # the lesson state again
    assert "lesson-status" in html


def test_a_poll_opened_and_closed_after_a_visit_appears_and_goes(lesson, classroom, make_user):
    student = make_user("state-poll")
    Enrollment.objects.create(classroom=classroom, student=student)
    client = client_for(student)
    assert "/learn/polls/" not in kept(client, lesson)
    teacher = open_poll(classroom, lesson)
    html = visit(client, lesson)[0]
    assert "/learn/polls/" in html and "/answer/" in html
    poll = LivePoll.objects.get(classroom=classroom)
    assert teacher.post(f"/ko/teach/polls/{poll.pk}/close/").status_code in (200, 302)
    assert "/learn/polls/" not in visit(client, lesson)[0]


def test_joining_a_class_with_an_open_poll_shows_it(lesson, classroom, make_user):
    student = make_user("state-joiner")
    client = client_for(student)
    open_poll(classroom, lesson)
    assert "/learn/polls/" not in kept(client, lesson)  # not in the class: not their poll
    Enrollment.objects.create(classroom=classroom, student=student)
    assert "/learn/polls/" in visit(client, lesson)[0]


def test_archiving_the_class_hides_its_open_poll(lesson, classroom, make_user):
    student = make_user("state-archived")
    Enrollment.objects.create(classroom=classroom, student=student)
    client = client_for(student)
    open_poll(classroom, lesson)
    assert "/learn/polls/" in kept(client, lesson)
    archive_classroom(classroom.pk)  # an UPDATE, no save(): the task moves the polls generation on itself
    assert "/learn/polls/" not in visit(client, lesson)[0]


def test_two_students_never_share_a_kept_state(lesson, make_user):
    done, other = make_user("state-first"), make_user("state-second")
    kept(client_for(done), lesson)
    mark_completed(done, lesson)
    assert FINISHED in visit(client_for(done), lesson)[0]
    assert FINISHED not in kept(client_for(other), lesson)


def test_a_write_while_the_state_is_built_retires_it(lesson, make_user):
    """The tokens are read before the query; a progress write landing in between moves them on, so what the query
    saw (from before the write) is never read as current."""
    student = make_user("state-race")
    request = SimpleNamespace(user=student)
    key = (str(lesson.pk), str(lesson.translation_key), "")

    def stale_state_then_a_write():
        state = {"live": True, "started": True, "completed": False, "quiz_submitted": False, "quiz_passed": False}
        mark_completed(student, lesson)  # lands after the tokens were read, before the state is kept
        return state

    first = StudentState.read(request)
    assert first.lesson(key, stale_state_then_a_write)["completed"] is False
    first.write()
    calls = []
    again = StudentState.read(SimpleNamespace(user=student))
    again.lesson(key, lambda: calls.append(1) or {"completed": True})
    assert calls == [1]  # not served from what was kept under the old version


def test_the_version_moves_on_again_when_the_write_commits(lesson, make_user, django_capture_on_commit_callbacks):
    student = make_user("state-commit")
    with django_capture_on_commit_callbacks() as callbacks:
        mark_completed(student, lesson)
        during = matrix_cache.new_token(matrix_cache.STUDENT_VERSION.format(student.pk))
    assert callbacks
    for callback in callbacks:
        callback()
    assert matrix_cache.new_token(matrix_cache.STUDENT_VERSION.format(student.pk)) != during


def test_with_the_cache_cut_off_every_visit_asks_the_database(lesson, make_user):
    student = make_user("state-no-cache")
    client = client_for(student)
    with override_settings(CACHES={"default": DEAD_REDIS, "local": LOCAL}):
        counts = [visit(client, lesson) for _ in range(3)]
    # Nothing kept: the lesson state and the poll check are asked for on every visit, and the page is right.
    assert all(queries >= 3 for _html, queries in counts[1:]), counts
    assert all(FINISHED not in html for html, _queries in counts)


def test_a_check_quiz_submitted_through_its_form_shows_on_the_lesson_and_in_the_matrix(lesson, classroom, make_user):
    """The quickest submission inserts the attempt and submits it in one transaction; only the submission moves the
    versions on (the insert's own listener stands aside), and that is enough for both the student and the teacher."""
    student = make_user("state-submitter")
    Enrollment.objects.create(classroom=classroom, student=student)
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=timezone.now() + timedelta(days=3))
    teacher = client_for(classroom.teachers.get())
    matrix_url = f"/ko/teach/classes/{classroom.pk}/progress/"
    before = teacher.get(matrix_url).content.decode()
    client = client_for(student)
    assert FINISHED not in kept(client, lesson)
    quiz = lesson.check_quiz()
    response = client.post(submit_url(quiz, "ko"), {**answers_of(quiz), **open_quiz(client, quiz)})
    assert response.status_code == 302
    assert QuizAttempt.objects.get(student=student).passed
    assert FINISHED in visit(client, lesson)[0]
    assert teacher.get(matrix_url).content.decode() != before
