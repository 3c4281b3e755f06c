"""Background jobs are safe: a task run twice leaves what one run leaves, a task queued inside a
transaction that rolls back is never queued, and the worker only acknowledges a task once it has run.

The last test (marked broker) kills a real worker in the middle of a task and checks that the task
still happens, exactly once, after a restart. docs/reliability.md explains each of these.
"""

import json
import os
import re
import signal
import smtplib
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from celery.exceptions import Retry

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from wagtail.models import Page, PageLogEntry, Revision

from classrooms.models import Assignment, Classroom, Enrollment, ProgressExport, School
from classrooms.tasks import archive_classroom, build_progress_export, send_reminder_digests
from lessons.models import LessonPage
from quizzes.attempts import open_attempt, submit
from quizzes.scoring import questions_of
from tests.conftest import ROOT
from tests.factories import (
    CurriculumIndexPageFactory,
    LessonPageFactory,
    ModulePageFactory,
    QuizPageFactory,
    reflection_text,
    single_choice,
)
from website.celery_app import app as celery_app
from website.tasks import ping, publish_scheduled

pytestmark = pytest.mark.no_demo

OUR_APPS = ("users", "support", "lessons", "quizzes", "classrooms", "website")


def database_state():
    """Every row of every model of our apps, plus Wagtail's pages, revisions and log: what a task can change."""
    from wagtail.models import Page

    state = {}
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    state["pages"] = list(Page.objects.order_by("pk").values())
    state["revisions"] = list(Revision.objects.order_by("pk").values("pk", "approved_go_live_at", "object_id"))
    state["page_log"] = PageLogEntry.objects.count()
    return state


def run_twice(task, *args):
    """Run a task as the worker would (apply), twice; return the state after each run."""
    first = task.apply(args=args)
    assert first.successful(), first.traceback
    after_first = database_state()
    second = task.apply(args=args)
    assert second.successful(), second.traceback
    return first.get(), after_first, second.get(), database_state()


@pytest.fixture
def teacher(make_user):
    from allauth.account.models import EmailAddress

    user = make_user("rel-teacher", account_type="teacher", email="rel-teacher@school.example")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def english_module():
    """A live module under the English home (the translation of the default site's root)."""
    english_home = Page.objects.get(depth=2, locale__language_code="en")
    return ModulePageFactory(parent=CurriculumIndexPageFactory(parent=english_home))


@pytest.fixture
def check_quiz():
    """An English lesson's check quiz: a scored question and a reflection."""
    questions = json.dumps([single_choice(choices=("a", "b", "c")), reflection_text()])
    return QuizPageFactory(parent=LessonPageFactory(parent=english_module()), questions=questions)


@pytest.fixture
def classroom(teacher, make_user, check_quiz):
    """A class of three: one passed the quiz, one is half-way, one has not started; the quiz is due in 12 h."""
    school = School.objects.create(name="Reliability School")
    room = Classroom.objects.create(school=school, name="3-1", audience_band="middle_school")
    room.teachers.add(teacher)
    students = [make_user(f"rel-student-{number}") for number in range(3)]
    for student in students:
        Enrollment.objects.create(classroom=room, student=student)
    Assignment.objects.create(
        classroom=room,
        page=check_quiz,
        opens_at=timezone.now() - timedelta(days=1),
        due_at=timezone.now() + timedelta(hours=12),
        assigned_by=teacher,
    )
    right = {q.id: sorted(q.correct_ids) if q.scored else "" for q in questions_of(check_quiz)}
    submit(open_attempt(students[0], check_quiz), right)
    open_attempt(students[1], check_quiz)
    return room


# -- 1. every task, run twice, leaves the state one run leaves ------------------------------------------------


@pytest.mark.django_db
def test_ping_twice_gives_the_same_answer():
    result_one, state_one, result_two, state_two = run_twice(ping, "twice")
    assert result_one == result_two == {"pong": "twice"}
    assert state_one == state_two


@pytest.mark.django_db
def test_publish_scheduled_twice_publishes_and_expires_once():
    lesson, other = LessonPageFactory.create_batch(2, parent=english_module())
    # A change approved to go live a minute ago (what the editor's "publish at" leaves once the time has come).
    lesson.title = "Scheduled change, live now"
    revision = lesson.save_revision()
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    # A live page whose expiry time has passed.
    LessonPage.objects.filter(pk=other.pk).update(expire_at=timezone.now() - timedelta(minutes=1))

    _one, state_one, _two, state_two = run_twice(publish_scheduled)

    lesson.refresh_from_db()
    other.refresh_from_db()
    assert lesson.live_revision_id == revision.pk and lesson.title == "Scheduled change, live now"
    assert other.live is False and other.expired is True
    assert state_one == state_two


