"""Sessions indexed by user through allauth's usersessions (issue 17, finding 6): every sign-in is
indexed, and logging someone out everywhere (account deletion, a teacher's password reset, allauth's
"sign out other sessions") is one DELETE that never decodes anyone's session."""

import pytest
from allauth.usersessions.models import UserSession

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from classrooms.models import Classroom, Enrollment, School
from classrooms.privacy import delete_account
from users.sessions import UserSessionsAdapter, end_sessions

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def signed_in(user, count=1):
    """`count` separate browsers signed in as `user`, through the test client (no client address)."""
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def session_keys(user):
    return set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))


def test_signing_in_through_the_form_indexes_the_session(make_user):
    student = make_user("form-student")
    client = Client()
    response = client.post("/en/accounts/login/", {"login": "form-student", "password": "correct-horse-battery"})
    assert response.status_code == 302
    key = client.cookies["sessionid"].value
    row = UserSession.objects.get(session_key=key)
    assert row.user == student and row.ip == "127.0.0.1"
    assert Session.objects.filter(session_key=key).exists()


def test_a_direct_sign_in_without_a_client_address_is_indexed_too(make_user):
    student = make_user("direct-student")
    (client,) = signed_in(student)
    assert session_keys(student) == {client.session.session_key}


def test_end_sessions_is_one_delete_and_decodes_no_session(make_user):
    student, other = make_user("leaving"), make_user("staying")
    signed_in(student, 3)
    staying = signed_in(other, 2)
    with CaptureQueriesContext(connection) as queries:
        end_sessions(student)
    session_statements = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    assert len(session_statements) == 1 and session_statements[0].startswith("DELETE")
    assert session_keys(student) == set()
    assert Session.objects.filter(session_key__in=[c.session.session_key for c in staying]).count() == 2
    assert set(Session.objects.values_list("session_key", flat=True)) == session_keys(other)


def test_end_sessions_can_keep_the_current_one(make_user):
    student = make_user("keeper")
    here, elsewhere = signed_in(student, 2)
    end_sessions(student, keep=here.session.session_key)
    assert set(Session.objects.values_list("session_key", flat=True)) == {here.session.session_key}
    assert elsewhere.get("/en/learn/").status_code == 302  # signed out there


def test_the_same_queries_for_deletion_however_many_sessions_the_site_holds(make_user):
    def deletion_queries(name, others):
        for n in range(others):
            signed_in(make_user(f"{name}-other-{n}"))
        student = make_user(name)
        signed_in(student)
        with CaptureQueriesContext(connection) as queries:
            delete_account(student)
        assert not Session.objects.filter(session_key__in=session_keys(student)).exists()
        sql = [q["sql"] for q in queries.captured_queries]
        assert not [s for s in sql if s.startswith("SELECT") and "django_session" in s]  # none read, none decoded
        return len(queries.captured_queries)

    assert deletion_queries("few", 1) == deletion_queries("many", 8)


def test_account_deletion_signs_the_student_out_everywhere(make_user):
    student = make_user("deleted-student")
    clients = signed_in(student, 2)
    keys = {c.session.session_key for c in clients}
    delete_account(student)
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(session_key__in=keys).exists()


def test_a_teachers_password_reset_signs_the_student_out_everywhere(make_user, make_teacher):
    teacher, student = make_teacher("resetting-teacher"), make_user("reset-student")
    school = School.objects.create(name="S")
    classroom = Classroom.objects.create(school=school, name="c", audience_band="middle_school")
    classroom.teachers.add(teacher)
    Enrollment.objects.create(classroom=classroom, student=student)
    (phone,) = signed_in(student)
    key = phone.session.session_key
    teacher_client = Client()
    teacher_client.force_login(teacher)
    response = teacher_client.post(f"/en/teach/classes/{classroom.pk}/students/{student.pk}/reset-password/")
    assert response.status_code == 200
    assert not Session.objects.filter(session_key=key).exists() and session_keys(student) == set()
    assert session_keys(teacher)  # the teacher's own session stays


def test_the_nightly_purge_forgets_ended_sessions_and_their_addresses(make_user):
    from datetime import timedelta

    from django.utils import timezone

    from classrooms.tasks import purge_archived_classes

    ended, current = make_user("yesterday"), make_user("today")
    (old,) = signed_in(ended)
    signed_in(current)
    Session.objects.filter(session_key=old.session.session_key).update(expire_date=timezone.now() - timedelta(hours=1))
    purge_archived_classes.apply().get()  # as the worker runs it (beat, 3 am)
    assert session_keys(ended) == set() and not Session.objects.filter(session_key=old.session.session_key).exists()
    assert len(session_keys(current)) == 1 and Session.objects.filter(session_key__in=session_keys(current)).exists()
    purge_archived_classes.apply().get()  # safe to run twice
    assert len(session_keys(current)) == 1


def test_the_adapter_signs_out_other_sessions_in_one_delete(make_user):
    student = make_user("many-browsers")
    signed_in(student, 4)
    sessions = list(UserSession.objects.filter(user=student))
    with CaptureQueriesContext(connection) as queries:
        UserSessionsAdapter().end_sessions(sessions[1:])
    assert sum("django_session" in q["sql"] for q in queries.captured_queries) == 1
    assert session_keys(student) == {sessions[0].session_key}
    assert set(Session.objects.values_list("session_key", flat=True)) == {sessions[0].session_key}


def test_the_sessions_page_signs_out_the_other_browsers(make_user):
    student = make_user("page-student")
    here = Client()
    here.post("/en/accounts/login/", {"login": "page-student", "password": "correct-horse-battery"})
    (elsewhere,) = signed_in(student)
    assert here.get("/en/accounts/sessions/").status_code == 200
    response = here.post("/en/accounts/sessions/", {"action": "logout"})
    assert response.status_code == 302
    assert session_keys(student) == {here.cookies["sessionid"].value}
    assert elsewhere.get("/en/learn/").status_code == 302
