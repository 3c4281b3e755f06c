"""Hostile input from students and teachers: script in every text field they can fill is escaped on
every page that shows it; oversized fields, bodies and uploads get a clear message and store nothing;
a nickname that looks like a spreadsheet formula cannot run in the teacher's CSV."""

import csv
import io
import json
from datetime import date

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from classrooms.models import Assignment, Classroom, Enrollment, ProgressExport, School
from classrooms.tasks import build_progress_export
from lessons.models import CurriculumImage
from quizzes.attempts import open_attempt
from quizzes.models import Answer, QuizAttempt
from quizzes.scoring import questions_of
from tests.conftest import client_for
from tests.factories import LessonPageFactory, QuizPageFactory, reflection_text, single_choice
from tests.quiz_forms import open_quiz, save_url, submit_url

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def teacher(make_teacher):
    return make_teacher("hostile-teacher")


def reflection_quiz():
    """A Korean check quiz with a free-text reflection question, under a middle-school lesson."""
    return QuizPageFactory(questions=json.dumps([single_choice(), reflection_text()]))


def test_script_in_every_text_field_is_escaped_on_every_page_that_shows_it(teacher):
    teacher_client = client_for(teacher)
    # The teacher fills every free-text field of a class: its name, a new school's name and region,
    # and who collected the guardians' consent.
    response = teacher_client.post(
        "/en/teach/classes/new/",
        {
            "name": PAYLOAD,
            "audience_band": "middle_school",
            "has_under_14": "on",
            "school_name": PAYLOAD,
            "school_level": "middle",
            "school_region": PAYLOAD,
        },
    )
    assert response.status_code == 302
    classroom = Classroom.objects.get(teachers=teacher)
    assert classroom.name == PAYLOAD and classroom.school.name == PAYLOAD and classroom.has_under_14
    teacher_client.post(
        f"/en/teach/classes/{classroom.pk}/consent/",
        {"collected_by": PAYLOAD, "collected_on": date.today().isoformat()},
    )
    classroom.refresh_from_db()
    assert classroom.guardian_consent_by == PAYLOAD

    # A student joins with a nickname full of markup and writes it into a reflection.
    student_client = Client()
    assert student_client.post("/en/join/", {"code": classroom.join_code}).status_code == 302
    response = student_client.post(
        "/en/join/account/",
        {
            "username": "curious-otter-7",
            "display_name": PAYLOAD[:60],
            "password1": "a-long-pass-77",
            "password2": "a-long-pass-77",
        },
    )
    assert response.status_code == 302
    student = Enrollment.objects.get(classroom=classroom).student
    quiz = reflection_quiz()
    lesson = quiz.get_parent().specific
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=timezone.now() + timezone.timedelta(days=3))
    Assignment.objects.create(classroom=classroom, page=quiz, due_at=timezone.now() + timezone.timedelta(days=3))
    form = open_quiz(student_client, quiz)
    reflection = next(q for q in questions_of(quiz) if q.type == "reflection_text")
    # Only the reflection is answered: the form comes back with it kept (and shown) and the rest missing.
    page = student_client.post(submit_url(quiz), {f"q-{reflection.id}": PAYLOAD, **form})
    assert page.status_code == 400
    attempt = QuizAttempt.objects.get(student=student, quiz=quiz)
    assert Answer.objects.get(attempt=attempt, question_id=reflection.id).text == PAYLOAD

    base = f"/en/teach/classes/{classroom.pk}"
    pages = {
        "teacher: my classes": teacher_client.get("/en/teach/"),
        "teacher: class": teacher_client.get(f"{base}/"),
        "teacher: join sheet": teacher_client.get(f"{base}/join-sheet/"),
        "teacher: progress matrix": teacher_client.get(f"{base}/progress/"),
        "teacher: one student": teacher_client.get(f"{base}/students/{student.pk}/"),
        "teacher: quiz analysis": teacher_client.get(f"{base}/quizzes/{quiz.pk}/"),
        "student: quiz with the kept reflection": page,
        "student: reopened quiz": student_client.get(quiz.url),
        "student: my learning": student_client.get("/en/learn/"),
        "student: my data": student_client.get("/en/learn/my-data/"),
    }
    shown = set()
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, name
        if ESCAPED[:40] in html:
            shown.add(name)
    # Every field reaches at least one page, escaped: class and school on the teacher's pages, the
    # nickname in the matrix and on the student's page, the reflection in the student's own form.
    assert {"teacher: class", "teacher: progress matrix", "teacher: one student", "student: reopened quiz"} <= shown
    assert "student: my learning" in shown  # the class's name on the student's assignments


