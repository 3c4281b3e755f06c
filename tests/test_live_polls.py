"""Live anonymous polls (issue 18, point 4): counts only, shown from five answers, forgotten on close."""

import hashlib

import pytest

from classrooms.models import Classroom, Enrollment, School
from lessons.models import LessonPage
from lessons.presenting import build_screens
from teaching.models import LivePoll, PollAnswerMarker, PollTally
from tests.conftest import client_for
from tests.factories import LessonPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


@pytest.fixture
def lesson(en):
    """An English lesson with two discussion questions, translated from a Korean one (same block ids)."""
    scenario = {
        "title": "Min-jun's group chat",
        "story": "Min-jun sees a classmate's edited photo in a group chat.",
        "questions": ["What could Min-jun do?", "Who could Min-jun tell?"],
    }
    korean = LessonPageFactory(body=[("scenario", scenario), ("help_card", {"title": ""})])
    english = korean.copy_for_translation(en, copy_parents=True)
    english.save_revision().publish()
    return LessonPage.objects.get(pk=english.pk)


@pytest.fixture
def classroom(make_teacher):
    school = School.objects.create(name="Poll school")
    classroom = Classroom.objects.create(school=school, name="3-1", audience_band="high_school")
    classroom.teachers.add(make_teacher("poll-teacher"))
    return classroom


@pytest.fixture
def students(classroom, make_user):
    users = [make_user(f"poll-student-{number}") for number in range(6)]
    Enrollment.objects.bulk_create([Enrollment(classroom=classroom, student=user) for user in users])
    return users


@pytest.fixture
def teacher(classroom):
    return client_for(classroom.teachers.get())


def first_question(lesson):
    return next(screen for screen in build_screens(lesson) if screen.kind == "question")


def open_poll(teacher, classroom, lesson, key=None):
    return teacher.post(
        "/en/teach/polls/open/",
        {"classroom": classroom.pk, "lesson": lesson.pk, "key": key or first_question(lesson).poll_key},
    )


def answer(student, poll, choice):
    return client_for(student).post(f"/en/learn/polls/{poll.pk}/answer/", {"choice": choice}, follow=True)


def test_the_projector_offers_a_poll_on_discussion_questions_only(teacher, lesson, classroom):
    html = teacher.get(lesson.url + "present/").content.decode()
    questions = [screen for screen in build_screens(lesson) if screen.can_poll]
    assert html.count('action="/en/teach/polls/open/"') == len(questions) > 0
    for screen in questions:
        assert f'name="key" value="{screen.poll_key}"' in html
    assert f'<option value="{classroom.pk}">3-1</option>' in html


def test_opening_a_poll_shows_it_on_the_students_lesson_page_in_every_language(
    teacher, lesson, classroom, students, ko
):
    response = open_poll(teacher, classroom, lesson)
    poll = LivePoll.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/teach/polls/{poll.pk}/")
    assert poll.prompt == first_question(lesson).question and poll.is_open and poll.salt
    assert list(PollTally.objects.filter(poll=poll).values_list("choice", "count")) == [(c, 0) for c in range(1, 6)]
    student = client_for(students[0])
    assert poll.prompt[:40] in student.get(lesson.url).content.decode().replace("&#x27;", "'")
    korean = lesson.get_translation(ko)  # a poll opened on the English lesson reaches the Korean one too
    assert f"/learn/polls/{poll.pk}/answer/" in student.get(korean.url).content.decode()


def test_results_stay_hidden_until_five_have_answered(teacher, lesson, classroom, students):
    open_poll(teacher, classroom, lesson)
    poll = LivePoll.objects.get()
    results_url = f"/en/teach/polls/{poll.pk}/results/"
    for number, student in enumerate(students[:4]):
        answer(student, poll, 1 + number % 2)
        data = teacher.get(results_url).json()
        assert data["answered"] == number + 1 and data["shown"] is False and data["counts"] == []
    page = teacher.get(f"/en/teach/polls/{poll.pk}/").content.decode()
    assert "The results appear once at least 5 have answered" in page and "<meter" not in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    answer(students[4], poll, 5)
    data = teacher.get(results_url).json()
    assert data["shown"] is True
    assert [row["count"] for row in data["counts"]] == [2, 2, 0, 0, 1]
    assert teacher.get(f"/en/teach/polls/{poll.pk}/").content.decode().count("<meter") == 5


