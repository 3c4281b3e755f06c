"""Security and privacy: hardened deployment, login lockout on every path, students' data rights,
retention, and guardian consent for under-14s."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import models
from django.test import Client, override_settings
from django.utils import timezone

from classrooms.models import Classroom, Enrollment, LessonProgress, School
from classrooms.tasks import purge_archived_classes
from lessons.models import LessonPage
from quizzes.attempts import open_attempt, submit
from quizzes.models import QuizPage
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def test_check_deploy_has_no_warnings():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="website.settings.production",
        DJANGO_SECRET_KEY="k" * 64 + "Zq9!x",
        DJANGO_ALLOWED_HOSTS="dignity.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_security_headers_on_every_page_type():
    client = Client()
    assert client.get("/ko/").status_code == 301  # plain HTTP goes to HTTPS
    lesson = LessonPage.objects.live().first()
    quiz = QuizPage.objects.live().first()
    for url in (
        "/ko/",
        "/en/curriculum/",
        lesson.url,
        quiz.url,
        "/ko/help/",
        "/en/help/report/",
        "/ko/accounts/login/",
        "/en/join/",
        "/ko/search/?q=x",
        "/ko/nothing-here/",
    ):
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), url
        assert "max-age=31536000" in response["Strict-Transport-Security"], url
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_session_cookie_is_secure_and_httponly_and_rotates(make_user):
    make_user("cookie-student")
    client = Client()
    client.get("/en/accounts/login/", secure=True)
    client.cookies["sessionid"] = "attacker-chosen"
    response = client.post(
        "/en/accounts/login/", {"login": "cookie-student", "password": "correct-horse-battery"}, secure=True
    )
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie.value != "attacker-chosen"
    session_key = cookie.value
    # A browser-session cookie (no Max-Age), and on the server the session lasts a school day at most.
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    from django.contrib.sessions.models import Session as StoredSession

    stored = StoredSession.objects.get(session_key=session_key)
    assert timedelta(hours=9) < stored.expire_date - timezone.now() <= timedelta(hours=10)
    client.post("/en/accounts/logout/", secure=True)
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()


def test_wagtail_admin_is_csp_relaxed_only_there(admin_client):
    response = admin_client.get("/cms/")
    assert "unsafe-inline" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in Client().get("/ko/")["Content-Security-Policy"]


def test_django_admin_is_not_mounted():
    for path in ("/django-admin/", "/admin/"):
        assert Client().get(path, follow=True).status_code == 404
    from django.conf import settings

    assert "django.contrib.admin" not in settings.INSTALLED_APPS


# -- login lockout ---------------------------------------------------------------------------------------------


def test_five_failures_lock_the_account_on_the_people_login(make_user):
    make_user("locked-student")
    client = Client()
    for _ in range(5):
        client.post("/en/accounts/login/", {"login": "locked-student", "password": "wrong"})
    response = client.post("/en/accounts/login/", {"login": "locked-student", "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login" in response.content.decode()


def test_five_failures_lock_the_account_on_the_wagtail_admin_login(make_user):
    editor = make_user("locked-editor", account_type="staff", is_superuser=True, is_staff=True)
    client = Client()
    for _ in range(5):
        client.post("/cms/login/", {"username": editor.username, "password": "wrong"})
    response = client.post("/cms/login/", {"username": editor.username, "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session
    assert [error.code for error in response.context["form"].non_field_errors().as_data()] == ["locked"]


def test_a_lock_is_per_account_not_per_address(make_user):
    make_user("victim")
    make_user("classmate")
    client = Client(REMOTE_ADDR="198.51.100.4")
    for _ in range(5):
        client.post("/en/accounts/login/", {"login": "victim", "password": "wrong"})
    response = Client(REMOTE_ADDR="198.51.100.4").post(
        "/en/accounts/login/", {"login": "classmate", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302


# -- data rights -----------------------------------------------------------------------------------------------


@pytest.fixture
def classroom_with_student(make_user):
    teacher = make_user("privacy-teacher", account_type="teacher", email="p@school.example")
    EmailAddress.objects.create(user=teacher, email=teacher.email, verified=True, primary=True)
    school = School.objects.create(name="Privacy School")
    classroom = Classroom.objects.create(school=school, name="p", audience_band="middle_school")
    classroom.teachers.add(teacher)
    student = make_user("privacy-student", display_name="별명")
    Enrollment.objects.create(classroom=classroom, student=student)
    quiz = QuizPage.objects.live().filter(locale__language_code="ko").first()
    answers = {block.id: "내 생각" if block.block_type.startswith("reflection") else [] for block in quiz.questions}
    submit(open_attempt(student, quiz), answers)
    lesson = LessonPage.objects.live().first()
    LessonProgress.objects.create(student=student, lesson=lesson, lesson_key=lesson.translation_key)
    return teacher, classroom, student


def test_student_downloads_all_their_data(classroom_with_student):
    _teacher, _classroom, student = classroom_with_student
    client = Client()
    client.force_login(student)
    response = client.get("/ko/learn/my-data/?download=1")
    data = json.loads(response.content)
    assert data["account"]["username"] == "privacy-student" and data["account"]["display_name"] == "별명"
    assert data["classes"][0]["class"] == "p"
    assert data["lessons"] and data["quiz_attempts"][0]["answers"]
    assert response["Cache-Control"] == "no-store"


def test_teacher_downloads_and_deletes_on_the_students_behalf(classroom_with_student):
    teacher, classroom, student = classroom_with_student
    client = Client()
    client.force_login(teacher)
    base = f"/ko/teach/classes/{classroom.pk}/students/{student.pk}"
    assert json.loads(client.get(f"{base}/data/").content)["account"]["username"] == student.username
    client.post(f"{base}/delete/", {"confirm": "wrong-name"})
    assert get_user_model().objects.filter(pk=student.pk).exists()
    client.post(f"{base}/delete/", {"confirm": student.username})
    assert not get_user_model().objects.filter(pk=student.pk).exists()


def rows_pointing_at(user_id):
    """Every row of every model that refers to the user, through any foreign key or many-to-many."""
    User = get_user_model()
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "related_model", None) is not User or field.auto_created and not field.concrete:
                continue
            if isinstance(field, models.ForeignKey | models.OneToOneField):
                if model.objects.filter(**{field.attname: user_id}).exists():
                    found.append(f"{model._meta.label}.{field.name}")
            elif isinstance(field, models.ManyToManyField):
                if model.objects.filter(**{field.name: user_id}).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found


def test_deleting_a_student_leaves_no_row_tied_to_them(classroom_with_student):
    _teacher, _classroom, student = classroom_with_student
    client = Client()
    client.force_login(student)
    client.get("/ko/learn/")  # a session and log rows may exist
    assert rows_pointing_at(student.pk)  # the walk sees them before deletion
    client.post("/ko/learn/my-data/delete/", {"password": "wrong"})
    assert get_user_model().objects.filter(pk=student.pk).exists()
    client.post("/ko/learn/my-data/delete/", {"password": "correct-horse-battery"})
    assert not get_user_model().objects.filter(pk=student.pk).exists()
    assert rows_pointing_at(student.pk) == []
    from django.contrib.sessions.models import Session

    assert not any(str(s.get_decoded().get("_auth_user_id")) == str(student.pk) for s in Session.objects.all())


def test_retention_purges_old_archived_classes(classroom_with_student, make_user, settings):
    settings.DIGNITY_RETENTION_DAYS = 365
    _teacher, classroom, student = classroom_with_student
    stays = make_user("in-two-classes")
    Enrollment.objects.create(classroom=classroom, student=stays)
    other = Classroom.objects.create(school=classroom.school, name="current", audience_band="middle_school")
    Enrollment.objects.create(classroom=other, student=stays)
    classroom.archived_at = timezone.now() - timedelta(days=300)
    classroom.save()
    assert purge_archived_classes.apply().get() == 0  # not old enough yet
    classroom.archived_at = timezone.now() - timedelta(days=366)
    classroom.save()
    assert purge_archived_classes.apply().get() == 1
    assert purge_archived_classes.apply().get() == 0  # safe to run twice
    assert not Classroom.objects.filter(pk=classroom.pk).exists()
    assert not get_user_model().objects.filter(pk=student.pk).exists()
    assert get_user_model().objects.filter(pk=stays.pk).exists()


# -- under 14 -----------------------------------------------------------------------------------------------------


def test_under_14_class_code_works_only_after_consent_is_recorded(classroom_with_student):
    teacher, classroom, _student = classroom_with_student
    classroom.has_under_14 = True
    classroom.save()
    response = Client().post("/en/join/", {"code": classroom.join_code})
    assert response.status_code == 400 and "guardian" in response.content.decode()
    client = Client()
    client.force_login(teacher)
    client.post(f"/en/teach/classes/{classroom.pk}/consent/", {"collected_by": "", "collected_on": ""})
    classroom.refresh_from_db()
    assert classroom.needs_guardian_consent
    future = (date.today() + timedelta(days=3)).isoformat()
    client.post(f"/en/teach/classes/{classroom.pk}/consent/", {"collected_by": "Ms Kim", "collected_on": future})
    classroom.refresh_from_db()
    assert classroom.needs_guardian_consent
    client.post(
        f"/en/teach/classes/{classroom.pk}/consent/",
        {"collected_by": "Ms Kim (homeroom)", "collected_on": date.today().isoformat()},
    )
    classroom.refresh_from_db()
    assert not classroom.needs_guardian_consent
    assert Client().post("/en/join/", {"code": classroom.join_code}).status_code == 302


# -- static checks ------------------------------------------------------------------------------------------------


def bandit_high(path, *extra):
    bandit = os.path.join(os.path.dirname(sys.executable), "bandit")
    run = subprocess.run(
        [bandit, "-r", str(path), "-f", "json", "-q", "--severity-level", "high", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    return [(r["test_id"], r["filename"], r["line_number"]) for r in json.loads(run.stdout)["results"]]


def test_bandit_finds_no_high_severity_issue_in_our_code(tmp_path):
    # The positive control: bandit does flag a shell command built from input as high severity.
    bad = "import subprocess\n\n\ndef run(name):\n    subprocess.call('ls ' + name, shell=True)\n"
    (tmp_path / "bad.py").write_text(bad)
    assert [test_id for test_id, _f, _l in bandit_high(tmp_path)] == ["B602"]
    exclude = ",".join(str(ROOT / name) for name in (".venv", "var", "tests", "node_modules"))
    assert bandit_high(ROOT, "-x", exclude) == []
