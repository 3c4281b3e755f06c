"""Starting, saving and submitting attempts: every change goes through here.

Opening a quiz writes nothing. The form carries a signed token of the quiz and the page revision it was
built from (and when); the attempt starts on the first save (autosave, or a "Check" of a practice
question) or on the submit, pinned to that revision. A form built before one of the student's attempts
was submitted is stale: sending it again (a double click, Back-then-submit, a second tab) shows that
result and records nothing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from wagtail.models import Revision

from .models import Answer, QuizAttempt
from .scoring import passed, questions_of, score
from .signals import attempt_submitted

FORM_SALT = "quizzes.attempts.form"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


class AttemptLimitReached(Exception):
    """The student has used every attempt the quiz allows."""


class FormRefused(Exception):
    """The form's token is not one this site made for this quiz (tampered, or another quiz's): nothing is stored."""


class FormOutOfDate(Exception):
    """The form was built from another revision than the student's attempt in progress."""


class AlreadySubmitted(Exception):
    """The form was built before one of the student's attempts was submitted: that attempt is the answer."""

    def __init__(self, attempt_id):
        super().__init__(attempt_id)
        self.attempt_id = attempt_id


# -- the form's token -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizForm:
    quiz_id: int
    revision_id: int
    issued: datetime


def form_token(quiz_id, revision_id, issued=None):
    """Signed (salted) quiz id, revision id and build time in microseconds: what submit and save trust."""
    issued = issued or timezone.now()
    micros = (issued - EPOCH) // MICROSECOND
    return signing.dumps([quiz_id, revision_id, micros], salt=FORM_SALT, compress=False)


