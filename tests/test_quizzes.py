"""Taking quizzes: scoring of every question type, revision pinning, idempotent submit, bad input."""

import pytest

from django.test import Client

from quizzes.attempts import open_attempt, submit
from quizzes.models import Answer, QuizAttempt, QuizPage
from quizzes.scoring import questions_of, score

pytestmark = pytest.mark.django_db


def a_quiz(**filters):
    return QuizPage.objects.live().filter(locale__language_code="en", kind="check", **filters).order_by("path").first()


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
    for quiz in QuizPage.objects.filter(locale__language_code="en"):
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
    quiz = next(q for q in QuizPage.objects.all() if any(b.block_type == "multiple_choice" for b in q.questions))
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
    student_client.get(quiz.url)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    data = {**wrong_answers(questions), "attempt": attempt.pk, "revision": attempt.revision_id}
    response = student_client.post(quiz.url, data, follow=True)
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.score == 0 and attempt.passed is False
    html = response.content.decode()
    first = next(q for q in questions if q.scored)
    assert first.explanation[:30] in html
    assert "tel:" in html  # the help card


def test_double_submit_records_one_attempt(student_client, student):
    quiz = a_quiz()
    student_client.get(quiz.url)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    data = {**right_answers(questions_of(quiz)), "attempt": attempt.pk, "revision": attempt.revision_id}
    first = student_client.post(quiz.url, data)
    answers_after_first = Answer.objects.count()
    second = student_client.post(
        quiz.url, {**wrong_answers(questions_of(quiz)), "attempt": attempt.pk, "revision": attempt.revision_id}
    )
    assert first["Location"] == second["Location"]
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1
    attempt.refresh_from_db()
    assert attempt.score == attempt.max_score
    assert Answer.objects.count() == answers_after_first


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
    student_client.get(quiz.url)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    questions = questions_of(quiz)
    student_client.post(quiz.url, {**right_answers(questions), "attempt": attempt.pk, "revision": attempt.revision_id})
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


def test_choice_not_in_the_question_changes_nothing(student_client, student):
    quiz = a_quiz()
    student_client.get(quiz.url)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    data = right_answers(questions_of(quiz))
    first_key = next(key for key in data if isinstance(data[key], list))
    data[first_key] = ["no-such-choice"]
    response = student_client.post(quiz.url, {**data, "attempt": attempt.pk, "revision": attempt.revision_id})
    assert response.status_code == 400
    assert "not one of this question" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == "in_progress" and not attempt.answers.exists()


def test_question_not_in_the_quiz_changes_nothing(student_client, student):
    quiz = a_quiz()
    student_client.get(quiz.url)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    data = {**right_answers(questions_of(quiz)), "q-not-a-question": ["a"]}
    response = student_client.post(quiz.url, {**data, "attempt": attempt.pk, "revision": attempt.revision_id})
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.state == "in_progress"


def test_someone_elses_attempt_is_a_404(student_client, make_user):
    quiz = a_quiz()
    other = make_user("other-student")
    attempt = open_attempt(other, quiz)
    data = {**right_answers(questions_of(quiz)), "attempt": attempt.pk, "revision": attempt.revision_id}
    assert student_client.post(quiz.url, data).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == "in_progress"
    submit(attempt, {})
    assert student_client.get(f"/en/learn/attempts/{attempt.pk}/").status_code == 404


def test_tampered_revision_id_changes_nothing(student_client, student):
    quiz = a_quiz()
    student_client.get(quiz.url)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    data = {**right_answers(questions_of(quiz)), "attempt": attempt.pk, "revision": attempt.revision_id + 999}
    assert student_client.post(quiz.url, data).status_code == 400
    attempt.refresh_from_db()
    assert attempt.state == "in_progress"


def test_more_attempts_than_allowed_are_refused(student_client, student):
    quiz = a_quiz()
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    student_client.get(quiz.url)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    student_client.post(
        quiz.url, {**right_answers(questions_of(quiz)), "attempt": attempt.pk, "revision": attempt.revision_id}
    )
    response = student_client.post(quiz.url, {"start_new": "1"})
    assert response.context["limit_reached"] is True
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1


def test_empty_required_answer_returns_the_form_with_answers_kept(student_client, student):
    quiz = a_quiz()
    questions = questions_of(quiz)
    student_client.get(quiz.url)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    data = right_answers(questions)
    first = next(q for q in questions if q.scored)
    second = [q for q in questions if q.scored][1]
    del data[f"q-{first.id}"]
    response = student_client.post(quiz.url, {**data, "attempt": attempt.pk, "revision": attempt.revision_id})
    assert response.status_code == 400
    assert first.id in response.context["missing"]
    html = response.content.decode()
    chosen = sorted(second.correct_ids)[0]
    assert f'value="{chosen}" checked' in html
    attempt.refresh_from_db()
    assert attempt.state == "in_progress"


def test_my_progress_lists_attempts_and_best_scores(student_client, student):
    quiz = a_quiz()
    for answers in (wrong_answers, right_answers):
        student_client.post(quiz.url, {"start_new": "1"})
        attempt = QuizAttempt.objects.get(student=student, quiz=quiz, state="in_progress")
        student_client.post(
            quiz.url, {**answers(questions_of(quiz)), "attempt": attempt.pk, "revision": attempt.revision_id}
        )
    response = student_client.get("/en/learn/progress/")
    best = list(response.context["best"])
    assert best[0]["best"] == best[0]["max_score"] and best[0]["tries"] == 2


def test_coming_back_after_submitting_shows_the_result_not_a_new_attempt(student_client, student):
    quiz = a_quiz()
    student_client.get(quiz.url)
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    student_client.post(
        quiz.url, {**right_answers(questions_of(quiz)), "attempt": attempt.pk, "revision": attempt.revision_id}
    )
    response = student_client.get(quiz.url)
    assert response.context["finished"] == attempt
    assert QuizAttempt.objects.filter(student=student, quiz=quiz).count() == 1
    student_client.post(quiz.url, {"start_new": "1"})
    assert QuizAttempt.objects.filter(student=student, quiz=quiz, state="in_progress").count() == 1
