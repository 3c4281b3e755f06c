"""Classes, joining by code, assignments, the progress matrix, exports and access rules."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress

from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classrooms.analysis import class_question_analysis
from classrooms.models import Assignment, Classroom, Enrollment, LessonProgress, ProgressExport, School
from classrooms.progress import Status, build_matrix
from classrooms.tasks import build_progress_export, send_reminder_digests
from lessons.models import LessonPage, ModulePage
from quizzes.attempts import open_attempt, submit
from quizzes.scoring import questions_of
from tests.conftest import client_for
from tests.factories import (
    CurriculumIndexPageFactory,
    LessonPageFactory,
    ModulePageFactory,
    QuizPageFactory,
    reflection_scale,
    reflection_text,
    single_choice,
    site_root,
)

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def teacher(make_teacher):
    return make_teacher("teacher-a", email="a@school.example")


@pytest.fixture
def other_teacher(make_teacher):
    return make_teacher("teacher-b", email="b@school.example")


@pytest.fixture
def classroom(teacher):
    school = School.objects.create(name="Test Middle School")
    room = Classroom.objects.create(school=school, name="2-3", audience_band="middle_school")
    room.teachers.add(teacher)
    return room


def check_questions():
    """Two scored questions (the first with two wrong choices) and both kinds of reflection."""
    return json.dumps(
        [
            single_choice(choices=("right", "wrong", "also wrong")),
            single_choice(prompt="And this one?", choices=("yes", "no")),
            reflection_text(),
            reflection_scale(),
        ]
    )


@pytest.fixture
def curriculum(ko, en):
    """A Korean curriculum and its English translation: one module for middle and high school holding a
    middle-school lesson with its check quiz and a high-school lesson."""
    pages = {}
    for locale in (ko, en):
        home = site_root().get_translation(locale)
        ko_pages = pages.get("ko", {})

        def key(name, ko_pages=ko_pages):
            return {"translation_key": ko_pages[name].translation_key} if ko_pages else {}

        tree = {"index": CurriculumIndexPageFactory(parent=home, **key("index"))}
        tree["module"] = ModulePageFactory(parent=tree["index"], for_high_school=True, **key("module"))
        tree["lesson"] = LessonPageFactory(parent=tree["module"], **key("lesson"))
        title = "확인 퀴즈" if locale == ko else "Check quiz"
        tree["quiz"] = QuizPageFactory(parent=tree["lesson"], title=title, questions=check_questions(), **key("quiz"))
        tree["high_school"] = LessonPageFactory(parent=tree["module"], audience="high_school", **key("high_school"))
        pages[locale.language_code] = tree
    return pages


@pytest.fixture
def lesson(curriculum):
    return curriculum["ko"]["lesson"]


@pytest.fixture
def check_quiz(curriculum):
    return curriculum["ko"]["quiz"]


def enrol(classroom, make_user, count, prefix="s"):
    students = [make_user(f"{prefix}{i:03d}") for i in range(count)]
    Enrollment.objects.bulk_create([Enrollment(classroom=classroom, student=s) for s in students])
    return students


def correct_answers(quiz):
    return {q.id: sorted(q.correct_ids) if q.scored else "" for q in questions_of(quiz)}


# -- joining ---------------------------------------------------------------------------------------------------


def test_student_joins_with_a_code_and_needs_no_email(classroom):
    client = Client()
    response = client.post("/ko/join/", {"code": classroom.formatted_code.lower()})
    assert response.status_code == 302 and response["Location"].endswith("/join/account/")
    page = client.get("/ko/join/account/")
    suggestion = page.context["form"]["username"].value()
    assert suggestion and "-" in suggestion
    response = client.post(
        "/ko/join/account/",
        {
            "username": "quiet-otter-11",
            "display_name": "",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    student = Enrollment.objects.get(classroom=classroom).student
    assert student.username == "quiet-otter-11" and student.email == "" and student.is_student
    assert Client().login(username="quiet-otter-11", password="a-long-passphrase-7")


def test_wrong_code_gives_a_clear_message_and_changes_nothing(classroom):
    response = Client().post("/en/join/", {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 400
    assert "We do not know that code" in response.content.decode()
    assert Enrollment.objects.count() == 0


def test_closed_code_is_refused(classroom):
    classroom.join_open = False
    classroom.save()
    response = Client().post("/en/join/", {"code": classroom.join_code})
    assert "not taking new students" in response.content.decode()


def test_regenerated_code_stops_the_old_one(classroom, teacher):
    old = classroom.join_code
    client_for(teacher).post(f"/en/teach/classes/{classroom.pk}/code/", {"action": "regenerate"})
    classroom.refresh_from_db()
    assert classroom.join_code != old
    assert "We do not know that code" in Client().post("/en/join/", {"code": old}).content.decode()
    assert Client().post("/en/join/", {"code": classroom.join_code}).status_code == 302


def test_repeated_wrong_guesses_are_rate_limited(classroom):
    client = Client()
    for _ in range(10):
        client.post("/en/join/", {"code": "WRONG123"})
    response = client.post("/en/join/", {"code": classroom.join_code})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()


def test_username_already_taken(classroom, make_user):
    make_user("taken-name")
    client = Client()
    client.post("/en/join/", {"code": classroom.join_code})
    response = client.post(
        "/en/join/account/",
        {"username": "taken-name", "password1": "a-long-passphrase-7", "password2": "a-long-passphrase-7"},
    )
    assert response.status_code == 400
    assert "That username is taken" in response.content.decode()
    assert Enrollment.objects.count() == 0


def test_joining_the_same_class_twice(classroom, make_user):
    student = make_user("joiner")
    client = client_for(student)
    client.post("/en/join/", {"code": classroom.join_code})
    response = client.post("/en/join/", {"code": classroom.join_code}, follow=True)
    assert "already in this class" in response.content.decode()
    assert Enrollment.objects.filter(classroom=classroom, student=student).count() == 1


def test_join_codes_are_unambiguous_and_unique():
    school = School.objects.create(name="S")
    codes = {
        Classroom.objects.create(school=school, name=str(i), audience_band="high_school").join_code for i in range(50)
    }
    assert len(codes) == 50
    assert not set("".join(codes)) & set("01OIL")


# -- teacher views and access ----------------------------------------------------------------------------------


def test_teacher_creates_a_class_and_sees_its_code(teacher):
    client = client_for(teacher)
    response = client.post(
        "/en/teach/classes/new/",
        {"name": "1-1", "audience_band": "high_school", "school_name": "Hana High", "school_level": "high"},
    )
    classroom = Classroom.objects.get(name="1-1")
    assert response["Location"].endswith(f"/teach/classes/{classroom.pk}/")
    html = client.get(response["Location"]).content.decode()
    assert classroom.formatted_code in html
    assert classroom.formatted_code in client.get(f"/en/teach/classes/{classroom.pk}/join-sheet/").content.decode()


def test_unverified_teacher_is_asked_to_verify(make_user, classroom):
    unverified = make_user("teacher-c", account_type="teacher", email="c@school.example")
    classroom.teachers.add(unverified)
    response = client_for(unverified).get(f"/en/teach/classes/{classroom.pk}/")
    assert response.status_code == 403
    assert "Verify your email" in response.content.decode()


def test_teacher_b_cannot_open_teacher_a_things(classroom, other_teacher, make_user, lesson, check_quiz, teacher):
    student = enrol(classroom, make_user, 1)[0]
    assignment = Assignment.objects.create(classroom=classroom, page=lesson, due_at=timezone.now() + timedelta(1))
    export = ProgressExport.objects.create(classroom=classroom, requested_by=teacher)
    client = client_for(other_teacher)
    base = f"/en/teach/classes/{classroom.pk}"
    for url in (
        f"{base}/",
        f"{base}/progress/",
        f"{base}/join-sheet/",
        f"{base}/assign/",
        f"{base}/students/{student.pk}/",
        f"/en/teach/exports/{export.pk}/",
        f"{base}/quizzes/{check_quiz.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"{base}/students/{student.pk}/reset-password/",
        f"{base}/students/{student.pk}/remove/",
        f"{base}/assignments/{assignment.pk}/remove/",
        f"{base}/export/",
        f"{base}/code/",
    ):
        assert client.post(url, {"action": "regenerate"}).status_code == 404, url
    assert Enrollment.objects.filter(student=student).exists()
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_student_id_from_another_class_is_a_404(classroom, teacher, make_user):
    other_school = School.objects.create(name="Other")
    other_class = Classroom.objects.create(school=other_school, name="x", audience_band="middle_school")
    outsider = enrol(other_class, make_user, 1, prefix="o")[0]
    client = client_for(teacher)
    assert client.get(f"/en/teach/classes/{classroom.pk}/students/{outsider.pk}/").status_code == 404
    assert client.post(f"/en/teach/classes/{classroom.pk}/students/{outsider.pk}/reset-password/").status_code == 404


def test_students_and_anonymous_cannot_use_teacher_views(classroom, make_user):
    student = enrol(classroom, make_user, 1)[0]
    assert client_for(student).get("/en/teach/").status_code == 403
    assert client_for(student).post(f"/en/teach/classes/{classroom.pk}/export/").status_code == 403
    assert Client().get("/en/teach/").status_code == 302
    assert ProgressExport.objects.count() == 0


def test_teacher_resets_a_students_password_shown_once(classroom, teacher, make_user):
    student = enrol(classroom, make_user, 1)[0]
    response = client_for(teacher).post(f"/en/teach/classes/{classroom.pk}/students/{student.pk}/reset-password/")
    password = response.context["password"]
    assert "no-store" in response["Cache-Control"]
    assert Client().login(username=student.username, password=password)


def test_teacher_removes_a_student(classroom, teacher, make_user):
    student = enrol(classroom, make_user, 1)[0]
    client_for(teacher).post(f"/en/teach/classes/{classroom.pk}/students/{student.pk}/remove/")
    assert not Enrollment.objects.filter(student=student).exists()


def test_assign_offers_only_the_class_band_and_refuses_bad_input(classroom, teacher, lesson):
    client = client_for(teacher)
    url = f"/en/teach/classes/{classroom.pk}/assign/"
    form = client.get(url).context["form"]
    offered = {pk for _group, items in form.fields["page"].choices for pk, _label in items}
    high_school = LessonPage.objects.filter(audience="high_school").values_list("pk", flat=True)
    assert not offered & set(high_school)
    english_lesson = lesson.get_translation(lesson.locale.__class__.objects.get(language_code="en"))
    assert english_lesson.pk in offered
    now = timezone.localtime()
    ok = {
        "page": english_lesson.pk,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "due_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert client.post(url, ok).status_code == 302
    again = client.post(url, ok)
    assert again.status_code == 400 and "already has that item" in again.content.decode()
    backwards = {
        **ok,
        "page": next(iter(offered - {english_lesson.pk})),
        "due_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post(url, backwards)
    assert response.status_code == 400 and "must be after" in response.content.decode()
    outside = {**ok, "page": high_school[0]}
    assert client.post(url, outside).status_code == 400
    assert Assignment.objects.filter(classroom=classroom).count() == 1


# -- progress -------------------------------------------------------------------------------------------------


def test_progress_rules_and_matrix(
    classroom, make_user, lesson, check_quiz, teacher, django_capture_on_commit_callbacks
):
    alice, bob, carol, dave = enrol(classroom, make_user, 4)
    # They were all in the class before the module's due date (a late joiner is never overdue).
    Enrollment.objects.filter(classroom=classroom).update(joined_at=timezone.now() - timedelta(days=10))
    module = lesson.get_parent().specific
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=timezone.now() + timedelta(days=2))
    Assignment.objects.create(classroom=classroom, page=check_quiz, due_at=timezone.now() + timedelta(days=2))
    Assignment.objects.create(
        classroom=classroom,
        page=module,
        opens_at=timezone.now() - timedelta(days=5),
        due_at=timezone.now() - timedelta(days=1),
    )
    Assignment.objects.filter(page=module).update(created_at=timezone.now() - timedelta(days=5))
    # Alice opens the lesson; Bob passes its check quiz (completes it); Carol marks it done in English.
    client_for(alice).get(lesson.url)
    with django_capture_on_commit_callbacks(execute=True):
        submit(open_attempt(bob, check_quiz), correct_answers(check_quiz))
    english = lesson.get_translation(lesson.locale.__class__.objects.get(language_code="en"))
    client_for(carol).post(f"/en/learn/lessons/{english.pk}/done/")
    matrix = build_matrix(classroom)
    position = {column.page.pk: index for index, column in enumerate(matrix.columns)}
    rows = {student.username: cells for student, cells in matrix.rows}

    def cell(student, page):
        return rows[student.username][position[page.pk]]

    assert cell(alice, lesson).status == Status.IN_PROGRESS
    assert cell(bob, lesson).status == Status.COMPLETED
    assert cell(bob, lesson).best == cell(bob, lesson).max_score
    assert cell(carol, lesson).status == Status.COMPLETED
    assert cell(dave, lesson).status == Status.NOT_STARTED
    assert cell(bob, check_quiz).status == Status.COMPLETED
    assert cell(dave, module).status == Status.OVERDUE
    assert matrix.columns[position[lesson.pk]].completed == 2
    html = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/progress/").content.decode()
    assert "completed when the student marks it done or passes its check quiz" in html
    # Each student's row links to their page and shows each cell's status and best score.
    bob_row = re.search(
        rf'<tr><th scope="row"><a href="/en/teach/classes/{classroom.pk}/students/{bob.pk}/">[^<]*</a></th>(.*?)</tr>',
        html,
    )
    assert bob_row, "Bob's row links to his page"
    cells = re.findall(r'<td class="status status--(\w+)">(.*?)</td>', bob_row.group(1))
    assert [status for status, _text in cells] == [matrix_cell.status for matrix_cell in rows[bob.username]]
    lesson_text = cells[position[lesson.pk]][1]
    best = cell(bob, lesson)
    assert lesson_text == f"Completed<br>{best.best}/{best.max_score}"
    # The module is its one middle-school lesson for this class: Bob's check quiz completed it.
    assert cells[position[module.pk]] == ("completed", f"Completed (1/1)<br>{best.best}/{best.max_score}")


def test_matrix_uses_the_same_number_of_queries_whatever_the_size(teacher, make_user, lesson, check_quiz):
    counts = {}
    index = lesson.get_parent().get_parent()
    for _module in range(5):
        module = ModulePageFactory(parent=index)
        for _lesson in range(3):
            LessonPageFactory(parent=module)
    modules = list(ModulePage.objects.descendant_of(index))
    others = LessonPage.objects.descendant_of(index).exclude(pk=lesson.pk)
    pages = [lesson, check_quiz] + modules + list(others)[:12]
    for students, items in ((1, 1), (30, 1), (300, 1), (30, 20)):
        school = School.objects.create(name=f"S{students}-{items}")
        room = Classroom.objects.create(school=school, name="m", audience_band="middle_school")
        people = enrol(room, make_user, students, prefix=f"m{students}-{items}-")
        for page in pages[:items]:
            Assignment.objects.create(classroom=room, page=page, due_at=timezone.now() + timedelta(days=1))
        for person in people[:5]:
            LessonProgress.objects.create(student=person, lesson=lesson, lesson_key=lesson.translation_key)
        with CaptureQueriesContext(connection) as queries:
            matrix = build_matrix(room)
        assert len(matrix.rows) == students and len(matrix.columns) == items
        counts[(students, items)] = len(queries)
    assert counts[(1, 1)] == counts[(30, 1)] == counts[(300, 1)]
    assert counts[(30, 20)] <= counts[(30, 1)] + 4  # at most one query per page type present, never per item


def test_one_students_page(classroom, teacher, make_user, check_quiz):
    student = enrol(classroom, make_user, 1)[0]
    submit(open_attempt(student, check_quiz), correct_answers(check_quiz))
    html = client_for(teacher).get(f"/ko/teach/classes/{classroom.pk}/students/{student.pk}/").content.decode()
    assert check_quiz.title in html  # the Korean title to a teacher reading in Korean


def test_per_question_analysis_and_reflections_only_as_totals(classroom, make_user, check_quiz, teacher):
    students = enrol(classroom, make_user, 4)
    questions = questions_of(check_quiz)
    first = next(q for q in questions if q.scored)
    wrong = next(c for c in first.choices if not c.correct)
    for position, student in enumerate(students):
        answers = correct_answers(check_quiz)
        if position < 3:
            answers[first.id] = [wrong.id]
        for q in questions:
            if not q.scored:
                answers[q.id] = "3" if q.type == "reflection_scale" else "private words of a student"
        submit(open_attempt(student, check_quiz), answers)
    statistics = {q.id: q for q in class_question_analysis(classroom, check_quiz).questions}
    assert statistics[first.id].share_right == 25
    assert (statistics[first.id].top_wrong_text, statistics[first.id].top_wrong_count) == (wrong.text, 3)
    reflections = [q for q in statistics.values() if not q.scored]
    url = f"/en/teach/classes/{classroom.pk}/quizzes/{check_quiz.pk}/"
    html = client_for(teacher).get(url).content.decode()
    assert "private words of a student" not in html
    if reflections:
        assert all(q.reflection_hidden for q in reflections)  # 4 < 5 answered
        late = enrol(classroom, make_user, 1, prefix="late")[0]
        answers = correct_answers(check_quiz)
        for q in questions:
            if not q.scored:
                answers[q.id] = "3" if q.type == "reflection_scale" else "private words of a student"
        submit(open_attempt(late, check_quiz), answers)
        questions_now = class_question_analysis(classroom, check_quiz).questions
        assert not any(q.reflection_hidden for q in questions_now if not q.scored)
        scales = [q for q in questions_now if q.type == "reflection_scale"]
        assert all(q.scale_counts["3"] == 5 for q in scales)
        assert "private words of a student" not in client_for(teacher).get(url).content.decode()


def test_csv_export_is_built_in_the_background_with_a_bom(classroom, teacher, make_user, check_quiz):
    student = enrol(classroom, make_user, 1)[0]
    student.display_name = "민준"
    student.save()
    Assignment.objects.create(classroom=classroom, page=check_quiz, due_at=timezone.now() + timedelta(days=2))
    submit(open_attempt(student, check_quiz), correct_answers(check_quiz))
    client = client_for(teacher)
    client.post(f"/ko/teach/classes/{classroom.pk}/export/")
    export = ProgressExport.objects.get(classroom=classroom)
    build_progress_export.apply(args=[export.pk])  # what the worker runs; eager mode ran it already
    build_progress_export.apply(args=[export.pk])  # safe to run twice
    export.refresh_from_db()
    assert export.status == "ready"
    response = client.get(f"/ko/teach/exports/{export.pk}/")
    body = b"".join(response) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][0] == student.username and rows[1][1] == "민준"
    assert "private" not in body.decode("utf-8-sig")


def test_reminder_digest_counts_unfinished_students(classroom, teacher, make_user, lesson):
    enrol(classroom, make_user, 5)
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=timezone.now() + timedelta(hours=20))
    mail.outbox.clear()
    from django.utils import translation

    with translation.override("en"):
        assert send_reminder_digests.apply().get() == 1
    assert "5 of 5 students have not finished" in mail.outbox[0].body
    assert mail.outbox[0].to == [teacher.email]


def test_archive_closes_the_class(classroom, teacher, django_capture_on_commit_callbacks):
    from classrooms.tasks import archive_classroom

    client = client_for(teacher)  # (signing in saves the teacher's last_login, with its own on-commit callback)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/en/teach/classes/{classroom.pk}/archive/")
    classroom.refresh_from_db()
    assert classroom.archived_at is None  # nothing happens before the transaction commits
    assert len(callbacks) == 1  # the archive job is queued on commit
    archive_classroom.apply(args=[classroom.pk])  # what the worker runs
    archive_classroom.apply(args=[classroom.pk])  # safe to run twice
    classroom.refresh_from_db()
    assert classroom.archived_at is not None and not classroom.join_open


# -- student views ----------------------------------------------------------------------------------------------


def test_student_home_shows_assignments_and_continue(classroom, make_user, lesson):
    student = enrol(classroom, make_user, 1)[0]
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=timezone.now() + timedelta(days=2))
    client = client_for(student)
    client.get(lesson.url)
    response = client.get("/ko/learn/")
    assert [item.page.pk for item in response.context["items"]] == [lesson.pk]
    assert response.context["items"][0].cell.status == Status.IN_PROGRESS
    assert response.context["continue_page"].pk == lesson.pk


def test_a_student_cannot_open_another_students_attempt(classroom, make_user, check_quiz):
    alice, bob = enrol(classroom, make_user, 2)
    attempt = open_attempt(alice, check_quiz)
    submit(attempt, correct_answers(check_quiz))
    assert client_for(bob).get(f"/en/learn/attempts/{attempt.pk}/").status_code == 404


def test_teachers_log_in_to_their_classes_and_students_to_their_learning(teacher, make_user):
    student = make_user("login-student")
    for user, expected in ((teacher, "/ko/teach/"), (student, "/ko/learn/")):
        response = Client().post("/ko/accounts/login/", {"login": user.username, "password": "correct-horse-battery"})
        assert response.status_code == 302 and response["Location"] == expected


def test_teacher_signup_requires_an_email():
    response = Client().post(
        "/en/accounts/signup/",
        {"username": "new-teacher", "password1": "a-long-passphrase-7", "password2": "a-long-passphrase-7"},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    response = Client().post(
        "/en/accounts/signup/",
        {
            "username": "new-teacher",
            "email": "n@school.example",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    from users.models import User

    # No username on the teacher sign-up (it would tell who exists): one is made from the address.
    user = User.objects.get(email="n@school.example")
    assert user.is_teacher
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1


def test_co_teachers_share_a_class(classroom, teacher, other_teacher, make_user):
    client = client_for(teacher)
    url = f"/en/teach/classes/{classroom.pk}/co-teachers/"
    response = client.post(url, {"email": "nobody@school.example"}, follow=True)
    assert "No teacher with that verified email" in response.content.decode()
    unverified = make_user("teacher-x", account_type="teacher", email="x@school.example")
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)
    client.post(url, {"email": "x@school.example"})
    assert not classroom.teachers.filter(pk=unverified.pk).exists()
    client.post(url, {"email": other_teacher.email.upper()})
    assert classroom.teachers.filter(pk=other_teacher.pk).exists()
    assert client_for(other_teacher).get(f"/en/teach/classes/{classroom.pk}/").status_code == 200
