"""Teacher screens (issue 12, "Teacher screens") and what a teacher must not see (issue 13, #2 #3 #10):
usernames beside nicknames, titles in the reader's language, numeric CSV and XLSX exports that match the
screen, confirm pages before destructive actions, exports that expire and go with a deleted account,
reflection text out of the teacher's download, and reflection totals released in batches."""

import csv
import io
import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from django.test import Client
from django.utils import timezone

from classrooms.analysis import class_question_analysis
from classrooms.models import Assignment, Classroom, Enrollment, ProgressExport, School
from classrooms.progress import build_matrix, record_started
from classrooms.tasks import purge_archived_classes
from quizzes.attempts import open_attempt, submit
from quizzes.models import QuizPage
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


@pytest.fixture
def teacher(make_teacher):
    return make_teacher("teacher-a", email="a@school.example")


@pytest.fixture
def classroom(teacher):
    school = School.objects.create(name="Test Middle School")
    room = Classroom.objects.create(school=school, name="2-3", audience_band="middle_school")
    room.teachers.add(teacher)
    return room


def scored_questions():
    return [single_choice(prompt=f"Question {number}?", choices=("right", "wrong")) for number in range(1, 4)]


@pytest.fixture
def curriculum(en):
    """A Korean module with a lesson, its check quiz (three scored questions and a written reflection) and a
    pre-test (scored questions and a 1-5 scale), and the English translation of the module, lesson and quiz."""
    check_questions = json.dumps([*scored_questions(), reflection_text()])
    module = ModulePageFactory(parent=CurriculumIndexPageFactory(parent=site_root()), title="딥페이크와 AI")
    lesson = LessonPageFactory(parent=module, title="딥페이크란 무엇일까")
    check_quiz = QuizPageFactory(parent=lesson, title="확인 퀴즈", questions=check_questions)
    pre_test = QuizPageFactory(
        parent=module,
        title="시작하기 전에",
        kind=QuizPage.Kind.PRE_TEST,
        questions=json.dumps([*scored_questions(), reflection_scale()]),
    )
    english_index = CurriculumIndexPageFactory(
        parent=site_root().get_translation(en), translation_key=module.get_parent().translation_key
    )
    english_module = ModulePageFactory(
        parent=english_index, title="Deepfakes and AI", translation_key=module.translation_key
    )
    english_lesson = LessonPageFactory(
        parent=english_module, title="What deepfakes are", translation_key=lesson.translation_key
    )
    QuizPageFactory(
        parent=english_lesson,
        title="Check quiz",
        questions=check_questions,
        translation_key=check_quiz.translation_key,
    )
    return {"lesson": lesson, "check_quiz": check_quiz, "pre_test": pre_test}


@pytest.fixture
def lesson(curriculum):
    return curriculum["lesson"]


@pytest.fixture
def check_quiz(curriculum):
    return curriculum["check_quiz"]


@pytest.fixture
def pre_test(curriculum):
    return curriculum["pre_test"]


def enrol(classroom, make_user, names, prefix="s"):
    students = [make_user(f"{prefix}{i:03d}", display_name=name) for i, name in enumerate(names)]
    Enrollment.objects.bulk_create([Enrollment(classroom=classroom, student=s) for s in students])
    return students


def answers_with(quiz, right=True, scale="3", text="private words of a student"):
    answers = {}
    for question in questions_of(quiz):
        if question.scored:
            ids = question.correct_ids if right else {next(c.id for c in question.choices if not c.correct)}
            answers[question.id] = sorted(ids)
        else:
            answers[question.id] = scale if question.type == "reflection_scale" else text
    return answers


def due_in(days=2):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def prepare(django_capture_on_commit_callbacks):
    """The teacher presses "Prepare": the job is queued on commit and runs (as the worker would)."""

    def post(client, classroom, language="ko"):
        from classrooms.models import ProgressExport
        from classrooms.tasks import build_progress_export

        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/{language}/teach/classes/{classroom.pk}/export/")
        # With a real broker (CI on Redis) the job went to the queue: run it here as the worker would. In eager
        # mode it already ran, and running it again is safe.
        for export in ProgressExport.objects.filter(classroom=classroom, status="pending"):
            build_progress_export.apply(args=[export.pk])

    return post


def exported(client, export):
    csv_response = client.get(f"/ko/teach/exports/{export.pk}/")
    xlsx_response = client.get(f"/ko/teach/exports/{export.pk}/xlsx/")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    return csv_response, xlsx_response, rows, [list(row) for row in sheet.iter_rows(values_only=True)]


# -- usernames and titles -------------------------------------------------------------------------------------


