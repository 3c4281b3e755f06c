"""The bench's simulated students are signed in the way a real student is (bench/prepare.py): their sessions
hold what signing in through the form leaves, and they are in the session cache as a sign-in puts them there.
Otherwise every simulated request pays work no real student's request pays, and the bench measures that."""

import pytest

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import prepare

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def test_a_prepared_session_holds_what_signing_in_through_the_form_leaves(make_user):
    student = make_user("bench-session-student")
    client = Client()
    response = client.post("/en/accounts/login/", {"login": student.username, "password": "correct-horse-battery"})
    assert response.status_code == 302
    signed_in = dict(client.session.items())
    prepared = prepare.session_data(student)
    at = signed_in["account_authentication_methods"][0]["at"]
    assert prepare.session_data(student, at=at) == signed_in
    assert prepared.keys() == signed_in.keys()


def test_a_prepared_session_is_served_from_the_cache_and_never_written_again(make_user):
    student = make_user("bench-cached-student")
    store, cache_key = prepare.session_storage()
    assert cache_key is not None, "the site's sessions are cached_db: a prepared session must be cached too"
    key = "benchsession0123456789abcdefghij"
    data = prepare.session_data(student)
    Session.objects.create(
        session_key=key, session_data=store.encode(data), expire_date=timezone.now() + timezone.timedelta(days=1)
    )
    prepare.cache_sessions({cache_key(key): data})
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/learn/")
    assert response.status_code == 200
    assert response.wsgi_request.user == student
    session_table = Session._meta.db_table
    assert [query["sql"] for query in queries.captured_queries if session_table in query["sql"]] == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # nothing in the session changed
