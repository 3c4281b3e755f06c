"""website.db.postgresql's prepared statements (issue 16): a signed-in student's lesson state is one statement on
every page, planned once per connection instead of on every execution. Same answers as the plain statement, one
PREPARE per connection, and it stays right through a rollback, a pooler that drops the session's statements and a
new connection. The PostgreSQL run of the suite (.ci/run) goes through them everywhere (website/settings/test.py)."""

import pytest

from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.utils import timezone

from classrooms import progress
from classrooms.models import LessonProgress
from tests.factories import LessonPageFactory, QuizPageFactory
from website.db.postgresql import base

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

NAME = "dignity_lesson_state"

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's (the CI's second run)"
)


def test_placeholders_are_numbered_and_nothing_else_is_taken_for_one():
    numbered = base._numbered("SELECT %s, a FROM t WHERE b = %s AND c = %s")
    assert numbered == "SELECT $1, a FROM t WHERE b = $2 AND c = $3"
    assert base._numbered("SELECT 1") == "SELECT 1"
    with pytest.raises(ValueError):
        base._numbered("SELECT %s WHERE a LIKE 'x%'")


def prepared_here():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def state(student, page, quiz=None):
    return progress.student_lesson_state(student, page.pk, page.translation_key, quiz and quiz.translation_key)


@on_postgresql
def test_the_prepared_statement_answers_as_the_plain_one_and_is_prepared_once(make_user, monkeypatch):
    assert connection.settings_dict.get("PREPARE_STATEMENTS")  # the suite's PostgreSQL settings turn it on
    page = LessonPageFactory()
    quiz = QuizPageFactory(parent=page)
    prepared, plain = make_user("prepared-student"), make_user("plain-student")

    first = state(prepared, page, quiz)
    assert NAME in prepared_here()
    with monkeypatch.context() as plainly:
        plainly.setitem(connection.settings_dict, "PREPARE_STATEMENTS", False)
        assert state(plain, page, quiz) == first  # a first visit: recorded as started, the rest not yet
        LessonProgress.objects.filter(student=plain).update(completed_at=timezone.now())
        completed_plainly = state(plain, page, quiz)
    LessonProgress.objects.filter(student=prepared).update(completed_at=timezone.now())
    assert state(prepared, page, quiz) == completed_plainly == {**first, "completed": True}

    prepares = []
    # On the wrapper itself: monkeypatch restores an attribute of Django's connection proxy by deleting it.
    wrapper = connections[DEFAULT_DB_ALIAS]
    monkeypatch.setattr(wrapper, "prepared", _Recording(wrapper.prepared, prepares))
    state(prepared, page, quiz)
    state(make_user("third-student"), page, quiz)
    assert prepares == []  # planned once per connection, not per request


class _Recording(dict):
    def __init__(self, existing, log):
        super().__init__(existing)
        self.log = log

    def __setitem__(self, key, value):
        self.log.append(key)
        super().__setitem__(key, value)


@on_postgresql
def test_a_statement_prepared_in_a_rolled_back_transaction_is_still_there(make_user):
    page = LessonPageFactory()
    student = make_user("rolled-back")
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.prepared = {}

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        state(student, page)
        raise Undo
    assert NAME in connection.prepared and NAME in prepared_here()  # PostgreSQL does not undo a PREPARE
    assert state(student, page)["started"] is True


@on_postgresql
def test_after_a_pooler_drops_the_statements_one_request_fails_and_the_next_prepares_again(make_user):
    page = LessonPageFactory()
    student = make_user("discarded")
    state(student, page)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what DISCARD ALL does to them
    with pytest.raises(OperationalError), transaction.atomic():
        state(student, page)
    assert connection.prepared == {}
    assert state(student, page)["started"] is True
    assert NAME in prepared_here()


@on_postgresql
def test_a_new_connection_starts_with_nothing_prepared_and_it_is_off_unless_asked_for():
    settings = {**connection.settings_dict, "PREPARE_STATEMENTS": False}
    other = base.DatabaseWrapper(settings, alias="prepared-statements-test")
    try:
        other.ensure_connection()
        with other.cursor() as cursor:
            other.execute_prepared(cursor, "dignity_probe", "SELECT %s + 1", ["integer"], [41])
            assert cursor.fetchone()[0] == 42
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] == 0
        other.settings_dict["PREPARE_STATEMENTS"] = True
        with other.cursor() as cursor:
            other.execute_prepared(cursor, "dignity_probe", "SELECT %s + 1", ["integer"], [1])
            assert cursor.fetchone()[0] == 2
        assert other.prepared == {"dignity_probe": "SELECT %s + 1"}
        other.connection.close()
        other.connection = None
        other.connect()
        assert other.prepared == {}
        with pytest.raises(ValueError):
            other.execute_prepared(other.cursor(), "probe; DROP TABLE x", "SELECT %s", ["integer"], [1])
    finally:
        if other.connection is not None:
            other.connection.close()
            other.connection = None


def test_every_parameter_of_the_lesson_state_has_a_type():
    sql = progress._state_recording_started_sql()
    assert sql.count("%s") == len(progress._state_parameter_types())