def test_two_students_with_the_same_nickname_are_told_apart_in_the_matrix(classroom, teacher, make_user, lesson):
    first, second = enrol(classroom, make_user, ["민지", "민지"])
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=due_in())
    html = client_for(teacher).get(f"/ko/teach/classes/{classroom.pk}/progress/").content.decode()
    assert f'민지</a> <span class="username">({first.username})</span>' in html
    assert f'민지</a> <span class="username">({second.username})</span>' in html
    page = client_for(teacher).get(f"/ko/teach/classes/{classroom.pk}/students/{second.pk}/").content.decode()
    assert f"({second.username})" in page


def test_assignment_titles_follow_the_readers_language(classroom, teacher, lesson, en):
    """Assigned while reading in Korean, the lesson shows its English title to a teacher reading in English."""
    assignment = Assignment.objects.create(classroom=classroom, page=lesson, due_at=due_in())
    english = lesson.get_translation(en)
    assert english.title != lesson.title
    client = client_for(teacher)
    for url in (f"/en/teach/classes/{classroom.pk}/", f"/en/teach/classes/{classroom.pk}/progress/"):
        html = client.get(url).content.decode()
        assert english.title in html, url
        assert lesson.title not in html, url
    confirm = client.get(f"/en/teach/classes/{classroom.pk}/assignments/{assignment.pk}/remove/").content.decode()
    assert english.title in confirm
    # and in Korean, the Korean title
    assert lesson.title in client.get(f"/ko/teach/classes/{classroom.pk}/").content.decode()


def test_a_students_page_lists_lessons_and_quizzes_in_the_readers_language(
    classroom, teacher, make_user, lesson, check_quiz, en
):
    (student,) = enrol(classroom, make_user, ["민지"])
    record_started(student, lesson)
    submit(open_attempt(student, check_quiz), answers_with(check_quiz))
    html = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/students/{student.pk}/").content.decode()
    assert lesson.get_translation(en).title in html and check_quiz.get_translation(en).title in html
    assert lesson.title not in html and check_quiz.title not in html


# -- exports ---------------------------------------------------------------------------------------------------


def test_csv_and_xlsx_hold_numeric_scores_and_the_same_numbers_as_the_screen(
    classroom, teacher, make_user, check_quiz, lesson, prepare
):
    minji, other = enrol(classroom, make_user, ["민지", "=HYPERLINK(1)"])
    Assignment.objects.create(classroom=classroom, page=check_quiz, due_at=due_in())
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=due_in(3))
    answers = answers_with(check_quiz)
    first_scored = next(q for q in questions_of(check_quiz) if q.scored)
    answers[first_scored.id] = [next(c.id for c in first_scored.choices if not c.correct)]
    submit(open_attempt(minji, check_quiz), answers)
    client = client_for(teacher)
    prepare(client, classroom)
    export = ProgressExport.objects.get(classroom=classroom)
    assert export.status == "ready"
    csv_response, xlsx_response, rows, sheet = exported(client, export)
    assert xlsx_response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in xlsx_response["Cache-Control"]

    matrix = build_matrix(classroom)
    cell = next(cells for student, cells in matrix.rows if student == minji)[0]
    maximum = cell.max_score
    assert (cell.best, maximum) == (maximum - 1, maximum)
    header = rows[0]
    assert header[:2] == ["아이디", "표시 이름"]
    score_at = header.index(f"{check_quiz.title} · 점수")
    minji_row = next(row for row in rows if row[0] == minji.username)
    # Separate numeric columns: score, max, percent, never "3/5".
    assert minji_row[score_at : score_at + 3] == [
        str(maximum - 1),
        str(maximum),
        str(round(100 * (maximum - 1) / maximum)),
    ]
    assert not any("/" in value for row in rows[1:] for value in row[2:])
    assert minji_row[1] == "민지"
    assert next(row for row in rows if row[0] == other.username)[1] == "'=HYPERLINK(1)"  # not a formula

    # The workbook is the same table, with numbers stored as numbers.
    assert sheet[0] == header
    sheet_row = next(row for row in sheet if row[0] == minji.username)
    assert sheet_row[score_at : score_at + 3] == [maximum - 1, maximum, round(100 * (maximum - 1) / maximum)]
    assert [["" if v is None else str(v) for v in row] for row in sheet] == rows

    # And the screen shows the same numbers, with the username.
    html = client.get(f"/ko/teach/classes/{classroom.pk}/progress/").content.decode()
    assert f"{maximum - 1}/{maximum}" in html and minji.username in html


def test_an_english_export_has_english_titles(classroom, teacher, make_user, lesson, en, prepare):
    enrol(classroom, make_user, ["Jin"])
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=due_in())
    client = client_for(teacher)
    prepare(client, classroom, "en")
    export = ProgressExport.objects.get(classroom=classroom)
    _csv, _xlsx, rows, sheet = exported(client, export)
    assert rows[0][2] == f"{lesson.get_translation(en).title} · status"
    assert sheet[0][2] == rows[0][2]


