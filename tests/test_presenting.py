"""Projector mode, the presenter view, the printable plan and the student handout (issue 18, points 1–2)."""

import re
from html import unescape

import pytest

from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client

from lessons.models import LessonPage
from lessons.presenting import build_screens, parse_timing, sort_teacher_notes
from support.models import HelpChannel
from tests.conftest import client_for
from tests.factories import HelpChannelFactory, LessonPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

SECTION = re.compile(r'<section class="screen screen--(?P<kind>[a-z_]+)" id="screen-(?P<number>\d+)"')


ENGLISH_NOTES = (
    "Timing (45 min): ground rules (3) · scenario in groups, pairs (30) · reflection (10) · help card (2).\n\n"
    "Ground rules: talk about the characters only, never about anyone in the room.\n\n"
    "If a student discloses: listen, believe them, and do not promise to keep it secret.\n\n"
    "Background for you: most sharing starts in group chats students already use."
)
KOREAN_NOTES = (
    "수업 흐름(45분): 약속과 안내 3분, 모둠 활동 30분, 정리 10분, 도움 카드 2분\n\n"
    "수업 약속: 이야기 속 인물에 대해서만 이야기합니다.\n\n"
    "학생이 피해를 털어놓을 때: 끝까지 듣고, 비밀로 하겠다고 약속하지 마세요."
)
SCENARIO = {
    "title": "Min-jun's group chat",
    "story": "Min-jun sees a classmate's edited photo in a group chat.",
    "questions": ["What could Min-jun do?", "Who could Min-jun tell?"],
}


@pytest.fixture
def lessons(en):
    """A high-school lesson in Korean and its English translation, each with teacher notes in its language."""
    korean = LessonPageFactory(
        audience="high_school",
        objectives="딥페이크가 무엇인지 설명한다\n도움을 구할 곳을 안다",
        key_takeaways="딥페이크를 만드는 것도 범죄입니다\n피해자의 잘못이 아닙니다",
        content_note="이 수업은 딥페이크 성범죄를 다룹니다.",
        teacher_notes=KOREAN_NOTES,
        body=[
            ("heading", {"text": "딥페이크란", "level": "h2"}),
            ("paragraph", "<p>합성 이미지에 대한 설명.</p>"),
            ("scenario", SCENARIO),
            ("help_card", {"title": ""}),
        ],
    )
    english = korean.copy_for_translation(en, copy_parents=True)
    english.title = "Deepfakes and the law"
    english.objectives = "Explain what a deepfake is\nKnow where to get help"
    english.key_takeaways = "Making a sexual deepfake is a crime\nIt is never the victim's fault"
    english.content_note = "This lesson is about sexual deepfakes."
    english.alternative_activity = "Read about digital citizenship in the library."
    english.teacher_notes = ENGLISH_NOTES
    english.save_revision().publish()
    return {"ko": LessonPage.objects.get(pk=korean.pk), "en": LessonPage.objects.get(pk=english.pk)}


@pytest.fixture
def lesson(lessons):
    return lessons["en"]


@pytest.fixture
def teacher(make_teacher):
    return make_teacher("present-teacher")


@pytest.fixture
def editor(make_user):
    user = make_user("present-editor", account_type="staff")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


# -- projector ------------------------------------------------------------------------------------------------


def test_screens_follow_the_body_with_the_content_note_first_and_the_help_card_last(lesson):
    screens = build_screens(lesson)
    body_kinds = [block.block_type for block in lesson.body if block.block_type != "help_card"]
    questions = sum(len(block.value["questions"]) for block in lesson.body if block.block_type == "scenario")
    assert screens[0].kind == "content_note"
    assert screens[-1].kind == "help_card"
    assert [screen.kind for screen in screens[1:-1] if screen.kind != "question"] == body_kinds
    assert len([screen for screen in screens if screen.kind == "question"]) == questions
    assert [screen.number for screen in screens] == list(range(1, len(screens) + 1))
    # The suggested minutes add up to (about) the lesson's length.
    assert abs(sum(screen.minutes for screen in screens) - lesson.duration_minutes) <= len(screens) // 2


def test_projector_is_one_anchor_per_screen_with_next_and_previous_links(client, lesson):
    response = client.get(lesson.url + "present/")
    assert response.status_code == 200
    html = response.content.decode()
    sections = SECTION.findall(html)
    screens = build_screens(lesson)
    assert [(kind, int(number)) for kind, number in sections] == [(s.kind, s.number) for s in screens]
    assert sections[0][0] == "content_note" and sections[-1][0] == "help_card"
    for number in range(1, len(screens)):
        assert f'href="#screen-{number + 1}" rel="next"' in html
        assert f'href="#screen-{number}" rel="prev"' in html
    assert 'href="#screen-1" rel="prev"' not in html.split('id="screen-1"')[0]
    assert "js/present.js" in html and "css/present.css" in html
    assert f"1 / {len(screens)}" in html and f'<progress class="screen__progress" max="{len(screens)}"' in html
    assert lesson.content_note[:40] in html


