"""The live quiz a form posts to, and the lesson it checks, kept per process under the content generation
(lessons.generation.KeptPerGeneration; quizzes.views.quiz_for_a_form, classrooms.progress.lesson_checked_by).

What is kept must never let a form reach a quiz that is no longer live or no longer public: each test first fills
the process's copy with a real submission, then changes the quiz as an editor would, then submits again."""

import pytest

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction

from classrooms.models import LessonProgress
from lessons import generation
from quizzes.models import QuizAttempt, QuizPage
from quizzes.views import LIVE_QUIZZES, quiz_for_a_form
from tests.conftest import client_for
from tests.quiz_forms import open_quiz, right_form, submit_url
from tests.test_quizzes import a_quiz

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def submit(make_user, name, quiz):
    client = client_for(make_user(name))
    form = open_quiz(client, quiz)
    return client.post(submit_url(quiz), {**right_form(quiz), **form})


def page_queries(queries):
    return [query["sql"] for query in queries if "wagtailcore_page" in query["sql"]]


def test_a_second_submission_reads_no_page_and_a_publish_elsewhere_in_the_site_retires_the_copy(make_user):
    quiz = a_quiz()
    assert submit(make_user, "first", quiz).status_code == 302
    client = client_for(make_user("second"))
    form = open_quiz(client, quiz)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(submit_url(quiz), {**right_form(quiz), **form}).status_code == 302
    assert page_queries(queries) == []
    Page.objects.get(depth=2, locale__language_code="en").specific.save_revision().publish()  # any publish
    client = client_for(make_user("third"))
    form = open_quiz(client, quiz)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(submit_url(quiz), {**right_form(quiz), **form}).status_code == 302
    assert page_queries(queries), "the publish moved the generation on: the quiz is read again"


def test_a_quiz_unpublished_after_submissions_takes_no_more(make_user):
    quiz = a_quiz()
    assert submit(make_user, "before", quiz).status_code == 302
    late = client_for(make_user("late"))
    form = open_quiz(late, quiz)
    quiz.unpublish()
    response = late.post(submit_url(quiz), {**right_form(quiz), **form})
    assert response.status_code == 404
    assert not QuizAttempt.objects.filter(student__username="late").exists()


def test_a_quiz_made_private_after_submissions_applies_the_restriction(make_user):
    quiz = a_quiz()
    assert submit(make_user, "before", quiz).status_code == 302
    late = client_for(make_user("late"))
    form = open_quiz(late, quiz)
    restriction = PageViewRestriction.objects.create(page=quiz.get_parent(), restriction_type="groups")
    restriction.groups.add(Group.objects.get(name="Editors"))
    response = late.post(submit_url(quiz), {**right_form(quiz), **form})
    assert response.status_code in (200, 302) and "/learn/attempts/" not in response.get("Location", "")
    assert not QuizAttempt.objects.filter(student__username="late").exists()


def test_an_unpublish_on_another_host_is_seen_within_the_memo_time(make_user, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(generation.time, "monotonic", lambda: clock[0])
    generation.forget_content_generation()
    quiz = a_quiz()
    assert submit(make_user, "before", quiz).status_code == 302
    late = client_for(make_user("late"))
    form = open_quiz(late, quiz)
    # Another host unpublishes: its rows change and the shared generation moves on, no signal reaches this process.
    QuizPage.objects.filter(pk=quiz.pk).update(live=False)
    cache.incr(generation.GENERATION_KEY)
    clock[0] += generation.GENERATION_MEMO_SECONDS + 0.01
    assert late.post(submit_url(quiz), {**right_form(quiz), **form}).status_code == 404
    assert not QuizAttempt.objects.filter(student__username="late").exists()


def test_each_caller_gets_its_own_copy_of_the_kept_quiz():
    quiz = a_quiz()
    first = quiz_for_a_form(quiz.pk)
    first.restricted = "changed by one request"
    second = quiz_for_a_form(quiz.pk)
    assert second is not first and second.restricted is False
    assert len(LIVE_QUIZZES) >= 1


def test_choosing_another_check_quiz_is_seen_by_the_next_submission(make_user):
    """Which lesson a quiz checks is kept too: an editor who makes another quiz the lesson's check quiz and
    publishes the lesson changes what the next submission completes."""
    first = a_quiz()
    lesson = first.get_parent().specific
    second = QuizPage.objects.get(pk=type(first).objects.get(pk=first.pk).copy(update_attrs={"slug": "second"}).pk)
    assert submit(make_user, "early", first).status_code == 302
    assert LessonProgress.objects.get(student__username="early", completed_at__isnull=False)
    lesson.check_quiz_page = second
    lesson.save_revision().publish()
    assert submit(make_user, "later", first).status_code == 302
    assert QuizAttempt.objects.get(student__username="later").passed
    assert not LessonProgress.objects.filter(student__username="later", completed_at__isnull=False).exists()


def test_kept_values_are_bounded_and_retired_by_the_next_generation():
    kept, loads = generation.KeptPerGeneration(entries=2), []

    def load(key):
        loads.append(key)
        return f"value of {key}"

    for key in ("a", "b", "a", "c", "a", "b"):
        assert kept.get(key, lambda key=key: load(key)) == f"value of {key}"
    # "a" was read again before "c" came in, so "b" went out (least recently used) and came back at the end.
    assert loads == ["a", "b", "c", "b"] and len(kept) == 2
    generation.bump_content_generation()
    kept.get("a", lambda: load("a"))
    assert loads[-1] == "a" and len(loads) == 5
