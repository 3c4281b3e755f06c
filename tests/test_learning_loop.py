"""The learning loop's rules (issue 12): modules by band, diagnostics, overdue vs joined after, one check
quiz per lesson, and the consent gate through the class page."""

import json
import re
from datetime import date, timedelta

import pytest

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from classrooms.gain import class_gains
from classrooms.models import Assignment, Classroom, Enrollment, School
from classrooms.progress import Status, build_matrix, build_student_view
from lessons.models import AudienceBand, LessonPage, ModulePage
from quizzes.attempts import open_attempt, submit
from quizzes.models import QuizAttempt, QuizPage
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
from tests.quiz_forms import answers

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

MIDDLE, HIGH, UNIVERSITY = AudienceBand.MIDDLE_SCHOOL, AudienceBand.HIGH_SCHOOL, AudienceBand.UNIVERSITY
# Two modules, each with a lesson for every band (and a check quiz under each lesson); the first also has its
# pre-test and post-test.
MODULES = {
    "deepfakes": (
        "Deepfakes and AI",
        {
            MIDDLE: "What deepfakes are",
            HIGH: "Deepfakes and the law",
            UNIVERSITY: "Generative AI, platform responsibility and evidence",
        },
    ),
    "consent": (
        "Consent and image",
        {
            MIDDLE: "Consent to take and to share",
            HIGH: "Consent, privacy and power",
            UNIVERSITY: "Consent and power in adult relationships",
        },
    ),
}


def questions(*extra):
    """Three scored questions (all right: 100%, all wrong: 0%) and a reflection."""
    scored = [
        single_choice("Is a sexual deepfake of a real person a crime?", ("yes", "no")),
        single_choice("Who is responsible?", ("who made and shared it", "who is in it", "nobody")),
        single_choice("What do you keep as evidence?", ("the link and the time", "a copy of the image")),
    ]
    return json.dumps([*scored, reflection_text(), *extra])


def build_curriculum(home=None):
    """The MODULES as live pages under a curriculum index under `home` (the Korean home page by default):
    {key: module}, {(key, band): lesson}."""
    index = CurriculumIndexPageFactory(parent=home or site_root())
    modules, lessons = {}, {}
    for key, (title, band_lessons) in MODULES.items():
        module = ModulePageFactory(
            parent=index, title=title, for_middle_school=True, for_high_school=True, for_university=True
        )
        modules[key] = module
        for band, lesson_title in band_lessons.items():
            lesson = LessonPageFactory(parent=module, title=lesson_title, audience=band)
            QuizPageFactory(parent=lesson, title=f"Check: {lesson_title}", questions=questions())
            lessons[key, band] = LessonPage.objects.get(pk=lesson.pk)
    deepfakes = modules["deepfakes"]
    QuizPageFactory(
        parent=deepfakes, title="Before we start", kind="pre_test", questions=questions(reflection_scale())
    )
    QuizPageFactory(parent=deepfakes, title="After the module", kind="post_test", questions=questions())
    return modules, lessons


@pytest.fixture
def curriculum():
    return build_curriculum()


@pytest.fixture
def modules(curriculum):
    return curriculum[0]


@pytest.fixture
def lessons(curriculum):
    return curriculum[1]


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def teacher(make_teacher):
    return make_teacher("loop-teacher", email="loop@school.example")


def make_class(teacher, band, **fields):
    school = School.objects.create(name=f"{band} school")
    room = Classroom.objects.create(school=school, name=f"{band} class", audience_band=band, **fields)
    room.teachers.add(teacher)
    return room


def enrol(classroom, student, days_ago=10):
    enrollment = Enrollment.objects.create(classroom=classroom, student=student)
    Enrollment.objects.filter(pk=enrollment.pk).update(joined_at=timezone.now() - timedelta(days=days_ago))


def take(student, quiz, right=True, django_capture_on_commit_callbacks=None):
    if django_capture_on_commit_callbacks:
        with django_capture_on_commit_callbacks(execute=True):
            submit(open_attempt(student, quiz), answers(quiz, right))
    else:
        submit(open_attempt(student, quiz), answers(quiz, right))
    return QuizAttempt.objects.filter(student=student, quiz=quiz).latest("pk")


def assign(classroom, page, due_in_days=7, created_days_ago=0):
    now = timezone.now()
    assignment = Assignment.objects.create(
        classroom=classroom,
        page=page,
        opens_at=now - timedelta(days=created_days_ago + 1),
        due_at=now + timedelta(days=due_in_days),
    )
    Assignment.objects.filter(pk=assignment.pk).update(created_at=now - timedelta(days=created_days_ago))
    return assignment


