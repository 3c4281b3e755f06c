"""Taking quizzes: scoring of every question type, revision pinning, idempotent submit, bad input."""

import json
import uuid

import pytest

from django.contrib.auth.models import Group
from django.core import signing
from django.test import Client

from wagtail.models import Page, PageViewRestriction

from quizzes.attempts import form_token, open_attempt, quiz_version, read_form_token, stored_answers, submit
from quizzes.models import Answer, QuizAttempt, QuizPage
from quizzes.scoring import questions_of, score
from tests.conftest import client_for
from tests.factories import (
    CurriculumIndexPageFactory,
    LessonPageFactory,
    ModulePageFactory,
    QuizPageFactory,
    reflection_text,
    single_choice,
)
from tests.quiz_forms import TOKEN, open_quiz, save_url, submit_url

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def question(block_type, number):
    """Raw StreamField data for question `number` of a quiz: its choice ids are its own (q<number>-<n>), its
    explanation says which question it explains; 'select all' has two right choices out of three."""
    if block_type == "reflection_text":
        return reflection_text(f"Question {number}: what would you say to a friend?")
    if block_type == "reflection_scale":
        value = {"prompt": f"Question {number}: how sure are you?", "low_label": "Not sure", "high_label": "Sure"}
        return {"type": "reflection_scale", "id": str(uuid.uuid4()), "value": value}
    choices = ("True", "False") if block_type == "true_false" else ("First", "Second", "Third")
    data = single_choice(prompt=f"Question {number}: a {block_type} question", choices=choices)
    data["type"] = block_type
    for position, item in enumerate(data["value"]["choices"]):
        item["id"] = f"q{number}-{position}"
    data["value"]["explanation"] = f"Explanation of question {number}, the {block_type} one: consent comes first."
    if block_type == "multiple_choice":
        data["value"]["choices"][1]["value"]["correct"] = True
    if block_type == "scenario":
        data["value"]["story"] = "Someone finds an edited photo of a classmate."
    return data


# Like a real check quiz: several scored questions of the choice types, and a reflection that is not scored.
A_CHECK_QUIZ = ("single_choice", "true_false", "multiple_choice", "scenario", "reflection_text")


def build_quiz(*block_types, language="en", **fields):
    """A live check quiz under a lesson under a module of a curriculum on the `language` site."""
    home = Page.objects.get(depth=2, locale__language_code=language)
    lesson = LessonPageFactory(parent=ModulePageFactory(parent=CurriculumIndexPageFactory(parent=home)))
    questions = [question(block_type, number) for number, block_type in enumerate(block_types or A_CHECK_QUIZ, 1)]
    return QuizPageFactory(parent=lesson, questions=json.dumps(questions), **fields)


def a_quiz():
    return QuizPage.objects.get(pk=build_quiz().pk)


def right_answers(questions):
    data = {}
    for question in questions:
        if question.scored:
            data[f"q-{question.id}"] = sorted(question.correct_ids)
        else:
            data[f"q-{question.id}"] = "3" if question.type == "reflection_scale" else "Some thoughts"
    return data


def wrong_answers(questions):
    data = right_answers(questions)
    for question in questions:
        if question.scored:
            data[f"q-{question.id}"] = [next(c.id for c in question.choices if not c.correct)]
    return data


@pytest.fixture
def student(make_user):
    return make_user("student-q")


@pytest.fixture
def student_client(student):
    client = Client()
    client.force_login(student)
    return client


def test_scoring_every_question_type():
    types_seen = set()
    for quiz in (build_quiz(), build_quiz("single_choice", "reflection_scale")):
        questions = questions_of(quiz)
        answers = {q.id: sorted(q.correct_ids) if q.scored else "" for q in questions}
        points, maximum, results = score(questions, answers)
        assert points == maximum == sum(q.scored for q in questions)
        for question in questions:
            types_seen.add(question.type)
            if question.scored:
                wrong = {**answers, question.id: [next(c.id for c in question.choices if not c.correct)]}
                assert score(questions, wrong)[0] == maximum - 1
            else:
                assert results[question.id] is None
    assert {"single_choice", "multiple_choice", "true_false", "scenario"} <= types_seen
    assert types_seen & {"reflection_text", "reflection_scale"}