def test_one_answer_per_student_and_nothing_names_them(teacher, lesson, classroom, students):
    open_poll(teacher, classroom, lesson)
    poll = LivePoll.objects.get()
    first = answer(students[0], poll, 4)
    assert "Your answer is counted anonymously." in first.content.decode()
    again = answer(students[0], poll, 2)
    assert "You have already answered this poll" in again.content.decode()
    assert dict(PollTally.objects.filter(poll=poll).values_list("choice", "count")) == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}
    # Tallies are counts; markers are salted hashes with no answer; neither has a column for a person.
    for model in (PollTally, PollAnswerMarker):
        assert not any(field.is_relation and field.related_model is not LivePoll for field in model._meta.fields)
    marker = PollAnswerMarker.objects.get()
    # Only the poll's own secret salt turns a student into this marker; without it (gone on close) nobody can.
    assert marker.digest == poll.marker_for(students[0])
    assert marker.digest not in {hashlib.sha256(str(students[0].pk).encode()).hexdigest(), str(students[0].pk)}


def test_closing_forgets_who_answered_and_later_answers_are_refused_politely(teacher, lesson, classroom, students):
    open_poll(teacher, classroom, lesson)
    poll = LivePoll.objects.get()
    answer(students[0], poll, 3)
    teacher.post(f"/en/teach/polls/{poll.pk}/close/")
    poll.refresh_from_db()
    assert not poll.is_open and poll.salt == "" and PollAnswerMarker.objects.count() == 0
    late = answer(students[1], poll, 3)
    assert "This poll has closed, so your answer was not counted." in late.content.decode()
    assert PollTally.objects.get(poll=poll, choice=3).count == 1
    # The lesson page no longer offers it.
    assert f"/learn/polls/{poll.pk}/answer/" not in client_for(students[1]).get(lesson.url).content.decode()


def test_opening_a_new_poll_closes_the_class_s_previous_one(teacher, lesson, classroom):
    screens = [screen for screen in build_screens(lesson) if screen.can_poll]
    open_poll(teacher, classroom, lesson, screens[0].poll_key)
    open_poll(teacher, classroom, lesson, screens[1].poll_key)
    assert [poll.is_open for poll in LivePoll.objects.order_by("pk")] == [False, True]


def test_bad_answers_are_refused_and_nothing_is_counted(teacher, lesson, classroom, students, make_user):
    open_poll(teacher, classroom, lesson)
    poll = LivePoll.objects.get()
    for choice in ("0", "6", "abc", ""):
        assert "Choose a number from 1 to 5." in answer(students[0], poll, choice).content.decode()
    outsider = answer(make_user("poll-outsider"), poll, 3)
    assert "This poll is for another class." in outsider.content.decode()
    assert sum(PollTally.objects.filter(poll=poll).values_list("count", flat=True)) == 0
    assert PollAnswerMarker.objects.count() == 0


def test_polls_belong_to_their_class_s_teachers(teacher, lesson, classroom, students, make_teacher):
    assert open_poll(teacher, classroom, lesson, "no-such-question").status_code == 404
    open_poll(teacher, classroom, lesson)
    poll = LivePoll.objects.get()
    other = client_for(make_teacher("poll-other-teacher"))
    for path in (f"/en/teach/polls/{poll.pk}/", f"/en/teach/polls/{poll.pk}/results/"):
        assert other.get(path).status_code == 404
    assert other.post(f"/en/teach/polls/{poll.pk}/close/").status_code == 404
    assert open_poll(other, classroom, lesson).status_code == 404
    assert client_for(students[0]).get(f"/en/teach/polls/{poll.pk}/results/").status_code == 403
    poll.refresh_from_db()
    assert poll.is_open


