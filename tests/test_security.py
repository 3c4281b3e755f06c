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

from wagtail.models import Locale

from classrooms.models import Classroom, Enrollment, LessonProgress, School
from classrooms.tasks import purge_archived_classes
from quizzes.attempts import open_attempt, submit
from tests.conftest import ROOT
from tests.factories import (
    CurriculumIndexPageFactory,
    LessonPageFactory,
    ModulePageFactory,
    QuizPageFactory,
    reflection_text,
    single_choice,
    site_root,
)

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def english_pages():
    """A published English curriculum index, with a module, a lesson and a quiz (a single-choice question
    and a reflection) under it: (index, lesson, quiz)."""
    index = CurriculumIndexPageFactory(parent=site_root().get_translation(Locale.objects.get(language_code="en")))
    lesson = LessonPageFactory(parent=ModulePageFactory(parent=index))
    quiz = QuizPageFactory(parent=lesson, questions=json.dumps([single_choice(), reflection_text()]))
    return index, lesson, quiz


@pytest.fixture
def korean_lesson():
    """A published Korean lesson (under a module under a curriculum index under the Korean home page)."""
    return LessonPageFactory()


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
    index, lesson, quiz = english_pages()
    for url in (
        "/ko/",
        index.url,
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


# -- login lockout (issue 13 #4, #16, #17) -----------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """users.lockout's clock, moved by hand: waits are tested without sleeping."""
    import users.lockout

    now = {"t": 1_900_000_000.0}
    monkeypatch.setattr(users.lockout.time, "time", lambda: now["t"])
    return now


def login(client, name, password):
    return client.post("/en/accounts/login/", {"login": name, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def test_username_and_email_share_one_budget_per_account(make_teacher, clock):
    make_teacher("budget-teacher", email="budget@school.example")
    client = Client()
    typed = ("budget-teacher", "BUDGET-TEACHER", "budget@school.example", "Budget@School.Example", "budget-teacher")
    for name in typed:
        login(client, name, "wrong")
    # Five failures, whatever was typed: the account waits, by username and by email address alike.
    for name in ("budget-teacher", "budget@school.example"):
        response = login(client, name, "correct-horse-battery")
        assert not signed_in(client)
        assert "Wait 15 seconds" in response.content.decode()
    clock["t"] += 16
    assert login(client, "BUDGET@school.example", "correct-horse-battery").status_code == 302
    assert signed_in(client)


def test_the_wait_grows_tries_during_it_are_not_counted_and_it_ends(make_user, clock):
    make_user("slow-student")
    client = Client()
    for _ in range(5):
        login(client, "slow-student", "wrong")
    for _ in range(20):  # refused without a password check: the wait does not grow
        assert "Wait 15 seconds" in login(client, "slow-student", "wrong").content.decode()
    clock["t"] += 16
    login(client, "slow-student", "wrong")  # the sixth counted failure
    assert "Wait 30 seconds" in login(client, "slow-student", "correct-horse-battery").content.decode()
    for _ in range(10):
        clock["t"] += 1000
        login(client, "slow-student", "wrong")
    # Capped: a stranger cannot make the account wait longer than five minutes.
    assert "Wait 5 minutes" in login(client, "slow-student", "correct-horse-battery").content.decode()
    clock["t"] += 301
    login(client, "slow-student", "correct-horse-battery")
    assert signed_in(client)


def test_unknown_names_wait_like_known_ones(clock):
    client = Client()
    for _ in range(5):
        login(client, "Nobody-Here", "wrong")
    assert "Wait 15 seconds" in login(client, "nobody-here", "wrong").content.decode()


def test_a_lock_is_per_account_not_per_address(make_user, clock):
    make_user("victim")
    make_user("classmate")
    client = Client(REMOTE_ADDR="198.51.100.4")
    for _ in range(5):
        login(client, "victim", "wrong")
    response = login(Client(REMOTE_ADDR="198.51.100.4"), "classmate", "correct-horse-battery")
    assert response.status_code == 302


def test_the_holder_is_told_teachers_by_email_students_at_next_sign_in(make_teacher, make_user, clock):
    from django.core import mail

    make_teacher("told-teacher", email="told@school.example")
    make_user("told-student")
    for name in ("told-teacher", "told-student"):
        for _ in range(5):
            login(Client(), name, "wrong")
    assert [message.to for message in mail.outbox] == [["told@school.example"]]
    assert "told-teacher" in mail.outbox[0].body
    clock["t"] += 16
    client = Client()
    response = client.post(
        "/en/accounts/login/", {"login": "told-student", "password": "correct-horse-battery"}, follow=True
    )
    assert "someone typed a wrong password for your account" in response.content.decode()
    # Told once: the next sign-in is quiet.
    again = Client().post(
        "/en/accounts/login/", {"login": "told-student", "password": "correct-horse-battery"}, follow=True
    )
    assert "someone typed a wrong password" not in again.content.decode()


def test_the_delete_account_password_counts_in_the_same_budget(make_user, clock):
    student = make_user("oracle-student")
    session = Client()
    session.force_login(student)
    for _ in range(5):
        session.post("/en/learn/my-data/delete/", {"password": "wrong"})
    response = session.post("/en/learn/my-data/delete/", {"password": "correct-horse-battery"}, follow=True)
    assert "Wait 15 seconds" in response.content.decode()
    assert get_user_model().objects.filter(pk=student.pk).exists()
    assert not signed_in_after(login(Client(), "oracle-student", "correct-horse-battery"))


def test_allauths_reauthentication_counts_in_the_same_budget(make_user, clock):
    student = make_user("reauth-student")
    session = Client()
    session.force_login(student)
    for _ in range(5):
        session.post("/en/accounts/reauthenticate/", {"password": "wrong"})
    response = session.post("/en/accounts/reauthenticate/", {"password": "correct-horse-battery"})
    assert "Wait 15 seconds" in response.content.decode()
    assert not signed_in_after(login(Client(), "reauth-student", "correct-horse-battery"))


def signed_in_after(response):
    return response.status_code == 302


# -- one login, with two-factor (issue 13 #1) ---------------------------------------------------------------------


def totp_code(secret):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.fixture
def totp_teacher(make_teacher):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    teacher = make_teacher("totp-teacher", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(teacher, secret)
    return teacher, secret


def test_the_wagtail_login_creates_no_session_and_sends_to_allauth(totp_teacher):
    teacher, _secret = totp_teacher
    client = Client()
    response = client.post("/cms/login/", {"username": teacher.username, "password": "correct-horse-battery"})
    assert not signed_in(client)
    assert response.status_code == 302 and response["Location"].startswith("/ko/accounts/login/?next=")
    assert client.get("/en/teach/").status_code == 302
    assert client.get("/cms/").status_code == 302
    # The admin sends people to the same login, keeping where they were going.
    response = Client().get("/cms/pages/")
    assert "/accounts/login/" in response["Location"] and "next=/cms/pages/" in response["Location"]
    assert Client().get("/cms/login/?next=https://evil.example/")["Location"].endswith("next=%2Fcms%2F")


def test_a_session_that_skipped_the_second_factor_is_logged_out(totp_teacher):
    teacher, _secret = totp_teacher
    client = Client()
    client.force_login(teacher)  # what Wagtail's login view, or any other login(), would do
    response = client.get("/en/teach/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not signed_in(client)


def test_allauth_login_with_the_code_works_and_the_password_alone_does_not(totp_teacher):
    teacher, secret = totp_teacher
    client = Client()
    response = login(client, teacher.username, "correct-horse-battery")
    assert "/2fa/authenticate/" in response["Location"]
    assert client.get("/en/teach/").status_code == 302  # not signed in yet
    response = client.post(response["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/en/teach/").status_code == 200
    assert client.get("/cms/").status_code == 200


# -- data rights -----------------------------------------------------------------------------------------------


@pytest.fixture
def classroom_with_student(make_user, korean_lesson):
    teacher = make_user("privacy-teacher", account_type="teacher", email="p@school.example")
    EmailAddress.objects.create(user=teacher, email=teacher.email, verified=True, primary=True)
    school = School.objects.create(name="Privacy School")
    classroom = Classroom.objects.create(school=school, name="p", audience_band="middle_school")
    classroom.teachers.add(teacher)
    student = make_user("privacy-student", display_name="별명")
    Enrollment.objects.create(classroom=classroom, student=student)
    quiz = QuizPageFactory(parent=korean_lesson, questions=json.dumps([single_choice(), reflection_text()]))
    answers = {block.id: "내 생각" if block.block_type.startswith("reflection") else [] for block in quiz.questions}
    submit(open_attempt(student, quiz), answers)
    lesson = korean_lesson
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
    assert "no-store" in response["Cache-Control"]


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


# -- sign-up, requests, headers, teacher notes (issue 13 #9, #11–#15, and the "Also" items) ----------------------


def signup(email, password="a-long-passphrase-7"):
    client = Client()
    response = client.post("/en/accounts/signup/", {"email": email, "password1": password, "password2": password})
    return client, response


def test_sign_up_answers_the_same_whether_the_address_has_an_account(make_teacher):
    from django.core import mail

    make_teacher("taken-teacher", email="taken@school.example")
    taken_client, taken = signup("taken@school.example")
    new_client, new = signup("fresh@school.example")
    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    assert sorted(taken.cookies) == sorted(new.cookies)
    assert not signed_in(taken_client) and not signed_in(new_client)
    page_taken = taken_client.get(taken["Location"]).content.decode()
    page_new = new_client.get(new["Location"]).content.decode()
    # The same page, apart from the address the person typed.
    assert page_taken.replace("taken@", "someone@") == page_new.replace("fresh@", "someone@")
    # Each address got one email: the new one a verification link, the taken one a notice to its owner.
    assert sorted(message.to[0] for message in mail.outbox) == ["fresh@school.example", "taken@school.example"]
    assert get_user_model().objects.filter(email__iexact="taken@school.example").count() == 1
    # No username field: a taken username cannot be probed either.
    form = Client().get("/en/accounts/signup/").context["form"]
    assert "username" not in form.fields


@pytest.mark.parametrize(
    "url",
    ["/ko/search/?q=a%00b", "/en/search/?q%00=x", "/ko/?band=%00", "/en/help/?situation=a%00"],
)
def test_a_nul_byte_in_the_query_is_the_400_page_with_the_sites_chrome(url):
    response = Client().get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Request not understood" in page or "요청을" in page or "<main" in page
    assert 'class="quick-exit"' in page  # the site's chrome: the help bar


def test_a_nul_byte_in_a_form_is_the_400_page_and_changes_nothing(classroom_with_student, make_teacher):
    teacher, classroom, _student = classroom_with_student
    make_teacher("nul-co-teacher", email="nul@school.example")
    client = Client()
    client.force_login(teacher)
    response = client.post(f"/en/teach/classes/{classroom.pk}/co-teachers/", {"email": "nul@school.exa\x00mple"})
    assert response.status_code == 400 and 'class="quick-exit"' in response.content.decode()
    assert list(classroom.teachers.values_list("username", flat=True)) == [teacher.username]


def test_a_forged_quiz_form_token_is_a_400(make_user):
    """The quiz form's token (issue 16) replaced the attempt id: anything but a token signed for this quiz is a
    400 page (with Quick Exit), on the page and on the submit URL, and stores nothing."""
    from quizzes.models import QuizAttempt

    student = make_user("attempt-student")
    _index, _lesson, quiz = english_pages()
    client = Client()
    client.force_login(student)
    client.get(quiz.url)
    for token in ("abc", "1.5", "²", "1 OR 1=1", "[1, 2, 3]:forged"):
        for url in (quiz.url, f"/en/learn/quizzes/{quiz.pk}/submit/"):
            response = client.post(url, {"quiz_form": token, "attempt": "1", "revision": "1"})
            assert response.status_code == 400, (url, token)
            assert 'class="quick-exit"' in response.content.decode()
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize("url", ["/en/search/", "/ko/join/", "/en/learn/progress/", "/ko/", "/cms/login/"])
def test_trace_and_made_up_methods_are_refused(url):
    for method in ("TRACE", "TRACK", "CONNECT", "BREW"):
        response = Client().generic(method, url)
        assert response.status_code == 405, (method, url)
        assert "Allow" in response


def test_the_404_language_switcher_never_links_off_the_site():
    response = Client().generic("GET", "/x", PATH_INFO="//evil.example/ko/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "evil.example" not in page
    assert 'href="/en/"' in page
    # An ordinary missing page still switches to the same path in the other language.
    page = Client().get("/ko/no-such-page/?a=1").content.decode()
    assert 'href="/en/no-such-page/?a=1"' in page


def test_help_pages_send_no_referrer_in_the_header_and_the_meta_tag():
    help_page = Client().get("/en/help/")
    assert help_page["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in help_page.content.decode()
    home = Client().get("/en/")
    assert '<meta name="referrer" content="same-origin">' in home.content.decode()


def test_signed_in_pages_are_private_and_not_stored(classroom_with_student, korean_lesson):
    teacher, classroom, student = classroom_with_student
    lesson = korean_lesson
    for user, urls in (
        (student, ["/ko/learn/", lesson.url, "/ko/learn/progress/", "/ko/"]),
        (teacher, [f"/ko/teach/classes/{classroom.pk}/", "/ko/teach/", lesson.url]),
    ):
        client = Client()
        client.force_login(user)
        for url in urls:
            cache_control = client.get(url)["Cache-Control"]
            assert "private" in cache_control and "no-store" in cache_control, (user, url, cache_control)
    assert "no-store" not in Client().get(lesson.url).get("Cache-Control", "")


def test_teacher_notes_only_for_verified_teachers_and_editors(make_user, make_teacher):
    from django.contrib.auth.models import Group

    lesson = LessonPageFactory(teacher_notes="Pause after the scenario: a student may know someone it happened to.")
    unverified = make_user("unverified-teacher", account_type="teacher", email="u@school.example")
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)
    editor = make_user("notes-editor", account_type="staff")
    editor.groups.add(Group.objects.get(name="Editors"))
    seen = {}
    for name, user in (
        ("unverified", unverified),
        ("verified", make_teacher("verified-teacher")),
        ("editor", editor),
        ("student", make_user("notes-student")),
    ):
        client = Client()
        client.force_login(user)
        seen[name] = 'id="teacher-notes"' in client.get(lesson.url).content.decode()
    assert seen == {"unverified": False, "verified": True, "editor": True, "student": False}


def test_a_quiz_opened_by_a_teacher_or_editor_records_no_attempt(make_teacher, make_user):
    from quizzes.models import QuizAttempt

    editor = make_user("quiz-editor", account_type="staff", is_superuser=True, is_staff=True)
    _index, _lesson, quiz = english_pages()
    for user in (make_teacher("quiz-teacher"), editor):
        client = Client()
        client.force_login(user)
        assert client.get(quiz.url).status_code == 200
        assert not QuizAttempt.objects.filter(student=user).exists()
    student = make_user("quiz-student")
    client = Client()
    client.force_login(student)
    html = client.get(quiz.url).content.decode()
    # Since issue 16 a student's GET records nothing either; the form is set up to record (autosave, token).
    assert not QuizAttempt.objects.filter(student=student).exists()
    assert 'name="quiz_form"' in html and "data-autosave-url" in html


# -- the anonymous page cache and the cookie rule (issue 13 #7, #8) ------------------------------------------------


def page_entries():
    from django.core.cache import caches

    return len(caches["pages"]._cache)


def test_query_parameters_a_page_does_not_read_create_no_cache_entries(korean_lesson):
    index, _lesson, _quiz = english_pages()
    url = korean_lesson.url
    assert Client().get(url)["X-Dignity-Cache"] == "miss"
    entries = page_entries()
    for n in range(50):
        response = Client().get(f"{url}?utm_source=x{n}&fbclid={n}")
        assert response["X-Dignity-Cache"] == "hit"
    assert page_entries() == entries
    # A parameter the page does read is its own entry.
    curriculum = Client().get(f"{index.url}?band=high_school")
    assert curriculum["X-Dignity-Cache"] == "miss"
    assert page_entries() > entries


def test_a_cache_hit_is_not_served_to_a_host_that_is_not_allowed(korean_lesson):
    url = korean_lesson.url
    Client().get(url)
    assert Client().get(url)["X-Dignity-Cache"] == "hit"
    response = Client().get(url, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "X-Dignity-Cache" not in response


def test_the_page_cache_is_its_own_bounded_cache():
    from django.conf import settings

    pages = settings.CACHES["pages"]
    assert pages["LOCATION"] != settings.CACHES["default"]["LOCATION"]
    assert pages["OPTIONS"]["MAX_ENTRIES"] <= 5000
    env = {
        **os.environ,
        "DJANGO_PAGE_CACHE_URL": "redis://pages.internal:6380/0",
        "REDIS_URL": "redis://broker:6379/0",
    }
    code = (
        "from django.conf import settings as s; print(s.CACHES['pages']['LOCATION'], s.CACHES['default']['LOCATION'])"  # noqa: E501
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "website.settings.base"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["redis://pages.internal:6380/0", "redis://broker:6379/0"], result.stderr


def test_anonymous_readers_get_no_cookie_on_any_page_they_read():
    index, lesson, quiz = english_pages()
    client = Client()
    quiz_page = client.get(quiz.url)
    action = f"/en/learn/practice/{quiz.pk}/"
    assert f'action="{action}"' in quiz_page.content.decode()
    assert "csrfmiddlewaretoken" not in quiz_page.content.decode()
    answers = {}
    responses = {
        "home": client.get("/en/"),
        "curriculum": client.get(index.url),
        "lesson": client.get(lesson.url),
        "quiz": quiz_page,
        "practice, incomplete": client.post(action, answers),
        "help": client.get("/en/help/"),
        "report": client.get("/en/help/report/"),
        "search": client.get("/ko/search/?q=동의"),
        "404": client.get("/en/no-such-page/"),
        "400": client.get("/en/search/?q=%00"),
        "lesson, again (cached)": Client().get(lesson.url),
    }
    assert responses["practice, incomplete"].status_code == 400
    set_cookies = {name: sorted(response.cookies) for name, response in responses.items() if response.cookies}
    assert set_cookies == {}


def test_anonymous_practice_needs_no_csrf_token_and_stores_nothing():
    from quizzes.models import QuizAttempt
    from quizzes.scoring import questions_of

    _index, _lesson, quiz = english_pages()
    answers = {}
    for question in questions_of(quiz):
        if question.type == "reflection_text":
            answers[f"q-{question.id}"] = "생각"
        elif question.type == "reflection_scale":
            answers[f"q-{question.id}"] = "3"
        else:
            answers[f"q-{question.id}"] = question.choices[0].id
    before = QuizAttempt.objects.count()
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/en/learn/practice/{quiz.pk}/", answers)
    assert response.status_code == 200 and not response.cookies
    assert QuizAttempt.objects.count() == before
    assert Client().get(f"/en/learn/practice/{quiz.pk}/").status_code == 405


def test_forms_that_start_a_sign_in_set_only_a_browser_session_csrf_cookie():
    for url in ("/en/accounts/login/", "/ko/accounts/signup/", "/en/join/", "/en/accounts/password/reset/"):
        response = Client().get(url)
        assert sorted(response.cookies) == ["csrftoken"], url
        cookie = response.cookies["csrftoken"]
        assert cookie["max-age"] == "" and cookie["expires"] == "", url  # gone when the browser closes
        assert cookie["httponly"] and cookie["samesite"] == "Lax", url


# -- Argon2id (issue 16, Deliver 3) ---------------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2id_at_owasps_minimum_and_pbkdf2_upgrades_at_sign_in(make_user):
    from django.conf import settings as django_settings
    from django.contrib.auth.hashers import get_hasher, make_password

    production_hashers = __import__("website.settings.base", fromlist=["PASSWORD_HASHERS"]).PASSWORD_HASHERS
    assert production_hashers[0] == "users.hashers.Argon2idPasswordHasher"
    assert django_settings.PASSWORD_HASHERS != production_hashers  # the test settings hash fast; override below
    with override_settings(PASSWORD_HASHERS=production_hashers):
        hasher = get_hasher("argon2")
        assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2 and hasher.parallelism >= 1
        student = make_user("old-hash-student")
        student.password = make_password("correct-horse-battery", hasher="pbkdf2_sha256")
        student.save()
        assert (
            Client()
            .post("/en/accounts/login/", {"login": "old-hash-student", "password": "correct-horse-battery"})
            .status_code
            == 302
        )
        student.refresh_from_db()
        assert student.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert student.check_password("correct-horse-battery")


@pytest.mark.parametrize("query", ['"', 'a"b', '";--', "동의'", "(", "a OR", "*", "NEAR("])
def test_search_syntax_in_a_query_is_never_a_500(query):
    # Found by the wapiti run in `make audit`: a quote was an FTS5 syntax error on SQLite.
    response = Client(raise_request_exception=True).get("/en/search/", {"q": query})
    assert response.status_code == 200


def test_search_still_finds_words_next_to_punctuation():
    lesson = LessonPageFactory(title="동의 없이 찍지 않기", summary="사진을 찍기 전에 동의를 묻습니다.")
    page = Client().get("/ko/search/", {"q": '"동의"'}).content.decode()
    assert lesson.url in page