def only_cell(classroom, student):
    matrix = build_matrix(classroom)
    cells = dict((s.pk, c) for s, c in matrix.rows)[student.pk]
    assert len(cells) == 1
    return cells[0]


# -- modules by band ----------------------------------------------------------------------------------------------


def without_university_lessons(module):
    """Every module has a university lesson: take one module's offline to test the fallback."""
    for lesson in LessonPage.objects.live().filter(audience="university").descendant_of(module):
        lesson.unpublish()


@pytest.mark.parametrize(
    "band, module_key, lesson_band, fallback",
    [
        ("middle_school", "deepfakes", MIDDLE, False),
        ("high_school", "deepfakes", HIGH, False),
        ("university", "deepfakes", UNIVERSITY, False),
        ("university", "consent", UNIVERSITY, False),
        # A module with no university lesson: a university class does its high-school lesson.
        ("university", "consent", HIGH, True),
    ],
)
def test_a_module_is_its_lessons_for_the_class_band(
    teacher, make_user, modules, lessons, band, module_key, lesson_band, fallback, django_capture_on_commit_callbacks
):
    module = modules[module_key]
    if fallback:
        without_university_lessons(module)
    classroom = make_class(teacher, band)
    student = make_user("band-student")
    enrol(classroom, student)
    assign(classroom, module)
    cell = only_cell(classroom, student)
    assert (cell.done, cell.total, cell.status) == (0, 1, Status.NOT_STARTED)

    lesson = lessons[module_key, lesson_band]
    check = lesson.check_quiz()
    attempt = take(student, check, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert attempt.passed

    cell = only_cell(classroom, student)
    assert (cell.done, cell.total, cell.status) == (1, 1, Status.COMPLETED)
    assert cell.scores == [(attempt.score, attempt.max_score)]
    # The student's card says the same as the teacher's matrix.
    (item,) = build_student_view(student, module.locale)
    assert (item.cell.status, item.cell.done, item.cell.total, item.cell.scores) == (
        cell.status,
        cell.done,
        cell.total,
        cell.scores,
    )
    # And the teacher's page shows done/total and the score in the module's cell.
    html = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/progress/").content.decode()
    assert f"Completed (1/1)<br>{attempt.score}/{attempt.max_score}" in html


def test_another_bands_lesson_does_not_count_for_the_module(
    teacher, make_user, modules, lessons, django_capture_on_commit_callbacks
):
    classroom = make_class(teacher, "middle_school")
    student = make_user("wrong-band")
    enrol(classroom, student)
    assign(classroom, modules["deepfakes"])
    high = lessons["deepfakes", HIGH]
    take(student, high.check_quiz(), django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    cell = only_cell(classroom, student)
    assert (cell.done, cell.total) == (0, 1) and cell.status != Status.COMPLETED


def test_assign_page_lists_what_a_whole_module_includes(teacher, en):
    # The English page lists the English curriculum.
    modules, _lessons = build_curriculum(site_root().get_translation(en))
    without_university_lessons(modules["consent"])
    classroom = make_class(teacher, "university")
    html = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/assign/").content.decode()
    plans = html[html.index("What a whole module includes") :]
    # The deepfakes module has a university lesson; the consent module falls back to its high-school lesson.
    assert "Generative AI, platform responsibility and evidence" in plans or "Generative AI" in plans
    assert "Consent, privacy and power" in plans
    assert "no university lesson yet" in plans
    assert "check quiz:" in plans
    # The middle-school lesson of module 03 is not part of it.
    assert "What deepfakes are" not in plans


def test_assigning_a_module_without_a_lesson_for_the_band_is_refused(teacher, modules):
    index = modules["deepfakes"].get_parent()
    empty = index.add_child(
        instance=ModulePage(
            title="Empty for middle school",
            slug="empty-for-middle",
            summary="s",
            objectives="o",
            for_middle_school=True,
            locale=index.locale,
        )
    )
    classroom = make_class(teacher, "middle_school")
    url = f"/ko/teach/classes/{classroom.pk}/assign/"
    client = client_for(teacher)
    choices = client.get(url).context["form"].fields["page"].choices
    assert empty.pk in {pk for _group, items in choices for pk, _label in items}
    now = timezone.localtime()
    response = client.post(
        url,
        {
            "page": empty.pk,
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "due_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "Empty for middle school” 단원에는 아직 중학교 수업이 없어서" in response.content.decode()
    assert not Assignment.objects.filter(classroom=classroom).exists()


# -- diagnostics --------------------------------------------------------------------------------------------------


def test_a_pre_test_is_a_diagnostic_complete_once_submitted(teacher, make_user, modules):
    module = modules["deepfakes"]
    pre = QuizPage.objects.child_of(module).live().get(kind="pre_test")
    post = QuizPage.objects.child_of(module).live().get(kind="post_test")
    assert pre.pass_mark == 0 and pre.is_diagnostic and post.pass_mark > 0
    classroom = make_class(teacher, "middle_school")
    student, other = make_user("diag-1"), make_user("diag-2")
    enrol(classroom, student)
    enrol(classroom, other)
    # Due in the past, assigned before it: taken with a low score it is completed, never overdue.
    assign(classroom, pre, due_in_days=-1, created_days_ago=5)
    low = take(student, pre, right=False)
    assert low.score == 0 and low.passed is None
    matrix = build_matrix(classroom)
    cells = {s.pk: c[0] for s, c in matrix.rows}
    assert cells[student.pk].status == Status.COMPLETED
    assert cells[other.pk].status == Status.OVERDUE
    # The result page says completed, not "not passed".
    html = client_for(student).get(f"/en/learn/attempts/{low.pk}/").content.decode()
    assert "has no pass mark" in html and "Not passed yet" not in html


def test_a_post_test_is_scored(make_user, modules):
    post = QuizPage.objects.child_of(modules["deepfakes"]).live().get(kind="post_test")
    assert take(make_user("post-1"), post, right=False).passed is False
    assert take(make_user("post-2"), post, right=True).passed is True


def test_learning_gain_per_student_and_class_average(teacher, make_user, modules):
    module = modules["deepfakes"]
    pre = QuizPage.objects.child_of(module).live().get(kind="pre_test")
    post = QuizPage.objects.child_of(module).live().get(kind="post_test")
    classroom = make_class(teacher, "middle_school")
    improver, steady, absent = make_user("gain-a"), make_user("gain-b"), make_user("gain-c")
    for student in (improver, steady, absent):
        enrol(classroom, student)
    assign(classroom, pre)
    assign(classroom, post, due_in_days=14)
    take(improver, pre, right=False)
    take(improver, pre, right=True)  # a second go at a diagnostic does not count: the first does
    take(improver, post, right=True)
    take(steady, pre, right=True)
    take(steady, post, right=True)
    take(absent, pre, right=False)
    (gain,) = class_gains(classroom)
    rows = {row.student.pk: row for row in gain.rows}
    assert (rows[improver.pk].pre, rows[improver.pk].post, rows[improver.pk].gain) == (0, 100, 100)
    assert rows[steady.pk].gain == 0
    assert rows[absent.pk].post is None and rows[absent.pk].gain is None
    assert (gain.average_pre, gain.average_post, gain.average_gain) == (50, 100, 50)

    for language, average in (("en", "Class average gain: +50 percentage points"), ("ko", "학급 평균 향상: +50%p")):
        response = client_for(teacher).get(f"/{language}/teach/classes/{classroom.pk}/learning-gain/")
        html = response.content.decode()
        assert response.status_code == 200 and average in html
        # The chart is an SVG a screen reader can read: role img, a title and a description with the numbers.
        svg = re.search(r'<svg[^>]*role="img"[^>]*>(.*?)</svg>', html, re.S).group(1)
        assert "<title" in svg and "50%" in svg and "100%" in svg
        assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


# -- overdue vs joined after ----------------------------------------------------------------------------------------


def test_overdue_only_for_students_who_were_there_before_the_due_date(teacher, make_user, lessons):
    classroom = make_class(teacher, "middle_school")
    lesson = lessons["deepfakes", MIDDLE]
    early, late = make_user("early-bird"), make_user("late-comer")
    enrol(classroom, early, days_ago=10)
    enrol(classroom, late, days_ago=0)
    assign(classroom, lesson, due_in_days=-2, created_days_ago=8)
    matrix = build_matrix(classroom)
    cells = {s.pk: c[0] for s, c in matrix.rows}
    assert cells[early.pk].status == Status.OVERDUE and not cells[early.pk].joined_after
    assert cells[late.pk].status == Status.NOT_STARTED and cells[late.pk].joined_after
    html = client_for(late).get("/en/learn/").content.decode()
    assert "(joined after the due date)" in html and "status--overdue" not in html
    html = client_for(early).get("/en/learn/").content.decode()
    assert "status--overdue" in html and "(joined after the due date)" not in html
    matrix_html = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/progress/").content.decode()
    assert matrix_html.count("status--overdue") == 1 and "(joined after the due date)" in matrix_html


# -- one check quiz per lesson --------------------------------------------------------------------------------------


def copy_quiz(quiz, slug, title, kind):
    copy = quiz.copy(to=quiz.get_parent(), update_attrs={"slug": slug, "title": title, "kind": kind})
    copy.save_revision().publish()
    return QuizPage.objects.get(pk=copy.pk)


def test_only_the_chosen_check_quiz_completes_a_lesson(
    teacher, make_user, lessons, en, django_capture_on_commit_callbacks
):
    lesson = lessons["deepfakes", MIDDLE]
    # The lesson has an English translation (its module and curriculum index too).
    lesson.copy_for_translation(en, copy_parents=True).save_revision().publish()
    first = lesson.check_quiz()
    practice = copy_quiz(first, "practice-round", "Practice round", "practice")
    second = copy_quiz(first, "second-check", "Second check", "check")
    classroom = make_class(teacher, "middle_school")
    assign(classroom, lesson)
    student = make_user("checker")
    enrol(classroom, student)

    # A practice quiz never completes the lesson.
    take(student, practice, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert only_cell(classroom, student).status != Status.COMPLETED

    # The editor chooses the second quiz: passing the first one no longer completes the lesson.
    lesson.check_quiz_page = second
    lesson.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.check_quiz().pk == second.pk
    take(student, first, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert only_cell(classroom, student).status != Status.COMPLETED
    chosen = take(student, second, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    cell = only_cell(classroom, student)
    assert cell.status == Status.COMPLETED and (cell.best, cell.max_score) == (chosen.score, chosen.max_score)
    # The lesson page links the quiz the matrix reads.
    html = client_for(student).get(lesson.url).content.decode()
    assert re.search(rf'href="{re.escape(second.url)}"[^>]*>잘 이해했는지 확인해 봐요', html)
    # A translation synced from the Korean lesson points at the Korean quiz: it follows the choice to its
    # own language's quiz by translation key.
    english = lesson.get_translation(lesson.locale.__class__.objects.get(language_code="en"))
    english_second = second.copy_for_translation(english.locale, copy_parents=False)
    english_second.save_revision().publish()
    english.check_quiz_page = second
    assert english.check_quiz().pk == english_second.pk


def test_the_default_check_quiz_is_the_first_that_is_not_practice(lessons):
    lesson = lessons["deepfakes", MIDDLE]
    original = lesson.check_quiz()
    original.kind = "practice"
    original.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.check_quiz() is None


def test_the_check_quiz_must_be_under_the_lesson_and_not_practice(lessons):
    lesson = lessons["deepfakes", MIDDLE]
    elsewhere = lessons["deepfakes", HIGH].check_quiz()
    lesson.check_quiz_page = elsewhere
    with translation.override("en"), pytest.raises(ValidationError, match="sits under this lesson"):
        lesson.full_clean()
    practice = copy_quiz(lesson.check_quiz(), "practice-only", "Practice only", "practice")
    lesson.check_quiz_page = practice
    with translation.override("en"), pytest.raises(ValidationError, match="practice quiz never completes"):
        lesson.full_clean()


# -- consent through the class page ---------------------------------------------------------------------------------


def test_the_class_page_shows_the_consent_form_and_refuses_bad_input(teacher):
    classroom = make_class(teacher, "middle_school", has_under_14=True)
    client = client_for(teacher)
    url = f"/en/teach/classes/{classroom.pk}/"
    html = client.get(url).content.decode()
    assert 'name="collected_by"' in html and 'name="collected_on"' in html

    missing = client.post(f"{url}consent/", {"collected_by": "", "collected_on": date.today().isoformat()})
    assert missing.status_code == 400
    assert "Consent was not recorded" in missing.content.decode()
    assert "This field is required" in missing.content.decode()
    future = (date.today() + timedelta(days=2)).isoformat()
    too_soon = client.post(f"{url}consent/", {"collected_by": "Ms Kim", "collected_on": future})
    assert too_soon.status_code == 400 and "cannot be in the future" in too_soon.content.decode()
    # What the teacher typed is kept in the form sent back.
    assert 'value="Ms Kim"' in too_soon.content.decode()
    classroom.refresh_from_db()
    assert classroom.needs_guardian_consent
    assert Client().post("/en/join/", {"code": classroom.join_code}).status_code == 400

    done = client.post(f"{url}consent/", {"collected_by": "Ms Kim", "collected_on": date.today().isoformat()})
    assert done.status_code == 302
    classroom.refresh_from_db()
    assert not classroom.needs_guardian_consent
    assert Client().post("/en/join/", {"code": classroom.join_code}).status_code == 302