def test_class_poll_results_page_lists_polls_by_lesson(teacher, lesson, classroom, students):
    open_poll(teacher, classroom, lesson)
    poll = LivePoll.objects.get()
    for student in students[:5]:
        answer(student, poll, 2)
    html = teacher.get(f"/en/teach/classes/{classroom.pk}/polls/?lesson={lesson.pk}").content.decode()
    assert "5 answers so far." in html and html.count("<meter") == 5
    assert "No polls yet" in teacher.get(f"/en/teach/classes/{classroom.pk}/polls/?lesson=1").content.decode()


def test_the_class_page_has_teach_this_links_per_assignment(teacher, lesson, classroom):
    from datetime import timedelta

    from django.utils import timezone

    from classrooms.models import Assignment

    module = lesson.get_parent().specific
    due = timezone.now() + timedelta(days=3)
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=due)
    Assignment.objects.create(classroom=classroom, page=module, due_at=due)
    html = teacher.get(f"/en/teach/classes/{classroom.pk}/").content.decode()
    section = html[html.index('class="card teach-this"') :]
    for suffix in ("present/", "plan/", "handout/"):
        assert f'href="{lesson.url}{suffix}"' in section
    for module_lesson in module.lessons():  # a module assignment lists each of its lessons
        assert f'href="{module_lesson.url}present/"' in section
    assert f"/teach/classes/{classroom.pk}/polls/?lesson={lesson.pk}" in section
    assert f"/teach/classes/{classroom.pk}/questions/" in section


def test_a_student_finds_the_question_box_of_each_class_on_their_home_page(classroom, students):
    html = client_for(students[0]).get("/en/learn/").content.decode()
    assert f'href="/en/learn/classes/{classroom.pk}/questions/"' in html


def test_a_lesson_page_asks_about_polls_only_when_one_is_open_somewhere_and_sees_a_new_one_at_once(
    teacher, lesson, classroom, students, monkeypatch, django_capture_on_commit_callbacks
):
    """teaching.open_polls: which lessons have an open poll is read at most once per MEMO_SECONDS per process, and
    opening a poll forgets it, so the student's next page shows the poll at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from teaching import open_polls

    monkeypatch.setattr(open_polls, "MEMO_SECONDS", 3600.0)
    open_polls.forget()
    student = client_for(students[0])
    poll_table = LivePoll._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert "/learn/polls/" not in student.get(lesson.url).content.decode()
    assert sum(poll_table in query["sql"] for query in queries.captured_queries) == 1  # the set, read once
    with django_capture_on_commit_callbacks(execute=True):
        open_poll(teacher, classroom, lesson)
    poll = LivePoll.objects.get()
    assert f"/learn/polls/{poll.pk}/answer/" in student.get(lesson.url).content.decode()
    # Open in this class only: a student of another class is asked about their own classes, and sees none.
    outsider = client_for(students[0].__class__.objects.create(username="poll-outsider", account_type="student"))
    assert "/learn/polls/" not in outsider.get(lesson.url).content.decode()


def test_a_poll_opened_in_another_process_reaches_students_once_the_memo_ends(
    teacher, lesson, classroom, students, monkeypatch
):
    # Another web process's writes send no signal here: this process sees them when its memo ends.
    from teaching import open_polls

    monkeypatch.setattr(open_polls, "MEMO_SECONDS", 3600.0)
    student = client_for(students[0])
    open_poll(teacher, classroom, lesson)
    poll = LivePoll.objects.get()
    LivePoll.objects.filter(pk=poll.pk).update(closed_at=poll.opened_at)  # closed elsewhere
    assert "/learn/polls/" not in student.get(lesson.url).content.decode()
    assert open_polls.lessons_with_open_polls() == frozenset()
    LivePoll.objects.filter(pk=poll.pk).update(closed_at=None)  # open again elsewhere, within the memo
    assert "/learn/polls/" not in student.get(lesson.url).content.decode()
    open_polls.forget()  # its time has passed
    assert f"/learn/polls/{poll.pk}/answer/" in student.get(lesson.url).content.decode()
    assert open_polls.lessons_with_open_polls() == {str(lesson.translation_key)}