def test_multiple_choice_needs_exactly_the_right_set():
    quiz = build_quiz("single_choice", "multiple_choice", "reflection_text")
    question = next(q for q in questions_of(quiz) if q.type == "multiple_choice")
    correct = sorted(question.correct_ids)
    assert score([question], {question.id: correct})[0] == 1
    if len(correct) > 1:
        assert score([question], {question.id: correct[:-1]})[0] == 0
    extra = [c.id for c in question.choices]
    assert score([question], {question.id: extra})[0] == (1 if set(extra) == set(correct) else 0)


def test_anonymous_visitor_practises_and_nothing_is_stored():
    quiz = a_quiz()
    response = Client().post(quiz.url, right_answers(questions_of(quiz)))
    assert response.status_code == 200
    assert response.context["score"] == response.context["max_score"] > 0
    assert QuizAttempt.objects.count() == 0 and Answer.objects.count() == 0


def test_student_attempt_is_stored_and_result_shows_explanations(student_client, student):
    quiz = a_quiz()
    questions = questions_of(quiz)
    form = open_quiz(student_client, quiz)
    assert not QuizAttempt.objects.filter(student=student).exists()  # opening a quiz writes nothing
    response = student_client.post(submit_url(quiz), {**wrong_answers(questions), **form}, follow=True)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert attempt.state == "submitted" and attempt.score == 0 and attempt.passed is False
    assert attempt.revision_id == quiz.live_revision_id
    html = response.content.decode()
    first = next(q for q in questions if q.scored)
    assert first.explanation[:30] in html
    assert "tel:" in html  # the help card


def test_double_submit_records_one_attempt(student_client, student):
    quiz = a_quiz()
    form = open_quiz(student_client, quiz)
    first = student_client.post(submit_url(quiz), {**right_answers(questions_of(quiz)), **form})
    answers_after_first = Answer.objects.count()
    second = student_client.post(submit_url(quiz), {**wrong_answers(questions_of(quiz)), **form})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert attempt.score == attempt.max_score
    assert Answer.objects.count() == answers_after_first


def test_a_form_posted_to_the_page_itself_is_taken_the_same_way(student_client, student):
    """Forms built before the submit URL existed post to the page: the same rules, the same result."""
    quiz = a_quiz()
    form = open_quiz(student_client, quiz)
    response = student_client.post(quiz.url, {**right_answers(questions_of(quiz)), **form})
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert response["Location"] == f"/en/learn/attempts/{attempt.pk}/"
    assert attempt.state == "submitted" and attempt.score == attempt.max_score
    again = student_client.post(submit_url(quiz), {**wrong_answers(questions_of(quiz)), **form})
    assert again["Location"] == response["Location"]


def test_submit_function_is_idempotent(student):
    quiz = a_quiz()
    attempt = open_attempt(student, quiz)
    answers = {q.id: sorted(q.correct_ids) if q.scored else "" for q in questions_of(quiz)}
    assert submit(attempt, answers) is True
    assert submit(attempt, {q: [] for q in answers}) is False
    attempt.refresh_from_db()
    assert attempt.score == attempt.max_score


def test_later_edits_never_change_a_recorded_score_or_explanation(student_client, student):
    quiz = a_quiz()
    questions = questions_of(quiz)
    student_client.post(submit_url(quiz), {**right_answers(questions), **open_quiz(student_client, quiz)})
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    first = next(q for q in questions if q.scored)
    # An editor flips the right answer and rewrites the explanation.
    for block in quiz.questions:
        if block.id == first.id:
            for item in block.value["choices"]:
                item["correct"] = not item["correct"]
            block.value["explanation"] = "A completely new explanation"
    quiz.save_revision().publish()
    attempt.refresh_from_db()
    assert attempt.score == attempt.max_score
    html = student_client.get(f"/en/learn/attempts/{attempt.pk}/").content.decode()
    assert first.explanation[:30] in html
    assert "A completely new explanation" not in html


def flip_first_answer_and_publish(quiz):
    first = next(q for q in questions_of(quiz) if q.scored)
    for block in quiz.questions:
        if block.id == first.id:
            for item in block.value["choices"]:
                item["correct"] = not item["correct"]
    quiz.save_revision().publish()
    return first