def read_form_token(token, quiz_id):
    """The QuizForm in `token`, or FormRefused when it was changed or made for another quiz."""
    try:
        made_for, revision_id, micros = signing.loads(token or "", salt=FORM_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise FormRefused from None
    if not all(type(value) is int for value in (made_for, revision_id, micros)) or made_for != quiz_id:
        raise FormRefused
    return QuizForm(made_for, revision_id, EPOCH + micros * MICROSECOND)


# -- each revision's questions, once per process ----------------------------------------------------------------


@dataclass(frozen=True)
class QuizVersion:
    """What scoring needs of one revision of a quiz. Revisions never change, so this is cached by id."""

    revision_id: int
    questions: tuple
    kind: str
    pass_mark: int
    is_diagnostic: bool


@lru_cache(maxsize=256)
def quiz_version(revision_id):
    page = Revision.objects.get(pk=revision_id).as_object()
    return QuizVersion(revision_id, tuple(questions_of(page)), page.kind, page.pass_mark, page.is_diagnostic)


@receiver(post_save, sender=Revision, dispatch_uid="quizzes.attempts.forget_versions")
def _forget_versions(sender, created, **kwargs):
    """Revisions never change once written, but a database rolled back (tests) can hand an id out twice."""
    if created:
        quiz_version.cache_clear()


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


def submit(attempt, answers, form=None, fresh=False):
    """Score and close the attempt once. A second submit changes nothing and returns False.

    One conditional UPDATE closes it (in progress → submitted), the answers go in with one bulk_create, and
    the listeners (progress: completing the lesson) run in the same transaction. With `form`, the update
    also refuses when another attempt of the student was submitted after that form was built (a stale
    tab racing a fresh one). `fresh`: the attempt was created by this request and has no answers yet.
    """
    version = quiz_version(attempt.revision_id)
    questions = version.questions
    points, maximum, results = score(questions, answers)
    now = timezone.now()
    values = {
        "state": QuizAttempt.State.SUBMITTED,
        "submitted_at": now,
        "score": points,
        "max_score": maximum,
        # A diagnostic (pre-test) is neither passed nor failed: passed stays empty.
        "passed": None if version.is_diagnostic else passed(points, maximum, version.pass_mark),
    }
    # No savepoint of its own inside a caller's transaction: a failure here fails the caller's too.
    with transaction.atomic(savepoint=False):
        # The conditional update is the gate: only one request can move the attempt out of progress.
        if not _close(attempt, values, form):
            return False
        if not fresh:
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
        for field, value in values.items():
            setattr(attempt, field, value)
        # The attempt as this transaction wrote it; a listener's failure rolls the submission back.
        attempt_submitted.send(sender=QuizAttempt, attempt=attempt)
    return True


def _close(attempt, values, form):
    """The gate: move the attempt from in progress to submitted with `values`, and with `form`, only if no other
    attempt of the student was submitted since the form was built. Returns the number of rows moved (0 or 1).

    The same statement as QuizAttempt.objects.filter(pk=…, state=IN_PROGRESS).exclude(Exists(_submitted_since(…)
    .exclude(pk=OuterRef("pk")))).update(**values), written once: building that query through the ORM took about a
    fifth of a submission's time. It sends no signal either way (QuerySet.update sends none)."""
    sql, params = _gate_sql(connection.vendor, form is not None), []
    adapt = connection.ops.adapt_datetimefield_value
    for column in _CLOSED_COLUMNS:
        value = values[column]
        params.append(adapt(value) if column == "submitted_at" else value)
    params += [attempt.pk, QuizAttempt.State.IN_PROGRESS]
    if form is not None:
        params += [attempt.student_id, attempt.quiz_id, QuizAttempt.State.SUBMITTED, adapt(form.issued), attempt.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


_CLOSED_COLUMNS = ("state", "submitted_at", "score", "max_score", "passed")


@lru_cache(maxsize=8)
def _gate_sql(vendor, with_form):
    meta, quote = QuizAttempt._meta, connection.ops.quote_name
    table = quote(meta.db_table)

    def column(name):
        return quote(meta.get_field(name).column)

    assignments = ", ".join(f"{column(name)} = %s" for name in _CLOSED_COLUMNS)
    sql = f"UPDATE {table} SET {assignments} WHERE {column('id')} = %s AND {column('state')} = %s"
    if with_form:
        sql += (
            f" AND NOT EXISTS (SELECT 1 FROM {table} later WHERE later.{column('student')} = %s"
            f" AND later.{column('quiz')} = %s AND later.{column('state')} = %s"
            f" AND later.{column('submitted_at')} >= %s AND later.{column('id')} <> %s)"
        )
    return sql


def _submitted_since(student_id, quiz_id, issued):
    return QuizAttempt.objects.filter(
        student_id=student_id,
        quiz_id=quiz_id,
        state=QuizAttempt.State.SUBMITTED,
        submitted_at__gte=issued,
    )


# -- the form's attempt: what opening, saving and submitting a quiz form find -----------------------------------


@dataclass
class Standing:
    """A student's attempts at one quiz, as the quiz page needs them (one query)."""

    open: object = None  # the attempt in progress
    last: object = None  # the latest attempt
    submitted: int = 0
    stale_for: object = None  # an attempt submitted after the form was built


def standing(student, quiz, issued=None):
    rows = list(
        QuizAttempt.objects.filter(student=student, quiz=quiz)
        .only("pk", "state", "revision", "started_at", "submitted_at", "score", "max_score", "student", "quiz")
        .order_by("-started_at", "-pk")
    )
    result = Standing(last=rows[0] if rows else None)
    for row in rows:
        if row.state == QuizAttempt.State.IN_PROGRESS:
            result.open = row
        else:
            result.submitted += 1
            if issued is not None and row.submitted_at >= issued and result.stale_for is None:
                result.stale_for = row
    return result


def limit_reached(quiz, submitted):
    return bool(quiz.attempts_allowed) and submitted >= quiz.attempts_allowed


def attempt_for_form(student, quiz, form):
    """The attempt a quiz form writes to: the one in progress, or a new one pinned to the form's revision.

    Returns (attempt, created). Raises AlreadySubmitted (the form is stale), FormOutOfDate (the attempt in
    progress was pinned to another revision) or AttemptLimitReached.
    """
    found = standing(student, quiz, form.issued)
    if found.stale_for is not None:
        raise AlreadySubmitted(found.stale_for.pk)
    attempt = found.open
    if attempt is None:
        if limit_reached(quiz, found.submitted):
            raise AttemptLimitReached
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(student=student, quiz=quiz, revision_id=form.revision_id)
        except IntegrityError:
            # Another request of the same student (a second tab, a double click) started it first.
            attempt = QuizAttempt.objects.filter(
                student=student, quiz=quiz, state=QuizAttempt.State.IN_PROGRESS
            ).first()
            if attempt is None:
                # ...and already submitted it.
                later = _submitted_since(student.pk, quiz.pk, form.issued).order_by("-submitted_at")
                raise AlreadySubmitted(later.values_list("pk", flat=True).first()) from None
        else:
            return attempt, True
    if attempt.revision_id != form.revision_id:
        raise FormOutOfDate
    return attempt, False


class _Taken(Exception):
    """Rolls back a submission whose gate said no (the form was stale), or whose new attempt collided."""


def submit_form(student, quiz, form, answers):
    """Submit a quiz form: returns the attempt it closed, or raises AlreadySubmitted / FormOutOfDate /
    AttemptLimitReached, having stored nothing.

    The usual case (no autosave before, no limit on attempts) is one INSERT of the attempt, one gated
    UPDATE and one INSERT of the answers: the partial unique index on attempts in progress says whether
    one was already open, and the gate whether the form is stale. Either way this transaction rolls back
    and the slower path (which reads the student's attempts first) decides.
    """
    if not quiz.attempts_allowed:
        try:
            with transaction.atomic():
                attempt = QuizAttempt(student=student, quiz=quiz, revision_id=form.revision_id)
                # Submitted below or rolled back with it: no listener need treat the insert as a change of its own.
                attempt.submitted_in_this_transaction = True
                try:
                    attempt.save(force_insert=True)
                except IntegrityError:
                    raise _Taken from None  # an attempt in progress (autosaved): the path below uses it
                attempt.student, attempt.quiz = student, quiz  # what the listeners read, without a query
                if not submit(attempt, answers, form=form, fresh=True):
                    raise _Taken  # stale form: the new attempt goes with the rollback
                return attempt
        except _Taken:
            pass
    with transaction.atomic():
        attempt, created = attempt_for_form(student, quiz, form)
        attempt.student, attempt.quiz = student, quiz
        if submit(attempt, answers, form=form, fresh=created):
            return attempt
    # The gate said no: this attempt, or another one, was submitted after the form was built.
    found = standing(student, quiz, form.issued)
    raise AlreadySubmitted(found.stale_for.pk if found.stale_for else attempt.pk)


def save_form(student, quiz, form, answers):
    """Store answers from a quiz form (autosave, a practice question's Check), starting the attempt if need be.

    Returns the attempt; raises like submit_form, and AlreadySubmitted when it was submitted meanwhile.
    """
    with transaction.atomic():
        attempt, _created = attempt_for_form(student, quiz, form)
        if save_answers(attempt, answers):
            return attempt
    raise AlreadySubmitted(attempt.pk)


def stored_answers(attempt):
    return {answer.question_id: (answer.text or answer.choice_ids) for answer in attempt.answers.all()}
