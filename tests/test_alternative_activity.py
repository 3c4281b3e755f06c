"""Issue 18 #3: a guardian asks for the alternative activity; the teacher records it on the class page;
the matrix and the student's card count it as completed; the class gets a printable guardian letter."""

from datetime import timedelta

import pytest

from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from classrooms.models import AlternativeActivity, Assignment, Classroom, Enrollment, School
from classrooms.progress import Status, build_matrix, build_student_view
from tests.conftest import client_for
from tests.factories import LessonPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def teacher(make_teacher):
    return make_teacher("alt-teacher")


@pytest.fixture
def lesson():
    return LessonPageFactory(
        title="딥페이크란 무엇인가", alternative_activity="같은 시간에 도서관에서 디지털 시민성 읽기 자료를 읽습니다."
    )


@pytest.fixture
def classroom(teacher):
    room = Classroom.objects.create(
        school=School.objects.create(name="한빛중학교"), name="2-3", audience_band="middle_school"
    )
    room.teachers.add(teacher)
    return room


@pytest.fixture
def assignment(classroom, lesson, teacher):
    opens = timezone.now()
    return Assignment.objects.create(
        classroom=classroom, page=lesson, opens_at=opens, due_at=opens + timedelta(days=7), assigned_by=teacher
    )


@pytest.fixture
def student(classroom, make_user):
    pupil = make_user("alt-student", display_name="민지")
    Enrollment.objects.create(classroom=classroom, student=pupil)
    return pupil


def record_url(classroom, assignment):
    return f"/ko/teach/classes/{classroom.pk}/assignments/{assignment.pk}/alternative/"


def test_recorded_alternative_counts_as_completed_and_removing_it_undoes_it(teacher, classroom, assignment, student):
    client = client_for(teacher)
    assert build_matrix(classroom).rows[0][1][0].status == Status.NOT_STARTED

    response = client.post(record_url(classroom, assignment), {"student": student.pk, "note": "보호자 요청"})
    assert response.status_code == 302
    record = AlternativeActivity.objects.get()
    assert (record.student, record.recorded_by, record.note) == (student, teacher, "보호자 요청")

    cell = build_matrix(classroom).rows[0][1][0]
    assert (cell.status, cell.alternative) == (Status.COMPLETED, True)
    assert build_matrix(classroom).columns[0].completed == 1
    progress = client.get(f"/ko/teach/classes/{classroom.pk}/progress/").content.decode()
    assert "완료(대체 활동)" in progress and "(0/1)" not in progress
    card = build_student_view(student, lesson_locale(assignment))[0].cell
    assert card.alternative and card.status == Status.COMPLETED
    assert "완료(대체 활동)" in client_for(student).get("/ko/learn/").content.decode()
    page = client.get(f"/ko/teach/classes/{classroom.pk}/").content.decode()
    assert "보호자 요청" in page and "민지" in page

    removed = client.post(f"{record_url(classroom, assignment)}{student.pk}/remove/")
    assert removed.status_code == 302 and not AlternativeActivity.objects.exists()
    cell = build_matrix(classroom).rows[0][1][0]
    assert (cell.status, cell.alternative) == (Status.NOT_STARTED, False)
    assert "완료(대체 활동)" not in client.get(f"/ko/teach/classes/{classroom.pk}/progress/").content.decode()


def lesson_locale(assignment):
    return assignment.page.specific.locale


def test_another_teacher_gets_404_and_nothing_is_stored(make_teacher, classroom, assignment, student):
    stranger = client_for(make_teacher("alt-stranger"))
    assert stranger.post(record_url(classroom, assignment), {"student": student.pk}).status_code == 404
    assert (
        stranger.get(f"/ko/teach/classes/{classroom.pk}/assignments/{assignment.pk}/guardian-letter/").status_code
        == 404
    )
    assert not AlternativeActivity.objects.exists()


def test_a_student_of_another_class_is_refused_with_a_message(teacher, classroom, assignment, make_user):
    outsider = make_user("alt-outsider")
    other = Classroom.objects.create(school=classroom.school, name="3-1", audience_band="middle_school")
    Enrollment.objects.create(classroom=other, student=outsider)
    response = client_for(teacher).post(record_url(classroom, assignment), {"student": outsider.pk})
    assert response.status_code == 400
    assert "이 반 학생을 선택하세요" in response.content.decode()
    assert not AlternativeActivity.objects.exists()


def test_an_assignment_of_another_class_is_404(teacher, classroom, student, lesson):
    other = Classroom.objects.create(school=classroom.school, name="3-1", audience_band="middle_school")
    other.teachers.add(teacher)
    foreign = Assignment.objects.create(classroom=other, page=lesson, due_at=timezone.now() + timedelta(days=3))
    response = client_for(teacher).post(record_url(classroom, foreign), {"student": student.pk})
    assert response.status_code == 404
    assert not AlternativeActivity.objects.exists()


def test_guardian_letter_shows_class_dates_and_alternative_activity(teacher, classroom, assignment, lesson):
    response = client_for(teacher).get(
        f"/ko/teach/classes/{classroom.pk}/assignments/{assignment.pk}/guardian-letter/"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "2-3" in html and "한빛중학교" in html
    assert timezone.localtime(assignment.opens_at).strftime("%Y-%m-%d") in html
    assert timezone.localtime(assignment.due_at).strftime("%Y-%m-%d") in html
    assert lesson.alternative_activity.strip() and escape(lesson.alternative_activity.strip()[:40]) in html
    assert "회신서" in html  # the reply slip
    # Linked from the class page.
    page = client_for(teacher).get(f"/ko/teach/classes/{classroom.pk}/").content.decode()
    assert f"/assignments/{assignment.pk}/guardian-letter/" in page


def test_signed_letter_link_opens_without_an_account_and_a_tampered_one_is_404(
    teacher, classroom, assignment, student
):
    from classrooms.views.alternative import letter_token

    AlternativeActivity.objects.create(assignment=assignment, student=student, recorded_by=teacher)
    teacher_page = client_for(teacher).get(
        f"/ko/teach/classes/{classroom.pk}/assignments/{assignment.pk}/guardian-letter/"
    )
    token = letter_token(assignment)
    assert f"/ko/join/letter/{token}/" in teacher_page.content.decode()
    # The link carries the assignment only: no student's name or username in it.
    assert student.username not in token and "민지" not in token

    response = Client().get(f"/ko/join/letter/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2-3" in html and "한빛중학교" in html and "회신서" in html
    assert "민지" not in html and student.username not in html
    assert f"/teach/classes/{classroom.pk}/" not in html  # no teacher links for the guardian

    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert Client().get(f"/ko/join/letter/{tampered}/").status_code == 404
    other_id = signing.dumps(assignment.pk + 1000, salt="another-salt")
    assert Client().get(f"/ko/join/letter/{other_id}/").status_code == 404
