"""The signed-in user read from the shared cache (users/cached_user.py, issue 16): the copy is used only while it is
certainly the user Django would load, and every change to the account retires it."""

import pytest

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for
from tests.test_cluster_resilience import DEAD_REDIS, LOCAL
from users.cached_user import COPY_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

HOME = "/ko/learn/"  # the student's own page: 200 signed in, a redirect to sign in otherwise


def signed_in(client):
    response = client.get(HOME)
    return response.status_code == 200


def test_the_copy_is_kept_after_the_first_request_and_then_read(make_user):
    student = make_user("copy-reader")
    client = client_for(student)
    with CaptureQueriesContext(connection) as first:
        assert signed_in(client)
    assert cache.get(COPY_KEY.format(student.pk)).pk == student.pk
    with CaptureQueriesContext(connection) as again:
        assert signed_in(client)
    reads = [
        [q["sql"] for q in run.captured_queries if 'FROM "users_user" WHERE "users_user"."id"' in q["sql"]]
        for run in (first, again)
    ]
    assert len(reads[0]) == 1 and reads[1] == [], reads


def test_a_password_change_elsewhere_signs_the_old_session_out(make_user):
    student = make_user("copy-password")
    client = client_for(student)
    assert signed_in(client)  # the copy is kept
    student.set_password("a-new-long-password-2026")
    student.save()
    assert cache.get(COPY_KEY.format(student.pk)) is None
    assert not signed_in(client)


def test_a_deactivated_account_is_signed_out_at_once(make_user):
    student = make_user("copy-inactive")
    client = client_for(student)
    assert signed_in(client)
    student.is_active = False
    student.save()
    assert not signed_in(client)


def test_a_deleted_account_is_signed_out(make_user):
    student = make_user("copy-deleted")
    client = client_for(student)
    assert signed_in(client)
    student.delete()
    assert cache.get(COPY_KEY.format(student.pk)) is None
    assert not signed_in(client)


def test_a_stale_copy_with_another_password_is_not_used(make_user):
    """A copy whose password differs from the session's (a drop that was lost) fails Django's hash check and the
    database decides: the session stays valid, and the copy is replaced by the current user."""
    student = make_user("copy-stale")
    client = client_for(student)
    assert signed_in(client)
    stale = get_user_model().objects.get(pk=student.pk)
    stale.set_password("some-other-password-9999")
    cache.set(COPY_KEY.format(student.pk), stale)
    assert signed_in(client)
    assert cache.get(COPY_KEY.format(student.pk)).password == student.password


def test_a_copy_of_someone_else_is_never_used(make_user):
    student, other = make_user("copy-owner"), make_user("copy-other")
    client = client_for(student)
    # The wrong user under this id, even with the same password hash (so the session's hash would match): refused
    # by its own primary key.
    other.password = student.password
    cache.set(COPY_KEY.format(student.pk), other)
    response = client.get("/ko/learn/my-data/?download=1")
    assert response.status_code == 200
    assert b'"copy-owner"' in response.content and b'"copy-other"' not in response.content


def test_an_inactive_copy_is_not_used(make_user):
    """A copy that says inactive is never the user: Django's own get_user decides (here: the account was deactivated
    by an UPDATE that no signal saw, so the database says inactive too, and the session is signed out)."""
    student = make_user("copy-inactive-copy")
    client = client_for(student)
    assert signed_in(client)
    copy = cache.get(COPY_KEY.format(student.pk))
    copy.is_active = False
    cache.set(COPY_KEY.format(student.pk), copy)
    get_user_model().objects.filter(pk=student.pk).update(is_active=False)
    assert not signed_in(client)


def test_the_copy_is_dropped_again_when_the_change_commits(make_user, django_capture_on_commit_callbacks):
    student = make_user("copy-commit")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        student.save()
        cache.set(COPY_KEY.format(student.pk), student)  # a reader kept the row from before the commit
    assert callbacks
    assert cache.get(COPY_KEY.format(student.pk)) is None


def test_with_the_cache_cut_off_the_user_comes_from_the_database(make_user):
    student = make_user("copy-no-cache")
    client = client_for(student)
    with override_settings(CACHES={"default": DEAD_REDIS, "local": LOCAL}):
        assert signed_in(client)
        assert signed_in(client)
