"""A check quiz submitted through its form (issue 16): the quickest submission inserts the attempt and submits it in
one transaction, and only the submission moves the student's classes on (quizzes.attempts.submit_form); the lesson
page and the teacher's matrix both show it."""

from datetime import timedelta

import pytest

from django.utils import timezone

from classrooms.models import Assignment, Classroom, Enrollment, School
from lessons.models import LessonPage
from quizzes.models import QuizAttempt
from tests.conftest import client_for
from tests.factories import LessonPageFactory, QuizPageFactory
from tests.quiz_forms import open_quiz, right_form, submit_url

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

FINISHED = "이 수업을 마쳤어요."


@pytest.fixture
def lesson():
    """A Korean lesson with its check quiz."""
    page = LessonPageFactory()
    QuizPageFactory(parent=page)
    return LessonPage.objects.get(pk=page.pk)


@pytest.fixture
def classroom(make_teacher):
    classroom = Classroom.objects.create(
        school=School.objects.create(name="Submission school"), name="2-1", audience_band="middle_school"
    )
    classroom.teachers.add(make_teacher("submission-teacher"))
    return classroom


def test_a_check_quiz_submitted_through_its_form_shows_on_the_lesson_and_in_the_matrix(lesson, classroom, make_user):
    student = make_user("submitter")
    Enrollment.objects.create(classroom=classroom, student=student)
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=timezone.now() + timedelta(days=3))
    teacher = client_for(classroom.teachers.get())
    matrix_url = f"/ko/teach/classes/{classroom.pk}/progress/"
    before = teacher.get(matrix_url).content.decode()
    client = client_for(student)
    assert FINISHED not in client.get(lesson.url).content.decode()
    quiz = lesson.check_quiz()
    response = client.post(submit_url(quiz, "ko"), {**right_form(quiz), **open_quiz(client, quiz)})
    assert response.status_code == 302
    assert QuizAttempt.objects.get(student=student).passed
    assert FINISHED in client.get(lesson.url).content.decode()
    assert teacher.get(matrix_url).content.decode() != before
