"""Starting, saving and submitting attempts: every change goes through here."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Answer, QuizAttempt
from .scoring import passed, questions_of, score
from .signals import attempt_submitted


class AttemptLimitReached(Exception):
    """The student has used every attempt the quiz allows."""


def submitted_count(student, quiz):
    return QuizAttempt.objects.filter(student=student, quiz=quiz, state=QuizAttempt.State.SUBMITTED).count()


def open_attempt(student, quiz):
    """The student's attempt in progress, or a new one pinned to the live revision."""
    attempt = QuizAttempt.objects.filter(student=student, quiz=quiz, state=QuizAttempt.State.IN_PROGRESS).first()
    if attempt:
        return attempt
    if quiz.attempts_allowed and submitted_count(student, quiz) >= quiz.attempts_allowed:
        raise AttemptLimitReached
    try:
        with transaction.atomic():
            return QuizAttempt.objects.create(student=student, quiz=quiz, revision_id=quiz.live_revision_id)
    except IntegrityError:
        # Two tabs started at once: the constraint let one through; use it.
        return QuizAttempt.objects.get(student=student, quiz=quiz, state=QuizAttempt.State.IN_PROGRESS)


def save_answers(attempt, answers):
    """Store answers in progress (autosave, or a form sent back with a message).

    Returns False and stores nothing once the attempt has been submitted. An autosave can still be
    on its way when the student presses Submit; it must not rewrite the answers of a scored attempt.
    """
    with transaction.atomic():
        # The same gate as submit(): a write first, so the database orders us against a concurrent
        # submit (a row lock on PostgreSQL, the write lock on SQLite) and we see its outcome.
        still_open = QuizAttempt.objects.filter(pk=attempt.pk, state=QuizAttempt.State.IN_PROGRESS).update(
            state=QuizAttempt.State.IN_PROGRESS
        )
        if not still_open:
            return False
        _write_answers(attempt, answers)
    return True


def _write_answers(attempt, answers):
    """Insert new answers and update changed ones in a few queries: autosave calls this every few seconds.

    Only called behind the gate in save_answers, so two saves of one attempt never interleave.
    """
    existing = {answer.question_id: answer for answer in Answer.objects.filter(attempt=attempt)}
    new, changed = [], []
    for question_id, value in answers.items():
        text, choice_ids = (value, []) if isinstance(value, str) else ("", list(value))
        answer = existing.get(question_id)
        if answer is None:
            new.append(Answer(attempt=attempt, question_id=question_id, text=text, choice_ids=choice_ids))
        elif (answer.text, answer.choice_ids) != (text, choice_ids):
            answer.text, answer.choice_ids = text, choice_ids
            changed.append(answer)
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(changed, ["text", "choice_ids"])


def submit(attempt, answers):
    """Score and close the attempt once. A second submit changes nothing and returns False."""
    quiz = attempt.quiz_as_seen
    questions = questions_of(quiz)
    points, maximum, results = score(questions, answers)
    with transaction.atomic():
        # The conditional update is the gate: only one request can move the attempt out of progress.
        closed = QuizAttempt.objects.filter(pk=attempt.pk, state=QuizAttempt.State.IN_PROGRESS).update(
            state=QuizAttempt.State.SUBMITTED,
            submitted_at=timezone.now(),
            score=points,
            max_score=maximum,
            passed=passed(points, maximum, quiz.pass_mark),
        )
        if not closed:
            return False
        Answer.objects.filter(attempt=attempt).delete()
        Answer.objects.bulk_create(
            [
                Answer(
                    attempt=attempt,
                    question_id=question.id,
                    correct=results[question.id],
                    choice_ids=[] if isinstance(answers.get(question.id), str) else answers.get(question.id) or [],
                    text=answers.get(question.id) if isinstance(answers.get(question.id), str) else "",
                )
                for question in questions
            ]
        )
        transaction.on_commit(lambda: _announce(attempt.pk))
    attempt.refresh_from_db()
    return True


def _announce(attempt_id):
    """Tell listeners (progress) about the attempt as committed, not as this request last saw it."""
    attempt = QuizAttempt.objects.select_related("quiz", "student").get(pk=attempt_id)
    attempt_submitted.send(sender=QuizAttempt, attempt=attempt)


def stored_answers(attempt):
    return {answer.question_id: (answer.text or answer.choice_ids) for answer in attempt.answers.all()}