@pytest.mark.django_db
def test_build_progress_export_twice_builds_one_csv(classroom, teacher):
    export = ProgressExport.objects.create(classroom=classroom, requested_by=teacher, language="en")

    _one, state_one, _two, state_two = run_twice(build_progress_export, export.pk)

    export.refresh_from_db()
    assert export.status == ProgressExport.Status.READY and export.finished_at is not None
    assert export.content.count("\n") == 1 + 3  # header and one row per student
    assert state_one == state_two  # content and finished_at untouched by the second run


@pytest.mark.django_db
def test_archive_classroom_twice_archives_once(classroom):
    _one, state_one, _two, state_two = run_twice(archive_classroom, classroom.pk)

    classroom.refresh_from_db()
    assert classroom.archived_at is not None and classroom.join_open is False
    assert state_one == state_two  # archived_at keeps the first run's time


@pytest.mark.django_db
def test_send_reminder_digests_twice_leaves_the_database_as_it_was(classroom):
    now = timezone.now().isoformat()
    before = database_state()
    sent_one, state_one, sent_two, state_two = run_twice(send_reminder_digests, now)
    assert (sent_one, sent_two) == (1, 0)
    assert state_one == state_two
    # The only change is the record that today's digest went out.
    assert {k: v for k, v in state_one.items() if k != "classrooms.ReminderDigest"} == {
        k: v for k, v in before.items() if k != "classrooms.ReminderDigest"
    }
    assert len(state_one["classrooms.ReminderDigest"]) == 1


@pytest.mark.django_db
def test_send_reminder_digests_twice_mails_each_teacher_once(classroom):
    now = timezone.now().isoformat()
    send_reminder_digests.apply(args=(now,))
    send_reminder_digests.apply(args=(now,))
    assert len(mail.outbox) == 1


class MailServerDown(BaseEmailBackend):
    """An email backend whose server drops every message, and counts how often it was asked."""

    attempts = 0

    def send_messages(self, email_messages):
        type(self).attempts += 1
        raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")


@pytest.mark.django_db
def test_a_failed_send_keeps_no_claim_and_is_retried(classroom, settings):
    from classrooms.models import ReminderDigest

    now = timezone.now().isoformat()
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    MailServerDown.attempts = 0
    # The task asks Celery to run it again later (run in place here, it surfaces as Retry).
    with pytest.raises(Retry):
        send_reminder_digests.apply(args=(now,))
    assert MailServerDown.attempts == 1
    assert not ReminderDigest.objects.exists()  # the claim went back with the failed send
    # The server is back: the retry mails the teacher, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert send_reminder_digests.apply(args=(now,)).get() == 1
    assert len(mail.outbox) == 1 and ReminderDigest.objects.count() == 1


# -- 2. delay_on_commit: nothing is queued when the transaction rolls back ------------------------------------


class Rollback(Exception):
    pass


def start_export_like_the_view(classroom, teacher, roll_back):
    """classrooms.views.teacher.start_export's two lines, inside a transaction that may roll back."""
    try:
        with transaction.atomic():
            export = ProgressExport.objects.create(classroom=classroom, requested_by=teacher, language="en")
            build_progress_export.delay_on_commit(export.pk)
            if roll_back:
                raise Rollback
    except Rollback:
        return None
    return export


