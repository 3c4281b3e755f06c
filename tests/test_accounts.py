"""Accounts: rate limits that let a class log in together, MFA for teachers (the demo class: test_demo_loader.py)."""

import pytest

from django.core.cache import cache
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def test_a_class_of_30_logs_in_from_one_school_address_within_a_minute(make_user):
    students = [make_user(f"class-member-{i:02d}") for i in range(30)]
    for student in students:
        response = Client(REMOTE_ADDR="203.0.113.7").post(
            "/ko/accounts/login/", {"login": student.username, "password": "correct-horse-battery"}
        )
        assert response.status_code == 302, student.username


def test_a_class_with_typos_still_logs_in_from_one_school_address(make_user):
    # A real class mistypes: a third of 30 students get their password wrong once before they get it right.
    students = [make_user(f"typo-member-{i:02d}") for i in range(30)]
    for number, student in enumerate(students):
        client = Client(REMOTE_ADDR="203.0.113.9")
        if number % 3 == 0:
            client.post("/ko/accounts/login/", {"login": student.username, "password": "correct-horse-batery"})
        response = client.post("/ko/accounts/login/", {"login": student.username, "password": "correct-horse-battery"})
        assert response.status_code == 302, student.username


def test_repeated_failures_for_one_account_are_limited(make_user):
    student = make_user("target-account")
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(6):
        client.post("/en/accounts/login/", {"login": student.username, "password": "wrong"})
    response = client.post("/en/accounts/login/", {"login": student.username, "password": "correct-horse-battery"})
    assert response.status_code == 200  # the form again, not a login
    assert "Too many wrong passwords for this account" in response.content.decode()  # users.lockout
    assert "_auth_user_id" not in client.session


def test_teachers_can_turn_on_totp(make_user):
    from allauth.account.models import EmailAddress

    teacher = make_user("mfa-teacher", account_type="teacher", email="m@school.example")
    EmailAddress.objects.create(user=teacher, email=teacher.email, verified=True, primary=True)
    client = Client()
    client.force_login(teacher)
    assert client.get("/en/accounts/2fa/").status_code == 200
    # Turning MFA on asks for the password again first.
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    response = client.post(response["Location"], {"password": "correct-horse-battery"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("/accounts/2fa/totp/activate/")
    assert 'id="authenticator_secret"' in response.content.decode()