def test_expired_exports_are_refused_with_a_message_and_purged_nightly(classroom, teacher, make_user, lesson, prepare):
    enrol(classroom, make_user, ["민지"])
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=due_in())
    client = client_for(teacher)
    prepare(client, classroom, "en")
    prepare(client, classroom, "en")
    old, fresh = ProgressExport.objects.order_by("pk")
    ProgressExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    for suffix in ("", "xlsx/"):
        response = client.get(f"/en/teach/exports/{old.pk}/{suffix}", follow=True)
        assert "That export expired: exports are kept for 7 days." in response.content.decode()
        assert "attachment" not in response.get("Content-Disposition", "")
    page = client.get(f"/en/teach/classes/{classroom.pk}/progress/").content.decode()
    assert f"/teach/exports/{old.pk}/" not in page and f"/teach/exports/{fresh.pk}/xlsx/" in page
    assert client.get(f"/en/teach/exports/{fresh.pk}/").status_code == 200
    purge_archived_classes.apply()  # the nightly job
    assert list(ProgressExport.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_deleting_an_account_removes_every_export_that_names_the_student(
    classroom, teacher, make_user, lesson, make_teacher, prepare
):
    leaver, stayer = enrol(classroom, make_user, ["민지", "서연"])
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=due_in())
    client = client_for(teacher)
    prepare(client, classroom, "en")
    # A class the student left: its export still names them.
    earlier = Classroom.objects.create(school=classroom.school, name="1-1", audience_band="middle_school")
    earlier.teachers.add(teacher)
    Enrollment.objects.create(classroom=earlier, student=leaver)
    prepare(client, earlier, "en")
    Enrollment.objects.filter(classroom=earlier, student=leaver).delete()
    # Another class's export that does not name them stays.
    other = Classroom.objects.create(school=classroom.school, name="3-1", audience_band="middle_school")
    other.teachers.add(teacher)
    Enrollment.objects.create(classroom=other, student=make_user("someone-else"))
    prepare(client, other, "en")
    assert ProgressExport.objects.filter(content__contains=leaver.username).count() == 2

    client.post(f"/en/teach/classes/{classroom.pk}/students/{leaver.pk}/delete/", {"confirm": leaver.username})
    assert not ProgressExport.objects.filter(content__contains=leaver.username).exists()
    assert list(ProgressExport.objects.values_list("classroom", flat=True)) == [other.pk]
    assert stayer.pk  # the other students keep their accounts


# -- confirm pages ---------------------------------------------------------------------------------------------


def test_new_code_asks_first_and_the_confirm_page_changes_nothing(classroom, teacher):
    client = client_for(teacher)
    old = classroom.join_code
    html = client.get(f"/en/teach/classes/{classroom.pk}/").content.decode()
    assert f'href="/en/teach/classes/{classroom.pk}/code/?action=regenerate"' in html
    assert 'name="action" value="regenerate"' not in html  # no one-click button any more
    response = client.get(f"/en/teach/classes/{classroom.pk}/code/?action=regenerate")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The old code stops working for students who have not joined yet." in page
    assert classroom.formatted_code in page
    classroom.refresh_from_db()
    assert classroom.join_code == old  # the GET changed nothing
    client.post(f"/en/teach/classes/{classroom.pk}/code/", {"action": "regenerate"})
    classroom.refresh_from_db()
    assert classroom.join_code != old


def test_close_joining_asks_first(classroom, teacher):
    client = client_for(teacher)
    page = client.get(f"/en/teach/classes/{classroom.pk}/code/?action=close").content.decode()
    assert "Nobody can join this class with its code until you open joining again." in page
    classroom.refresh_from_db()
    assert classroom.join_open
    client.post(f"/en/teach/classes/{classroom.pk}/code/", {"action": "close"})
    classroom.refresh_from_db()
    assert not classroom.join_open


def test_a_confirm_page_for_an_unknown_action_says_so_and_changes_nothing(classroom, teacher):
    old = classroom.join_code
    response = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/code/?action=explode", follow=True)
    assert "Unknown action; nothing changed." in response.content.decode()
    classroom.refresh_from_db()
    assert (classroom.join_code, classroom.join_open) == (old, True)


def test_remove_student_asks_first(classroom, teacher, make_user):
    (student,) = enrol(classroom, make_user, ["민지"])
    client = client_for(teacher)
    url = f"/en/teach/classes/{classroom.pk}/students/{student.pk}/remove/"
    assert f'href="{url}"' in client.get(f"/en/teach/classes/{classroom.pk}/").content.decode()
    page = client.get(url).content.decode()
    assert f"Remove 민지 ({student.username}) from the class?" in page
    assert "the student can join again with the class code" in page
    assert Enrollment.objects.filter(student=student).exists()
    client.post(url)
    assert not Enrollment.objects.filter(student=student).exists()