def test_projector_never_shows_teacher_notes_even_to_a_teacher(client, lesson, teacher):
    notes = sort_teacher_notes(lesson.teacher_notes)
    secret = notes.disclosure[0][:60]
    assert secret not in client.get(lesson.url + "present/").content.decode()
    html = client_for(teacher).get(lesson.url + "present/").content.decode()
    assert secret not in html
    assert notes.guidance[0][:60] not in html
    assert "present/presenter/" in html  # the teacher gets the link to their own notes instead


def test_a_teacher_may_project_a_lesson_no_class_of_theirs_is_assigned(lesson, teacher):
    from classrooms.models import Assignment

    assert not Assignment.objects.filter(page=lesson).exists()
    assert client_for(teacher).get(lesson.url + "present/").status_code == 200


def test_presenter_view_is_for_teachers_and_editors_only(client, lesson, teacher, editor, make_user):
    url = lesson.url + "present/presenter/"
    notes = sort_teacher_notes(lesson.teacher_notes)
    for user in (teacher, editor):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        html = response.content.decode()
        assert notes.disclosure[0][:60] in html
        assert 'id="note-1"' in html and "About " in html
    assert client_for(make_user("present-student")).get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_missing_route_under_the_lesson_is_404(client, lesson):
    assert client.get(lesson.url + "present/nothing/").status_code == 404


# -- teacher notes parsing --------------------------------------------------------------------------------------


def test_teacher_notes_are_sorted_by_what_each_paragraph_is_for():
    english = (
        "Timing (45 min): ground rules (3) · scenario in groups, pairs (13) · help card (2).\n\n"
        "Ground rules: talk about the characters only.\n\n"
        "If a student discloses: listen and believe them.\n\n"
        "Background for you."
    )
    notes = sort_teacher_notes(english)
    assert notes.timing == [("ground rules", 3), ("scenario in groups, pairs", 13), ("help card", 2)]
    assert notes.ground_rules == ["Ground rules: talk about the characters only."]
    assert notes.disclosure == ["If a student discloses: listen and believe them."]
    assert notes.guidance == ["Background for you."]
    korean = (
        "수업 흐름(45분): 약속과 안내 3분, 도입 5분, 모둠 활동 20분\n\n"
        "수업 약속: 이야기 속 인물만.\n\n"
        "학생이 피해를 털어놓을 때: 끝까지 들어 주세요."
    )
    notes = sort_teacher_notes(korean)
    assert notes.timing == [("약속과 안내", 3), ("도입", 5), ("모둠 활동", 20)]
    assert notes.ground_rules and notes.disclosure and not notes.guidance
    assert parse_timing("Plan: free discussion") == [("free discussion", None)]


# -- plan and handout -------------------------------------------------------------------------------------------


def test_plan_has_everything_a_teacher_needs_in_the_room(lesson, teacher):
    response = client_for(teacher).get(lesson.url + "plan/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    notes = sort_teacher_notes(lesson.teacher_notes)
    for objective in lesson.objective_list:
        assert objective[:50] in html
    for label, minutes in notes.timing:
        assert f"<td>{label}</td><td>{minutes}</td>" in html
    assert lesson.content_note[:50] in html and lesson.alternative_activity[:50] in html
    for block in lesson.body:
        if block.block_type == "scenario":
            for question in block.value["questions"]:
                assert question[:40] in html
    assert notes.disclosure[0][:50] in html
    assert "Article 34(2)" in html and "112" in html and "3 million won" in html
    assert 'class="worksheet"' in html and "css/print.css" in html
    assert notes.guidance[0][:50] in html


def test_plan_and_presenter_refuse_students(lesson, make_user):
    student = client_for(make_user("plan-student"))
    assert student.get(lesson.url + "plan/").status_code == 404


def test_plan_and_handout_in_korean(teacher, lessons):
    lesson = lessons["ko"]
    html = client_for(teacher).get(lesson.url + "plan/").content.decode()
    assert "신고 의무" in html and "제34조" in html
    handout = unescape(Client().get(lesson.url + "handout/").content.decode())
    assert "핵심 정리" in handout or "꼭 기억할 점" in handout
    for takeaway in lesson.takeaway_list:
        assert takeaway[:30] in handout


def test_handout_lists_takeaways_and_the_help_lines_for_the_band(client, lesson):
    HelpChannelFactory(locale=lesson.locale, name="Women's Emergency Line 1366", phone="1366")
    adults_only = HelpChannelFactory(
        locale=lesson.locale, name="Adults-only test line", phone="02-000-0000", audience=HelpChannel.Audience.ADULTS
    )
    html = unescape(client.get(lesson.url + "handout/").content.decode())
    for takeaway in lesson.takeaway_list:
        assert takeaway[:40] in html
    assert "1366" in html
    assert adults_only.name not in html  # a high-school handout leaves out lines for adults only
    lesson.audience = "university"
    lesson.save(update_fields=["audience"])
    for cache in caches.all():  # the anonymous page cache still holds the high-school handout
        cache.clear()
    assert adults_only.name in client.get(lesson.url + "handout/").content.decode()
