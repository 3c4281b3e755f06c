"""Each class's progress matrix, built once and kept until something in it changes.

A teacher reloading the matrix (at the bell, every few seconds) should not rebuild 300 rows that have
not changed. The built matrix (classrooms.progress.build_matrix) is kept in the shared cache under the
class's version, a random token that every write the matrix reads replaces:

- a student's progress or quiz attempt (LessonProgress, QuizAttempt saved, a submission,
  and the progress writes that bypass save(): classrooms.progress calls student_changed) moves on
  the version of every class the student is in;
- the class itself, its enrolments, assignments and recorded alternative activities move on its own;
- the content generation (lessons.generation: any publish, unpublish, move, slug change or privacy setting)
  is part of the key: titles, lessons and check quizzes come from pages.

"Overdue" depends on the clock: an entry lives at most until the next due date of the class passes
(and never longer than MAX_SECONDS).
"""

import uuid
from collections import OrderedDict
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from lessons.generation import content_generation

MAX_SECONDS = 10 * 60
_VERSION = "matrix-version:{}"


def _token():
    return uuid.uuid4().hex


def classrooms_changed(classroom_ids):
    ids = {pk for pk in classroom_ids if pk}
    if ids:
        _move_on(ids)
        # A teacher reading between this write and its commit would build the old rows and keep them under
        # the new version: move the version on again once the write is committed. Outside a transaction the
        # write is committed already (autocommit: a student's first visit recording "started"), so once is enough.
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: _move_on(ids))


def _move_on(ids):
    cache.set_many({_VERSION.format(pk): _token() for pk in ids}, None)


def student_changed(student_id):
    """Progress or an attempt of this student changed: every class they are in (one query)."""
    from .models import Enrollment

    classrooms_changed(Enrollment.objects.filter(student_id=student_id).values_list("classroom_id", flat=True))


def _version(classroom_id):
    return _shared_token(_VERSION.format(classroom_id))


def _shared_token(key):
    version = cache.get(key)
    if version is None:
        cache.add(key, _token(), None)
        version = cache.get(key) or f"unshared-{_token()}"
    return version


# This process's copies of the matrices it served last, by the same key: a reload of 300 rows then skips
# unpickling them from the shared cache (about a fifth of a reload). The key holds the class's version, read from
# the shared cache on every request, and the content generation (within its one-second memo), so a write on any
# host retires the copy; a copy also ends when its build's due-date limit passes, exactly as the shared entry does.
_LOCAL = OrderedDict()
LOCAL_ENTRIES = 32


def cached_matrix(classroom):
    """build_matrix(classroom), from the cache while nothing in it has changed."""
    from .progress import build_matrix

    key = f"matrix:{classroom.pk}:{_version(classroom.pk)}:{content_generation()}"
    now = timezone.now()
    matrix = _LOCAL.get(key)
    if matrix is not None and getattr(matrix, "kept_until", now) > now:  # (an entry from before has none)
        _LOCAL.move_to_end(key)
        return matrix
    matrix = cache.get(key)
    if matrix is None:
        matrix = build_matrix(classroom, now=now)
        matrix.build_id = _token()  # what the rendered rows are kept under (classrooms/templatetags/matrix_tags.py)
        upcoming = [column.assignment.due_at for column in matrix.columns if column.assignment.due_at > now]
        seconds = MAX_SECONDS
        if upcoming:
            seconds = max(1, min(seconds, int((min(upcoming) - now).total_seconds()) + 1))
        matrix.kept_until = now + timedelta(seconds=seconds)
        cache.set(key, matrix, seconds)
    _LOCAL[key] = matrix
    while len(_LOCAL) > LOCAL_ENTRIES:
        _LOCAL.popitem(last=False)
    return matrix


# -- what moves a version on (connected in classrooms.apps) ---------------------------------------------


def on_student_row(sender, instance, **kwargs):
    # An attempt created to be submitted in the same transaction (quizzes.attempts.submit_form): the submission
    # moves the versions on (attempt_submitted), or the transaction rolls back and nothing changed.
    if getattr(instance, "submitted_in_this_transaction", False):
        return
    student_changed(instance.student_id)


def on_attempt_submitted(sender, attempt, **kwargs):
    student_changed(attempt.student_id)


def on_classroom_row(sender, instance, **kwargs):
    classrooms_changed([instance.classroom_id])


def on_alternative(sender, instance, **kwargs):
    from .models import Assignment

    classrooms_changed(Assignment.objects.filter(pk=instance.assignment_id).values_list("classroom_id", flat=True))


def on_classroom(sender, instance, **kwargs):
    classrooms_changed([instance.pk])


def on_user(sender, instance, update_fields=None, **kwargs):
    # A sign-in saves last_login only: nothing the matrix shows.
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    if getattr(instance, "is_student", False) and instance.pk:
        student_changed(instance.pk)


def connect():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from quizzes.models import QuizAttempt
    from quizzes.signals import attempt_submitted

    from .models import AlternativeActivity, Assignment, Classroom, Enrollment, LessonProgress

    # Saves only for progress and attempts: they are deleted with their student, whose enrolments go too
    # (and a post_delete receiver would turn every cascade into one DELETE per row).
    for model in (LessonProgress, QuizAttempt):
        post_save.connect(on_student_row, sender=model, dispatch_uid=f"matrix-{model.__name__}")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        for model in (Enrollment, Assignment):
            signal.connect(on_classroom_row, sender=model, dispatch_uid=f"matrix-{model.__name__}-{name}")
        signal.connect(on_alternative, sender=AlternativeActivity, dispatch_uid=f"matrix-alternative-{name}")
        signal.connect(on_classroom, sender=Classroom, dispatch_uid=f"matrix-classroom-{name}")
    post_save.connect(on_user, sender=get_user_model(), dispatch_uid="matrix-user")
    attempt_submitted.connect(on_attempt_submitted, dispatch_uid="matrix-attempt-submitted")
