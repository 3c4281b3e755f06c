"""The demo loader reads demo/ and is idempotent."""

import pytest

from django.core.management import call_command

from wagtail.models import Page

from lessons.demo.schema import check_tree
from lessons.models import LawReference, LessonPage
from quizzes.models import QuizPage
from support.models import HelpChannel
from tests.conftest import ROOT
from users.models import User

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