def test_a_formula_for_a_nickname_cannot_run_in_the_teachers_spreadsheet(teacher, make_user):
    school = School.objects.create(name="Formula School")
    classroom = Classroom.objects.create(school=school, name="=1+2", audience_band="middle_school")
    classroom.teachers.add(teacher)
    for name in ('=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1)", "plain"):
        student = make_user(f"formula-{Enrollment.objects.count()}", display_name=name)
        Enrollment.objects.create(classroom=classroom, student=student)
    lesson = LessonPageFactory()
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=timezone.now() + timezone.timedelta(days=1))
    client_for(teacher).post(f"/ko/teach/classes/{classroom.pk}/export/")
    export = ProgressExport.objects.get(classroom=classroom)
    build_progress_export.apply(args=[export.pk])  # what the worker runs (in CI the job goes to Redis)
    export.refresh_from_db()
    rows = list(csv.reader(io.StringIO(export.content)))
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == sorted(['\'=HYPERLINK("http://evil.example","x")', "'+1", "'-2", "'@SUM(A1)", "plain"])


# -- oversized input -----------------------------------------------------------------------------------------------


def test_a_body_over_the_form_limit_gets_a_clear_413_and_nothing_is_stored(teacher):
    school = School.objects.create(name="Big School")
    classroom = Classroom.objects.create(school=school, name="big", audience_band="middle_school")
    response = Client().post("/en/join/", {"code": classroom.join_code, "padding": "x" * 3_000_000})
    assert response.status_code == 413
    html = response.content.decode()
    assert "too large" in html and "nothing was saved" in html
    assert 'class="quick-exit' in html  # the site's chrome, with help and Quick Exit
    # In Korean too.
    korean = Client().post("/ko/join/", {"code": classroom.join_code, "padding": "x" * 3_000_000})
    assert korean.status_code == 413 and "저장되지 않았" in korean.content.decode()
    # The same code, sent at a normal size, works: the refusal was about size only.
    assert Client().post("/en/join/", {"code": classroom.join_code}).status_code == 302


def upload_image(admin_client, size):
    """An editor uploads a PNG-looking file of `size` bytes; returns the response and whether an image was stored."""
    before = CurriculumImage.objects.count()
    file = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * size, content_type="image/png")
    response = admin_client.post("/cms/images/add/", {"title": "big", "file": file})
    return response, CurriculumImage.objects.count() != before


@override_settings(DIGNITY_MAX_REQUEST_BYTES=50_000)
def test_an_upload_over_the_request_cap_is_refused_before_it_is_read(admin_client):
    response, stored = upload_image(admin_client, 100_000)
    assert response.status_code == 413 and not stored


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=1_000)
def test_an_image_over_the_image_limit_gets_a_form_message(admin_client):
    response, stored = upload_image(admin_client, 5_000)
    assert response.status_code == 200 and not stored
    # Wagtail's own message, in the editor's language (Korean here): "this file is too big (4.9 KB)…"
    [error] = response.context["form"].errors["file"]
    assert "너무 큽니다" in error and error in response.content.decode()


def test_overlong_text_fields_get_a_message_and_store_nothing(teacher):
    client = client_for(teacher)
    response = client.post(
        "/en/teach/classes/new/",
        {"name": "x" * 121, "audience_band": "middle_school", "school_name": "S", "school_level": "middle"},
    )
    assert response.status_code == 400 and "at most 120 characters" in response.content.decode()
    assert not Classroom.objects.exists() and not School.objects.exists()

    school = School.objects.create(name="Long School")
    classroom = Classroom.objects.create(school=school, name="long", audience_band="middle_school")
    joiner = Client()
    joiner.post("/en/join/", {"code": classroom.join_code})
    response = joiner.post(
        "/en/join/account/",
        {
            "username": "long-name-1",
            "display_name": "n" * 61,
            "password1": "a-long-pass-77",
            "password2": "a-long-pass-77",
        },
    )
    assert response.status_code in (200, 400) and "at most 60 characters" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_an_overlong_reflection_is_refused_and_nothing_is_saved(make_user):
    student = make_user("long-reflection")
    client = client_for(student)
    quiz = reflection_quiz()
    form = open_quiz(client, quiz)
    reflection = next(q for q in questions_of(quiz) if q.type == "reflection_text")
    data = {f"q-{reflection.id}": "a" * 4001, **form}
    response = client.post(submit_url(quiz), data)
    assert response.status_code == 400
    assert "4,000" in response.content.decode() or "4000" in response.content.decode()
    assert not QuizAttempt.objects.filter(student=student).exists() and not Answer.objects.exists()
    # Autosave refuses it the same way, the form's own and the older per-attempt one.
    autosave = client.post(save_url(quiz), data)
    assert autosave.status_code == 400 and autosave.json()["error"] == "too_long"
    assert not QuizAttempt.objects.filter(student=student).exists()
    attempt = open_attempt(student, quiz)
    data.update(attempt=attempt.pk, revision=attempt.revision_id)
    autosave = client.post(f"/ko/learn/attempts/{attempt.pk}/save/", data)
    assert autosave.status_code == 400 and autosave.json()["error"] == "too_long"
    assert not Answer.objects.filter(attempt=attempt).exists()
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.IN_PROGRESS
