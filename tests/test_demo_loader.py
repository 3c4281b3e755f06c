"""The demo loader reads demo/ and is idempotent."""

import pytest

from django.core.management import call_command

from wagtail.models import Page

from classrooms.models import Classroom, Enrollment, LessonProgress
from classrooms.progress import build_matrix
from lessons.models import LawReference, LessonPage
from quizzes.models import QuizAttempt, QuizPage
from support.models import HelpChannel
from tests.conftest import ROOT
from users.models import User
from website.demo.schema import check_tree

pytestmark = pytest.mark.django_db


def counts():
    return (Page.objects.count(), LawReference.objects.count(), HelpChannel.objects.count(), User.objects.count())


def test_demo_content_files_are_valid():
    assert check_tree(ROOT / "demo") == []  # the committed demo, whatever DIGNITY_DEMO_DIR says


def test_running_the_loader_twice_adds_nothing():
    call_command("load_demo", verbosity=0)  # accounts too
    before = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == before


def test_every_demo_lesson_exists_in_both_languages(ko, en):
    korean = LessonPage.objects.filter(locale=ko)
    assert korean.count() >= 14
    for lesson in korean:
        assert lesson.get_translation_or_none(en) is not None, lesson.slug
        assert lesson.check_quiz() is not None, lesson.slug


def test_demo_quizzes_share_question_ids_across_languages(ko, en):
    for quiz in QuizPage.objects.filter(locale=ko):
        english = quiz.get_translation(en)
        assert [block.id for block in quiz.questions] == [block.id for block in english.questions]


def test_demo_accounts_have_the_right_kinds():
    call_command("load_demo", verbosity=0)
    assert User.objects.get(username="student").email == ""
    assert User.objects.get(username="student").is_student
    assert User.objects.get(username="teacher").is_teacher


def test_demo_class_has_24_students_with_varied_progress():
    call_command("load_demo", verbosity=0)
    classroom = Classroom.objects.get(join_code="DEMO2345")
    assert Enrollment.objects.filter(classroom=classroom).count() == 24
    assert classroom.teachers.filter(username="teacher").exists()
    matrix = build_matrix(classroom)
    statuses = {cell.status for _student, cells in matrix.rows for cell in cells}
    assert len(statuses) >= 3
    scores = {a.score for a in QuizAttempt.objects.filter(student__enrollments__classroom=classroom)}
    assert len(scores) >= 3
    assert LessonProgress.objects.filter(student__enrollments__classroom=classroom).exists()
    call_command("load_demo", verbosity=0)
    assert Classroom.objects.filter(join_code="DEMO2345").count() == 1


def test_every_demo_page_exists_in_korean_and_english(ko, en):
    for page in Page.objects.filter(locale=ko, depth__gt=1).specific():
        assert page.get_translation_or_none(en) is not None, page.url_path


def test_lesson_body_headings_start_at_h2():
    for lesson in LessonPage.objects.all():
        levels = [block.value["level"] for block in lesson.body if block.block_type == "heading"]
        assert levels and set(levels) <= {"h2", "h3"}, lesson.slug
