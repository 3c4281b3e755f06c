"""The factories build a working tree without the demo content: a class, a lesson with its check quiz,
an attempt scored by the real code, the teacher's pages (issue 17, deliver 6)."""

import pytest

from django.test import Client

from classrooms.progress import build_matrix
from quizzes.attempts import open_attempt, submit
from quizzes.scoring import questions_of
from tests.factories import (
    PASSWORD,
    ClassroomFactory,
    EnrollmentFactory,
    LessonPageFactory,
    QuizAttemptFactory,
    QuizPageFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def test_a_lesson_is_published_under_a_module_and_finds_its_check_quiz():
    lesson = LessonPageFactory()
    quiz = QuizPageFactory(parent=lesson)
    assert lesson.live and quiz.live and lesson.live_revision_id and quiz.live_revision_id
    assert lesson.get_parent().specific.lessons().get() == lesson
    assert lesson.check_quiz() == quiz
    assert Client().get(lesson.url).status_code == 200


def test_a_student_answers_the_factory_quiz_through_the_real_scoring():
    student, quiz = UserFactory(), QuizPageFactory()
    (question,) = questions_of(quiz)
    right = next(choice.id for choice in question.choices if choice.correct)
    attempt = open_attempt(student, quiz)
    assert submit(attempt, {question.id: [right]})
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.passed) == (1, 1, True)


def test_a_teacher_sees_the_class_the_factories_built():
    teacher = TeacherFactory()
    classroom = ClassroomFactory(teachers=[teacher])
    student = EnrollmentFactory(classroom=classroom).student
    QuizAttemptFactory(student=student)
    client = Client()
    assert client.login(username=teacher.username, password=PASSWORD)
    assert client.get(f"/en/teach/classes/{classroom.pk}/").status_code == 200
    matrix = build_matrix(classroom)
    assert [row_student for row_student, _cells in matrix.rows] == [student]


def test_an_unverified_teacher_is_asked_to_verify():
    teacher = TeacherFactory(verified=False)
    client = Client()
    client.force_login(teacher)
    assert client.get("/en/teach/").status_code == 403