def archive_like_the_view(classroom, teacher, roll_back):
    try:
        with transaction.atomic():
            archive_classroom.delay_on_commit(classroom.pk)
            if roll_back:
                raise Rollback
    except Rollback:
        return None
    return classroom


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("task", "queue_it"),
    [(build_progress_export, start_export_like_the_view), (archive_classroom, archive_like_the_view)],
    ids=["build_progress_export", "archive_classroom"],
)
@pytest.mark.parametrize("roll_back", [False, True], ids=["committed", "rolled-back"])
def test_delay_on_commit_queues_only_what_commits(
    task, queue_it, roll_back, classroom, teacher, django_capture_on_commit_callbacks
):
    with mock.patch.object(task, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            made = queue_it(classroom, teacher, roll_back)
    if roll_back:
        assert made is None
        assert callbacks == [] and apply_async.call_count == 0
        assert not ProgressExport.objects.filter(classroom=classroom).exists()
    else:
        # The positive control: the same code, committed, queues the task exactly once with its argument.
        assert len(callbacks) == 1 and apply_async.call_count == 1
        assert apply_async.call_args.args[0] == (made.pk,)


@pytest.mark.django_db
def test_the_export_view_queues_nothing_when_its_transaction_rolls_back(
    classroom, teacher, django_capture_on_commit_callbacks
):
    from django.test import Client

    client = Client()
    client.force_login(teacher)
    with mock.patch.object(build_progress_export, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    response = client.post(f"/en/teach/classes/{classroom.pk}/export/")
                    assert response.status_code == 302
                    raise Rollback
            except Rollback:
                pass
    assert callbacks == [] and apply_async.call_count == 0
    assert not ProgressExport.objects.filter(classroom=classroom).exists()
    # Positive control: the same request, committed, queues it once.
    with mock.patch.object(build_progress_export, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/en/teach/classes/{classroom.pk}/export/")
    export = ProgressExport.objects.get(classroom=classroom)
    assert apply_async.call_count == 1 and apply_async.call_args.args[0] == (export.pk,)


# -- 3. the worker acknowledges a task after it ran, and gives it back if it dies -----------------------------


def test_tasks_are_acknowledged_late_and_given_back_when_the_worker_is_lost():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert celery_app.conf.task_acks_late is True and celery_app.conf.task_reject_on_worker_lost is True
    for task in (ping, publish_scheduled, build_progress_export, archive_classroom, send_reminder_digests):
        assert task.acks_late is True, task.name
        assert task.reject_on_worker_lost is True, task.name


# -- 4. a real worker killed mid-task: the task still happens, exactly once ------------------------------------

SEED = """
from classrooms.models import Classroom, Enrollment, ProgressExport, School
from users.models import User

teacher = User.objects.create(username="kill-teacher", account_type="teacher")
room = Classroom.objects.create(school=School.objects.create(name="Kill"), name="1-1", audience_band="middle_school")
room.teachers.add(teacher)
Enrollment.objects.create(classroom=room, student=User.objects.create(username="kill-student"))
print("EXPORT", ProgressExport.objects.create(classroom=room, requested_by=teacher, language="en").pk)
"""


def start_worker(queue, env, log_path):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "website",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--logfile",
            str(log_path),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def forget_queue(client, queue):
    """Leave nothing of the test's queue in Redis, not even an unacknowledged message a later worker would restore."""
    for tag, raw in client.hgetall("unacked").items():
        if json.loads(raw)[-1] == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.fixture
def worker_database():
    """A throwaway PostgreSQL database, migrated and seeded with one pending export, that a worker can see.

    Not the test session's database: that one lives in rolled-back transactions the worker cannot read.
    """
    import psycopg2

    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if url.scheme not in {"postgres", "postgresql"}:
        pytest.skip("needs DATABASE_URL on PostgreSQL (the worker and the test share a database)")
    name = f"dignity_killtest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = psycopg2.connect(url._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": url._replace(path=f"/{name}").geturl(),
        # The test settings, with Redis giving an unacknowledged task back after 5 s instead of an hour.
        "DJANGO_SETTINGS_MODULE": "bench.reliability.worker_settings",
    }
    try:
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
        seeded = subprocess.run(
            [*manage, "shell", "--no-imports", "-c", SEED],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
            capture_output=True,
            text=True,
        )
        export_id = int(re.search(r"EXPORT (\d+)", seeded.stdout).group(1))
        yield env, export_id
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.broker
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (runs in CI on Redis)")
def test_a_task_whose_worker_is_killed_runs_exactly_once_after_a_restart(worker_database, tmp_path):
    """build_progress_export on a seeded export; the worker is SIGKILLed while the task waits on a table lock
    (so it has started and written nothing), then restarted: the task is handed back and runs, once."""
    import psycopg2
    import redis

    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    env, export_id = worker_database
    queue = f"reliability-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    database = psycopg2.connect(env["DATABASE_URL"])
    workers = []
    try:
        # Hold the export table: the task blocks on its first query, running and with nothing written.
        with database.cursor() as cursor:
            cursor.execute("LOCK TABLE classrooms_progressexport IN ACCESS EXCLUSIVE MODE")
        workers.append(start_worker(queue, env, logs[0]))
        result = build_progress_export.apply_async(args=(export_id,), queue=queue)

        def task_blocked():
            with database.cursor() as cursor:
                # pg_stat_activity is read once per transaction unless told to look again.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' "
                    "AND query ILIKE '%classrooms_progressexport%'"
                )
                return cursor.fetchone()[0]

        wait_for(task_blocked, 60, "the worker to start the task")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        database.rollback()  # release the table; the killed worker's query ends with its connection

        def export_status():
            with database.cursor() as cursor:
                cursor.execute("SELECT status, content FROM classrooms_progressexport WHERE id = %s", [export_id])
                row = cursor.fetchone()
            database.rollback()
            return row

        assert export_status()[0] == ProgressExport.Status.PENDING
        workers.append(start_worker(queue, env, logs[1]))
        wait_for(lambda: export_status()[0] == ProgressExport.Status.READY, 90, "the task to run after a restart")
        time.sleep(3)  # longer than the 1 s redelivery sweep: a duplicate delivery would show in the log
        workers[1].terminate()
        workers[1].wait(timeout=20)

        status, content = export_status()
        assert status == ProgressExport.Status.READY and "kill-student" in content
        task = re.escape(f"classrooms.tasks.build_progress_export[{result.id}]")
        first, second = (log.read_text() for log in logs)
        assert len(re.findall(task + " received", first)) == 1
        assert not re.search(task + " succeeded", first)
        assert len(re.findall(task + " received", second)) == 1
        assert len(re.findall(task + " succeeded", second)) == 1
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
        database.close()
        forget_queue(redis.Redis.from_url(settings.CELERY_BROKER_URL), queue)