def test_delete_assignment_asks_first(classroom, teacher, lesson):
    assignment = Assignment.objects.create(classroom=classroom, page=lesson, due_at=due_in())
    client = client_for(teacher)
    url = f"/ko/teach/classes/{classroom.pk}/assignments/{assignment.pk}/remove/"
    page = client.get(url).content.decode()
    assert lesson.title in page and 'method="post"' in page
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    client.post(url)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_archive_asks_first(classroom, teacher, django_capture_on_commit_callbacks):
    client = client_for(teacher)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = client.get(f"/en/teach/classes/{classroom.pk}/archive/").content.decode()
    assert callbacks == []
    assert "joining closes: its code stops working" in page
    classroom.refresh_from_db()
    assert classroom.archived_at is None and classroom.join_open
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/teach/classes/{classroom.pk}/archive/")
    from classrooms.tasks import archive_classroom

    archive_classroom.apply(args=[classroom.pk])  # what the worker runs (with a broker the job was queued)
    classroom.refresh_from_db()
    assert classroom.archived_at is not None


def test_confirm_pages_are_the_teachers_own(classroom, make_teacher, make_user):
    (student,) = enrol(classroom, make_user, ["민지"])
    stranger = client_for(make_teacher("teacher-z"))
    for url in (
        f"/en/teach/classes/{classroom.pk}/code/?action=regenerate",
        f"/en/teach/classes/{classroom.pk}/archive/",
        f"/en/teach/classes/{classroom.pk}/students/{student.pk}/remove/",
    ):
        assert stranger.get(url).status_code == 404
    assert Client().get(f"/en/teach/classes/{classroom.pk}/archive/").status_code == 302


# -- what a teacher must not see -------------------------------------------------------------------------------


def test_teachers_download_leaves_reflection_text_out_the_students_keeps_it(
    classroom, teacher, make_user, pre_test, check_quiz
):
    (student,) = enrol(classroom, make_user, ["민지"])
    submit(open_attempt(student, pre_test), answers_with(pre_test, scale="4"))
    written = check_quiz
    assert any(q.type == "reflection_text" for q in questions_of(written))
    submit(open_attempt(student, written), answers_with(written, text="my own words"))
    teachers = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/students/{student.pk}/data/")
    body = teachers.content.decode()
    data = json.loads(body)
    answers = [answer for attempt in data["quiz_attempts"] for answer in attempt["answers"]]
    assert len(data["quiz_attempts"]) == 2 and any(answer["correct"] for answer in answers)  # scores are there
    assert "my own words" not in body
    reflections = [answer for answer in answers if answer["correct"] is None]
    assert len(reflections) >= 2 and all("text" not in answer for answer in reflections)
    own = client_for(student).get("/en/learn/my-data/?download=1").content.decode()
    assert "my own words" in own and '"4"' in own


def test_reflection_scale_totals_are_released_in_batches_of_five(classroom, teacher, make_user, pre_test):
    students = enrol(classroom, make_user, [f"s{i}" for i in range(11)])
    scale = next(q for q in questions_of(pre_test) if q.type == "reflection_scale")

    def totals():
        question = next(q for q in class_question_analysis(classroom, pre_test).questions if q.id == scale.id)
        return None if question.reflection_hidden else (question.released, dict(question.scale_counts))

    for student in students[:5]:
        submit(open_attempt(student, pre_test), answers_with(pre_test, scale="2"))
    batch = totals()
    assert batch == (5, {"1": 0, "2": 5, "3": 0, "4": 0, "5": 0})
    # The sixth answer does not move the totals: before/after cannot be differenced to reveal it.
    submit(open_attempt(students[5], pre_test), answers_with(pre_test, scale="5"))
    assert totals() == batch
    html = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/quizzes/{pre_test.pk}/").content.decode()
    assert "Totals of the first 5 answers" in html and "next at 10" in html
    for student in students[6:10]:
        submit(open_attempt(student, pre_test), answers_with(pre_test, scale="1"))
    assert totals() == (10, {"1": 4, "2": 5, "3": 0, "4": 0, "5": 1})
    submit(open_attempt(students[10], pre_test), answers_with(pre_test, scale="5"))
    assert totals()[0] == 10


def test_per_question_analysis_of_an_unpublished_quiz_is_a_404(classroom, teacher, check_quiz):
    client = client_for(teacher)
    url = f"/en/teach/classes/{classroom.pk}/quizzes/{check_quiz.pk}/"
    assert client.get(url).status_code == 200
    check_quiz.unpublish()
    assert client.get(url).status_code == 404
