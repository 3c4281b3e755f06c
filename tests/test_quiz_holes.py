"""A signed-in student opening a quiz with no attempt in progress is served the cached anonymous HTML with the
per-student parts filled in on the server (website/holes.py, the quiz_* holes): the same page as a full render,
nothing of one student shown to another, and the full render whenever the student's state changes the form."""

import json
import re
from html import unescape

import pytest

from django.test import Client
from django.utils import timezone

from quizzes.attempts import read_form_token
from quizzes.models import Answer, QuizAttempt, QuizPage
from quizzes.scoring import questions_of
from tests.conftest import client_for
from tests.factories import LessonPageFactory, QuizPageFactory, reflection_text, single_choice
from tests.quiz_forms import TOKEN, open_quiz, right_form, submit_url
from tests.test_hole_punching import _key_for, csrf_tokens, dom, full_render
from website import holes, page_cache

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def multiple_choice(prompt="Which ones are right?", choices=("first", "second", "neither")):
    """A multiple-choice question whose first two choices are both right."""
    question = single_choice(prompt, choices)
    question["type"] = "multiple_choice"
    question["value"]["choices"][1]["value"]["correct"] = True
    return question


@pytest.fixture
def quiz():
    """A Korean lesson's check quiz: choices, several right answers, and a reflection that is not scored."""
    lesson = LessonPageFactory(title="딥페이크란 무엇일까")
    questions = [
        single_choice("딥페이크는 무엇일까요?", ("합성된 영상", "진짜 영상")),
        multiple_choice("도움을 받을 수 있는 곳은?", ("상담 기관", "경찰", "아무도 없음")),
        single_choice("친구에게 퍼뜨려도 될까요?", ("아니요", "예", "모르겠다")),
        reflection_text("친구에게 뭐라고 말할까요?"),
    ]
    QuizPageFactory(parent=lesson, title="확인 퀴즈", questions=json.dumps(questions))
    return QuizPage.objects.child_of(lesson).live().get()


def form_tokens(html):
    return {unescape(token) for token in TOKEN.findall(html)}


def attempt(student, quiz, state=QuizAttempt.State.SUBMITTED):
    values = {"score": 1, "max_score": 5, "passed": False, "submitted_at": timezone.now()}
    return QuizAttempt.objects.create(
        student=student,
        quiz=quiz,
        revision_id=quiz.live_revision_id,
        state=state,
        **(values if state == QuizAttempt.State.SUBMITTED else {}),
    )


def dom_without_form_token(html):
    """dom() with the signed form token (its build time differs on every request) replaced by one word."""
    return dom(TOKEN.sub('<input type="hidden" name="quiz_form" value="FORM">', html))


# -- the same page both ways -------------------------------------------------------------------------------


@pytest.mark.parametrize("visit", ["miss", "hit"])
def test_the_filled_quiz_is_the_full_render(make_user, quiz, visit):
    client = client_for(make_user(f"quiz-dom-{visit}"))
    if visit == "hit":
        client_for(make_user("quiz-dom-warmer")).get(quiz.url)
    whole = full_render(client, quiz.url).content.decode()
    filled = client.get(quiz.url)
    assert filled["X-Dignity-Holes"] == visit
    html = filled.content.decode()
    assert dom_without_form_token(html) == dom_without_form_token(whole)
    # The student's form: their CSRF token, a token for this quiz's live revision, autosave, the submit URL.
    assert csrf_tokens(html) and form_tokens(html)
    form = read_form_token(form_tokens(html).pop(), quiz.pk)
    assert form.revision_id == quiz.live_revision_id
    assert "data-autosave-url" in html and "quiz-autosave.js" in html and 'id="autosave-status"' in html
    assert submit_url(quiz, "ko") in html and "/practice/" not in html
    assert "<!--hole:" not in html


def test_every_request_gets_a_fresh_form_token(make_user, quiz):
    client = client_for(make_user("quiz-fresh-token"))
    first = read_form_token(open_quiz(client, quiz)["quiz_form"], quiz.pk)
    second_page = client.get(quiz.url)
    assert second_page["X-Dignity-Holes"] == "hit"
    second = read_form_token(form_tokens(second_page.content.decode()).pop(), quiz.pk)
    assert second.issued > first.issued


# -- two students, one entry --------------------------------------------------------------------------------


def test_two_students_sharing_one_entry_never_see_each_others_tokens(make_user, quiz):
    alice, bob = make_user("alice-quiz-hole"), make_user("bob-quiz-hole")
    alice_client, bob_client = client_for(alice), client_for(bob)
    alice_page = alice_client.get(quiz.url)
    bob_page = bob_client.get(quiz.url)
    assert (alice_page["X-Dignity-Holes"], bob_page["X-Dignity-Holes"]) == ("miss", "hit")
    alice_html, bob_html = alice_page.content.decode(), bob_page.content.decode()
    assert csrf_tokens(alice_html) and csrf_tokens(bob_html)
    assert not csrf_tokens(alice_html) & csrf_tokens(bob_html)
    assert form_tokens(alice_html) and not form_tokens(alice_html) & form_tokens(bob_html)
    assert alice.username not in bob_html and bob.username not in alice_html
    stored = holes.CachedPage.from_value(page_cache.get_shared(_key_for(quiz))).content.decode()
    for secret in (alice.username, bob.username, *csrf_tokens(alice_html), *form_tokens(bob_html)):
        assert secret not in stored
    assert "csrfmiddlewaretoken" not in stored and 'name="quiz_form"' not in stored
    assert not QuizAttempt.objects.filter(student__in=[alice, bob]).exists()  # opening a quiz writes nothing
    # The quiz holes are rendered once per process and kept with placeholders where each student's tokens go.
    kept = " ".join(holes._rendered.values())
    assert holes._form_token_placeholder_for(holes.secret()) in kept
    for secret in (*csrf_tokens(alice_html), *csrf_tokens(bob_html), *form_tokens(alice_html), *form_tokens(bob_html)):
        assert secret not in kept