def test_a_form_built_from_a_revision_no_longer_live_is_scored_against_that_revision(student_client, student):
    """Revision pinning: the attempt is pinned to the revision the student's form was built from, even when an
    editor publishes a change between opening and submitting (as when the attempt was opened by the GET)."""
    quiz = a_quiz()
    seen = quiz.live_revision_id
    questions = questions_of(quiz)
    form = open_quiz(student_client, quiz)
    flip_first_answer_and_publish(QuizPage.objects.get(pk=quiz.pk))
    assert QuizPage.objects.get(pk=quiz.pk).live_revision_id != seen

    response = student_client.post(submit_url(quiz), {**right_answers(questions), **form})

    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert attempt.revision_id == seen and attempt.score == attempt.max_score


def test_an_attempt_in_progress_keeps_its_revision_and_refuses_a_form_of_another(student_client, student):
    """Autosaved on the old revision, then a form opened on the new one in another tab: that form is out of date
    (today's rule: the form must be for the attempt's revision); the page reloaded shows the attempt's revision."""
    quiz = a_quiz()
    old_form = open_quiz(student_client, quiz)
    assert student_client.post(save_url(quiz), old_form).status_code == 200
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz, state="in_progress")
    seen = attempt.revision_id
    flip_first_answer_and_publish(QuizPage.objects.get(pk=quiz.pk))
    live = QuizPage.objects.get(pk=quiz.pk)
    new_form = {"quiz_form": form_token(quiz.pk, live.live_revision_id)}
    saved = stored_answers(attempt)

    response = student_client.post(submit_url(quiz), {**right_answers(questions_of(quiz)), **new_form})

    assert response.status_code == 400
    assert "This quiz form is out of date. Reload the page and try again." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == "in_progress" and stored_answers(attempt) == saved
    # The reloaded page is built from the attempt's revision, and that form is taken.
    reloaded = open_quiz(student_client, live)
    assert read_form_token(reloaded["quiz_form"], quiz.pk).revision_id == seen
    student_client.post(submit_url(quiz), {**right_answers(questions_of(quiz)), **reloaded})
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.score == attempt.max_score


def test_choice_not_in_the_question_changes_nothing(student_client, student):
    quiz = a_quiz()
    data = {**right_answers(questions_of(quiz)), **open_quiz(student_client, quiz)}
    first_key = next(key for key in data if isinstance(data[key], list))
    data[first_key] = ["no-such-choice"]
    response = student_client.post(submit_url(quiz), data)
    assert response.status_code == 400
    assert "not one of this question" in response.content.decode()
    assert not QuizAttempt.objects.filter(student=student).exists() and not Answer.objects.exists()


def test_question_not_in_the_quiz_changes_nothing(student_client, student):
    quiz = a_quiz()
    data = {**right_answers(questions_of(quiz)), "q-not-a-question": ["a"], **open_quiz(student_client, quiz)}
    response = student_client.post(submit_url(quiz), data)
    assert response.status_code == 400
    assert not QuizAttempt.objects.filter(student=student).exists()


def test_a_form_only_ever_writes_to_the_senders_own_attempts(student_client, student, make_user):
    """The token says which quiz and revision, never whose attempt: another student's attempt is untouched."""
    quiz = a_quiz()
    other = make_user("other-student")
    attempt = open_attempt(other, quiz)
    other_form = open_quiz(client_for(other), quiz)
    student_client.post(submit_url(quiz), {**right_answers(questions_of(quiz)), **other_form})
    attempt.refresh_from_db()
    assert attempt.state == "in_progress" and not attempt.answers.exists()
    assert QuizAttempt.objects.get(student=student, quiz=quiz).state == "submitted"
    submit(attempt, {})
    assert student_client.get(f"/en/learn/attempts/{attempt.pk}/").status_code == 404


def tampered(token):
    """The same token with one character of its payload changed (the signature no longer matches)."""
    position = 3
    return token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]


