"""The anonymous question box (issue 18, point 3): nothing stored links a question to its sender."""

from html import unescape

import pytest

from django.core.cache import cache

from classrooms.models import Classroom, Enrollment, School
from support.models import HelpChannel
from teaching import rules
from teaching.models import QUESTION_MAX_LENGTH, AnonymousQuestion, DisclosureKeywordList
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


@pytest.fixture
def classroom(make_teacher):
    school = School.objects.create(name="Box school")
    classroom = Classroom.objects.create(school=school, name="2-3", audience_band="middle_school")
    classroom.teachers.add(make_teacher("box-teacher"))
    return classroom


@pytest.fixture
def student(classroom, make_user):
    user = make_user("box-student", display_name="Kim Box")
    Enrollment.objects.create(classroom=classroom, student=user)
    return user


@pytest.fixture
def help_line(en):
    """A help line for everyone, in English: what a student who seems to disclose is shown first."""
    return HelpChannel.objects.create(
        locale=en,
        key="box-women-line",
        name="Women's Emergency Line 1366",
        kind=HelpChannel.Kind.COUNSELLING,
        phone="1366",
        audience=HelpChannel.Audience.ALL,
        description="Counselling and support, day and night.",
    )


def url(classroom):
    return f"/en/learn/classes/{classroom.pk}/questions/"


def test_a_question_is_stored_with_no_link_to_its_sender(classroom, student):
    client = client_for(student)
    response = client.post(url(classroom), {"text": "Is it a crime to only look at a deepfake?"}, follow=True)
    assert "Your teacher cannot see who sent it." in response.content.decode()
    question = AnonymousQuestion.objects.get()
    assert question.text == "Is it a crime to only look at a deepfake?" and not question.flagged
    # The row's columns are the whole record: none can name the student, their session or address.
    columns = {field.column for field in AnonymousQuestion._meta.concrete_fields}
    assert columns == {"id", "classroom_id", "text", "flagged", "received_on", "answered_at", "hidden_at"}
    row = AnonymousQuestion.objects.filter(pk=question.pk).values().get()
    assert row["classroom_id"] == classroom.pk and row["received_on"] is not None
    texts = [value for value in row.values() if isinstance(value, str)]
    for secret in (student.username, student.display_name, client.session.session_key, "127.0.0.1"):
        assert not any(secret in text for text in texts), secret
    # No other table points at the question either (no foreign key to it anywhere).
    from django.apps import apps

    pointing = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is AnonymousQuestion
    ]
    assert pointing == []


def test_the_teacher_sees_questions_without_names_and_can_answer_and_hide(classroom, student):
    AnonymousQuestion.objects.create(classroom=classroom, text="What is 1366?")
    teacher = client_for(classroom.teachers.get())
    html = teacher.get(f"/en/teach/classes/{classroom.pk}/questions/").content.decode()
    assert "What is 1366?" in html
    assert student.username not in html and "Kim Box" not in html
    question = AnonymousQuestion.objects.get()
    action = f"/en/teach/classes/{classroom.pk}/questions/{question.pk}/"
    teacher.post(action, {"action": "answered"})
    question.refresh_from_db()
    assert question.answered_at is not None
    teacher.post(action, {"action": "hide"})
    question.refresh_from_db()
    assert question.hidden_at is not None
    assert "What is 1366?" not in teacher.get(f"/en/teach/classes/{classroom.pk}/questions/").content.decode()
    assert "What is 1366?" in teacher.get(f"/en/teach/classes/{classroom.pk}/questions/?hidden=1").content.decode()
    response = teacher.post(action, {"action": "reveal-sender"}, follow=True)
    assert "Choose what to do with the question." in response.content.decode()


def test_another_teacher_cannot_read_or_change_the_box(classroom, make_teacher):
    question = AnonymousQuestion.objects.create(classroom=classroom, text="Secret question")
    other = client_for(make_teacher("box-other-teacher"))
    assert other.get(f"/en/teach/classes/{classroom.pk}/questions/").status_code == 404
    action = f"/en/teach/classes/{classroom.pk}/questions/{question.pk}/"
    assert other.post(action, {"action": "hide"}).status_code == 404
    question.refresh_from_db()
    assert question.hidden_at is None


def test_a_disclosure_shows_the_help_lines_before_anything_is_sent(classroom, student, help_line):
    client = client_for(student)
    text = "Someone is threatening to post a photo of me"
    response = client.post(url(classroom), {"text": text})
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Before you send your question" in html
    assert "1366" in html and "Your teacher cannot see who sent this question." in html
    assert AnonymousQuestion.objects.count() == 0  # not sent yet
    client.post(url(classroom), {"text": text, "confirmed": "yes"})
    question = AnonymousQuestion.objects.get()
    assert question.flagged
    teacher_html = client_for(classroom.teachers.get()).get(f"/en/teach/classes/{classroom.pk}/questions/")
    teacher_html = unescape(teacher_html.content.decode())
    assert "May be a disclosure" in teacher_html and "Article 34(2)" in teacher_html


def test_korean_keywords_and_editors_list(classroom, student, ko):
    assert rules.looks_like_disclosure("누가 제 사진으로 협박해요")
    assert not rules.looks_like_disclosure("딥페이크를 보기만 해도 처벌받나요?")
    keywords = DisclosureKeywordList.objects.get(locale=ko)
    keywords.keywords += "\n보기만"
    keywords.save()
    assert rules.looks_like_disclosure("딥페이크를 보기만 해도 처벌받나요?")


@pytest.mark.parametrize("text", ["", "   ", "x" * (QUESTION_MAX_LENGTH + 1)])
def test_empty_or_too_long_questions_are_refused_and_nothing_is_stored(classroom, student, text):
    response = client_for(student).post(url(classroom), {"text": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write your question first." in html or f"the limit is {QUESTION_MAX_LENGTH}" in html
    assert AnonymousQuestion.objects.count() == 0


def test_a_student_not_in_the_class_is_refused_and_nothing_is_stored(classroom, make_user):
    outsider = client_for(make_user("box-outsider"))
    response = outsider.post(url(classroom), {"text": "Hello?"})
    assert response.status_code == 403
    assert "You can only send questions to a class you are in. Nothing was sent." in response.content.decode()
    assert AnonymousQuestion.objects.count() == 0
    teacher = client_for(classroom.teachers.get())
    assert teacher.post(url(classroom), {"text": "A teacher's question"}).status_code == 403
    assert AnonymousQuestion.objects.count() == 0


def test_the_rate_limit_counts_per_student_without_naming_a_question(classroom, student):
    client = client_for(student)
    for number in range(rules.QUESTIONS_PER_HOUR):
        client.post(url(classroom), {"text": f"Question {number}"})
    response = client.post(url(classroom), {"text": "One too many"})
    assert response.status_code == 400
    assert "Please wait a while" in response.content.decode()
    assert AnonymousQuestion.objects.count() == rules.QUESTIONS_PER_HOUR
    # The counter's key names the class and the student only; its value is a number.
    assert cache.get(f"question-box:{classroom.pk}:{student.pk}") == rules.QUESTIONS_PER_HOUR