# -- the full render whenever the student's state changes the form ----------------------------------------


def test_a_student_with_an_open_attempt_gets_their_saved_answers(make_user, quiz):
    student = make_user("quiz-hole-autosaved")
    client_for(make_user("quiz-hole-warm")).get(quiz.url)  # the entry exists
    open_attempt = attempt(student, quiz, QuizAttempt.State.IN_PROGRESS)
    question = next(question for question in questions_of(quiz) if question.scored)
    chosen = sorted(question.correct_ids)[0]
    Answer.objects.create(attempt=open_attempt, question_id=question.id, choice_ids=[chosen])
    response = client_for(student).get(quiz.url)
    assert "X-Dignity-Holes" not in response  # rendered whole
    html = response.content.decode()
    checked = re.search(rf'name="q-{question.id}" value="{chosen}" checked', html)
    assert checked, "the saved answer is ticked"


def test_a_finished_quiz_shows_the_result_not_the_cached_form(make_user, quiz):
    student = make_user("quiz-hole-finished")
    client_for(make_user("quiz-hole-warm-2")).get(quiz.url)
    done = attempt(student, quiz)
    client = client_for(student)
    response = client.get(quiz.url)
    assert "X-Dignity-Holes" not in response
    assert f"/learn/attempts/{done.pk}/" in response.content.decode()
    # Asking to try again is a fresh form: the cached page again.
    again = client.get(quiz.url + "?again=1")
    assert again["X-Dignity-Holes"] == "hit"
    assert dom_without_form_token(again.content.decode()) == dom_without_form_token(
        full_render(client, quiz.url + "?again=1").content.decode()
    )


def test_every_attempt_used_is_rendered_whole(make_user, quiz):
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    student = make_user("quiz-hole-limit")
    attempt(student, quiz)
    client_for(make_user("quiz-hole-warm-3")).get(quiz.url)
    response = client_for(student).get(quiz.url + "?again=1")
    assert "X-Dignity-Holes" not in response
    assert not form_tokens(response.content.decode())


def test_teachers_keep_the_full_render(make_teacher, make_user, quiz):
    client_for(make_user("quiz-hole-warm-4")).get(quiz.url)
    response = client_for(make_teacher("quiz-hole-teacher")).get(quiz.url)
    assert "X-Dignity-Holes" not in response
    assert "<!--hole:" not in response.content.decode()


# -- anonymous readers ----------------------------------------------------------------------------------------


def test_an_anonymous_reader_never_gets_a_students_quiz(make_user, quiz):
    student = make_user("quiz-first-at-the-bell")
    assert client_for(student).get(quiz.url)["X-Dignity-Holes"] == "miss"
    for _ in range(2):
        response = Client().get(quiz.url)
        html = response.content.decode()
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in html and 'name="quiz_form"' not in html
        assert student.username not in html and "data-autosave-url" not in html
        assert f"/learn/practice/{quiz.pk}/" in html  # the anonymous practice form, as before
        assert "<!--hole:" not in html
    assert response["X-Dignity-Cache"] == "hit"


# -- a publish, and the submit --------------------------------------------------------------------------------


def test_a_publish_retires_the_cached_quiz(make_user, quiz):
    client = client_for(make_user("quiz-hole-publish"))
    client.get(quiz.url)
    assert client.get(quiz.url)["X-Dignity-Holes"] == "hit"
    quiz.intro = "새로 발행된 퀴즈 소개"
    revision = quiz.save_revision()
    revision.publish()
    response = client.get(quiz.url)
    assert response["X-Dignity-Holes"] == "miss"
    html = response.content.decode()
    assert "새로 발행된 퀴즈 소개" in html
    assert read_form_token(form_tokens(html).pop(), quiz.pk).revision_id == revision.pk


def test_a_submit_from_the_filled_page_works_and_a_second_is_refused(make_user, quiz):
    student = make_user("quiz-hole-submitter")
    client = client_for(student)
    client_for(make_user("quiz-hole-warm-5")).get(quiz.url)
    fields = open_quiz(client, quiz)  # from the cached page, filled for this student
    assert client.get(quiz.url + "?again=1")["X-Dignity-Holes"] == "hit"
    response = client.post(submit_url(quiz, "ko"), {**right_form(quiz), **fields})
    stored = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert response.status_code == 302 and response["Location"].endswith(f"/learn/attempts/{stored.pk}/")
    assert stored.state == QuizAttempt.State.SUBMITTED and stored.passed
    assert stored.answers.count() == len(questions_of(quiz))
    # The same form again (a double click, Back-then-submit): that result, nothing new recorded.
    again = client.post(submit_url(quiz, "ko"), {**right_form(quiz), **fields})
    assert again.status_code == 302 and again["Location"].endswith(f"/learn/attempts/{stored.pk}/")
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1
    # And the quiz page now shows the result (rendered whole), not a fresh form.
    after = client.get(quiz.url)
    assert "X-Dignity-Holes" not in after and f"/learn/attempts/{stored.pk}/" in after.content.decode()