@pytest.mark.parametrize("how", ["tampered", "another quiz", "missing", "garbage", "another salt"])
def test_a_form_token_that_is_not_ours_for_this_quiz_is_refused_and_nothing_is_stored(student_client, student, how):
    quiz = a_quiz()
    form = open_quiz(student_client, quiz)
    other_quiz = build_quiz()
    token = {
        "tampered": tampered(form["quiz_form"]),
        "another quiz": form_token(other_quiz.pk, other_quiz.live_revision_id),
        "missing": None,
        "garbage": "not-a-token",
        "another salt": signing.dumps([quiz.pk, quiz.live_revision_id, 0]),
    }[how]
    data = right_answers(questions_of(quiz))
    if token:
        data["quiz_form"] = token

    response = student_client.post(submit_url(quiz), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "This quiz form was changed or is for another quiz. Nothing was saved: open the quiz again." in html
    assert 'role="alert"' in html and f'href="{quiz.url}"' in html
    assert not QuizAttempt.objects.exists() and not Answer.objects.exists()
    autosave = student_client.post(save_url(quiz), data)
    assert autosave.status_code == 400 and autosave.json()["error"] == "bad_form"
    assert not QuizAttempt.objects.exists()


def test_the_refusal_is_in_korean_on_the_korean_site(make_user):
    quiz = build_quiz(language="ko")
    client = client_for(make_user("korean-student"))
    response = client.post(submit_url(quiz, "ko"), {"quiz_form": "not-a-token"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "퀴즈" in html and "This quiz form was changed" not in html
    assert not QuizAttempt.objects.exists()


def test_more_attempts_than_allowed_are_refused(student_client, student):
    quiz = a_quiz()
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    student_client.post(submit_url(quiz), {**right_answers(questions_of(quiz)), **open_quiz(student_client, quiz)})
    response = student_client.post(quiz.url, {"start_new": "1"})
    assert response.context["limit_reached"] is True
    assert student_client.get(quiz.url + "?again=1").context["limit_reached"] is True
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1


def test_empty_required_answer_returns_the_form_with_answers_kept(student_client, student):
    quiz = a_quiz()
    questions = questions_of(quiz)
    data = {**right_answers(questions), **open_quiz(student_client, quiz)}
    first = next(q for q in questions if q.scored)
    second = [q for q in questions if q.scored][1]
    del data[f"q-{first.id}"]
    response = student_client.post(submit_url(quiz), data)
    assert response.status_code == 400
    assert first.id in response.context["missing"]
    html = response.content.decode()
    chosen = sorted(second.correct_ids)[0]
    assert f'value="{chosen}" checked' in html
    # The form sent back is the same form: the same token, and the answers given are kept (the attempt starts).
    assert f'value="{data["quiz_form"]}"' in html
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert attempt.state == "in_progress"
    assert stored_answers(attempt)[second.id] == sorted(second.correct_ids)


def test_my_progress_lists_attempts_and_best_scores(student_client, student):
    quiz = a_quiz()
    for answers in (wrong_answers, right_answers):
        response = student_client.post(quiz.url, {"start_new": "1"})
        assert response.status_code == 302 and response["Location"] == f"{quiz.url}?again=1"
        form = open_quiz(student_client, quiz, again=True)
        student_client.post(submit_url(quiz), {**answers(questions_of(quiz)), **form})
    response = student_client.get("/en/learn/progress/")
    best = list(response.context["best"])
    assert best[0]["best"] == best[0]["max_score"] and best[0]["tries"] == 2


def test_coming_back_after_submitting_shows_the_result_not_a_new_attempt(student_client, student):
    quiz = a_quiz()
    first_form = open_quiz(student_client, quiz)
    student_client.post(submit_url(quiz), {**right_answers(questions_of(quiz)), **first_form})
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    response = student_client.get(quiz.url)
    assert response.context["finished"] == attempt
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1
    # "Try again" leads to a fresh form, and still writes nothing until that form is sent.
    assert student_client.post(quiz.url, {"start_new": "1"})["Location"] == f"{quiz.url}?again=1"
    second_form = open_quiz(student_client, quiz, again=True)
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1
    # The first form, sent again (Back, then Submit), still only shows its result...
    stale = student_client.post(submit_url(quiz), {**wrong_answers(questions_of(quiz)), **first_form})
    assert stale["Location"] == f"/en/learn/attempts/{attempt.pk}/"
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1
    # ...and the fresh form records the second attempt.
    student_client.post(submit_url(quiz), {**wrong_answers(questions_of(quiz)), **second_form})
    assert list(
        QuizAttempt.objects.filter(student=student, quiz=quiz).order_by("pk").values_list("state", "score")
    ) == [("submitted", attempt.score), ("submitted", 0)]


@pytest.mark.parametrize("account_type", ["student", "teacher", "staff"])
def test_opening_a_quiz_writes_nothing_for_anyone(make_user, account_type):
    """Opening a quiz (GET) opened an attempt until issue 16; now the first save or the submit does."""
    quiz = a_quiz()
    client = client_for(make_user(f"opening-{account_type}", account_type=account_type))
    before = (QuizAttempt.objects.count(), Answer.objects.count())
    for _ in range(2):
        response = client.get(quiz.url)
        assert response.status_code == 200 and TOKEN.search(response.content.decode())
    assert (QuizAttempt.objects.count(), Answer.objects.count()) == before


def test_a_teacher_practises_through_the_submit_url_and_nothing_is_stored(make_user):
    quiz = a_quiz()
    client = client_for(make_user("practising-teacher", account_type="teacher"))
    form = open_quiz(client, quiz)
    assert "data-autosave-url" not in client.get(quiz.url).content.decode()
    response = client.post(submit_url(quiz), {**right_answers(questions_of(quiz)), **form})
    assert response.status_code == 200 and response.context["practice"] is True
    assert response.context["score"] == response.context["max_score"] > 0
    assert client.post(save_url(quiz), form).status_code == 404
    assert not QuizAttempt.objects.exists() and not Answer.objects.exists()


def test_the_submit_url_takes_only_live_quizzes_and_only_posts(student_client, student):
    quiz = a_quiz()
    form = open_quiz(student_client, quiz)
    assert student_client.get(submit_url(quiz)).status_code == 405
    quiz.unpublish()
    response = student_client.post(submit_url(quiz), {**right_answers(questions_of(quiz)), **form})
    assert response.status_code == 404
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize("restriction_type", ["login", "groups", "password"])
def test_the_submit_url_keeps_the_quiz_pages_view_restrictions(student_client, student, restriction_type):
    """A restriction on the lesson above the quiz: the submit URL answers exactly as the page does."""
    quiz = a_quiz()
    form = open_quiz(student_client, quiz)
    restriction = PageViewRestriction.objects.create(
        page=quiz.get_parent(), restriction_type=restriction_type, password="secret-words"
    )
    if restriction_type == "groups":
        restriction.groups.add(Group.objects.get(name="Editors"))
    data = {**right_answers(questions_of(quiz)), **form}
    if restriction_type == "login":
        # A signed-in student passes a "signed in" restriction, on the page and on the submit URL alike.
        assert student_client.post(submit_url(quiz), data).status_code == 302
        assert QuizAttempt.objects.get(student=student).state == "submitted"
        return
    by_page = student_client.post(quiz.url, data)
    by_url = student_client.post(submit_url(quiz), data)
    assert by_url.status_code == by_page.status_code
    if by_page.status_code == 302:  # to the sign-in page (its `next` is the URL that was posted to)
        assert by_url["Location"].split("?")[0] == by_page["Location"].split("?")[0]
    assert by_url.status_code in (200, 302) and "/learn/attempts/" not in by_url.get("Location", "")
    assert not QuizAttempt.objects.exists() and not Answer.objects.exists()
    autosave = student_client.post(save_url(quiz), data)
    assert autosave.status_code == by_page.status_code and not QuizAttempt.objects.exists()


def test_each_revisions_questions_are_read_once_per_process(django_assert_num_queries):
    quiz = a_quiz()
    quiz_version.cache_clear()
    first = quiz_version(quiz.live_revision_id)
    with django_assert_num_queries(0):
        again = quiz_version(quiz.live_revision_id)
    assert again is first and [q.id for q in first.questions] == [q.id for q in questions_of(quiz)]


def test_the_quiz_model_imports_no_view():
    """No import cycle: the view imports the model; QuizPage.serve reaches the view through the app config."""
    import ast
    from pathlib import Path

    tree = ast.parse((Path(__file__).parent.parent / "quizzes" / "models.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any(name and "views" in name for name in imported), imported


def test_the_form_token_keeps_quiz_revision_and_build_time_to_the_microsecond():
    from django.utils import timezone

    issued = timezone.now()
    form = read_form_token(form_token(7, 42, issued), 7)
    assert (form.quiz_id, form.revision_id, form.issued) == (7, 42, issued)
