"""Background jobs for classes. Each is safe to run twice: the second run finds the work done."""

import smtplib
from datetime import timedelta

from celery import shared_task

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Assignment, Classroom, ProgressExport, ReminderDigest


@shared_task
def build_progress_export(export_id):
    """Write the class's progress matrix as CSV (UTF-8 with BOM on download) and as XLSX, in the
    language the teacher asked in (titles too)."""
    from .exports import as_csv, as_xlsx, progress_table
    from .progress import build_matrix
    from .titles import locale_for, localized_titles

    export = ProgressExport.objects.select_related("classroom").filter(pk=export_id).first()
    if export is None or export.status == ProgressExport.Status.READY:
        return
    with translation.override(export.language):
        matrix = build_matrix(export.classroom)
        titles = localized_titles([column.page for column in matrix.columns], locale_for(export.language))
        header, rows = progress_table(matrix, titles)
        content = as_csv(header, rows)
        workbook = as_xlsx(header, rows, export.classroom.name)
    # Reflection answers are never exported: only statuses and scores are in the table.
    ProgressExport.objects.filter(pk=export.pk).update(
        content=content, xlsx=workbook, status=ProgressExport.Status.READY, finished_at=timezone.now()
    )


@shared_task
def archive_classroom(classroom_id):
    Classroom.objects.filter(pk=classroom_id, archived_at__isnull=True).update(
        archived_at=timezone.now(), join_open=False
    )


# A mail server that is down is retried; teachers already mailed are skipped by their claims.
@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError), retry_backoff=60, max_retries=5)
def send_reminder_digests(now_iso=None):
    """Once a day: tell each teacher about assignments due within a day that students have not finished."""
    from .progress import Status, build_matrix

    now = timezone.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    due_soon = Q(due_at__gt=now, due_at__lte=now + timedelta(days=1))
    sent = 0
    classrooms = (
        Classroom.objects.filter(archived_at__isnull=True, assignments__in=Assignment.objects.filter(due_soon))
        .distinct()
        .prefetch_related("teachers")
    )
    lines_by_teacher = {}
    for classroom in classrooms:
        matrix = build_matrix(classroom, now=now)
        for position, column in enumerate(matrix.columns):
            if not (now < column.assignment.due_at <= now + timedelta(days=1)):
                continue
            unfinished = sum(1 for _student, cells in matrix.rows if cells[position].status != Status.COMPLETED)
            if unfinished:
                for teacher in classroom.teachers.all():
                    lines_by_teacher.setdefault(teacher, []).append(
                        (classroom.name, column.page.title, unfinished, len(matrix.students))
                    )
    day = timezone.localdate(now)
    for teacher, lines in lines_by_teacher.items():
        if not teacher.email:
            continue
        body = "\n".join(
            _("%(class)s: %(unfinished)s of %(total)s students have not finished “%(title)s”, due tomorrow.")
            % {"class": name, "unfinished": unfinished, "total": total, "title": title}
            for name, title, unfinished, total in lines
        )
        # Claim the day and send in one transaction: a second run (beat firing twice, a redelivery
        # after a lost worker, a retry) finds the claim and mails nobody again, and a send that fails
        # takes its claim back with it, so the retry mails that teacher.
        with transaction.atomic():
            _digest, created = ReminderDigest.objects.get_or_create(teacher=teacher, day=day)
            if not created:
                continue
            send_mail(_("Dignity: assignments due tomorrow"), body, settings.DEFAULT_FROM_EMAIL, [teacher.email])
        sent += 1
    return sent


@shared_task
def purge_archived_classes(now_iso=None):
    """Delete classes archived longer than DIGNITY_RETENTION_DAYS, and students left in no other class;
    also expired progress exports and ended sessions with their index rows (users.sessions).

    Safe to run twice: the second run finds nothing old enough.
    """
    from django.contrib.auth import get_user_model

    from users.sessions import forget_ended_sessions

    from .privacy import delete_account

    now = timezone.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    cutoff = now - timedelta(days=settings.DIGNITY_RETENTION_DAYS)
    expired = Classroom.objects.filter(archived_at__lt=cutoff)
    student_ids = set(expired.values_list("enrollments__student_id", flat=True).exclude(enrollments__student_id=None))
    purged = expired.count()
    expired.delete()
    purge_expired_exports(now)
    forget_ended_sessions(now)
    User = get_user_model()
    for student in User.objects.filter(pk__in=student_ids, account_type="student", enrollments__isnull=True):
        delete_account(student)
    return purged


def purge_expired_exports(now=None):
    """Delete exports older than EXPORT_LIFETIME: they name students and their results. Run nightly by
    purge_archived_classes, so no new schedule is needed."""
    from .exports import expired_exports

    deleted, _per_model = expired_exports(now).delete()
    return deleted
