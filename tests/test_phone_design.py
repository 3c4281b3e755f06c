"""Issue 15 (made for a phone): Korean typography, the self-hosted font, where-am-I on lessons, the
student's continue screen, favicon, titles and meta descriptions."""

import re
from datetime import timedelta
from html import unescape

import pytest

from django.test import Client
from django.utils import timezone
from django.utils.text import Truncator

from classrooms.models import Assignment, Classroom, Enrollment, School
from lessons.models import LessonPage
from quizzes.models import QuizPage
from tests.conftest import ROOT, client_for
from tests.factories import LessonPageFactory, ModulePageFactory, QuizPageFactory
from tests.test_translations import entries

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

CSS = ROOT / "static/css/site.css"
FONTS = ROOT / "static/fonts/pretendard"


# -- Korean typography --------------------------------------------------------------------------------------


def test_korean_breaks_between_words_and_addresses_break_anywhere():
    css = CSS.read_text()
    html_rule = re.search(r"^html \{(.*?)^\}", css, re.S | re.M).group(1)
    assert "word-break: keep-all" in html_rule
    assert re.search(r'a\[href\^="http"\][^{]*\{[^}]*overflow-wrap: anywhere', css)
    # A fieldset (the quiz) may shrink below its widest field.
    assert re.search(r"fieldset \{[^}]*min-width: 0", css)


def test_the_korean_font_is_self_hosted_with_its_licence_and_a_system_fallback():
    css = CSS.read_text()
    sources = re.findall(r'url\("\.\./fonts/([^"]+)"\)', css)
    assert len(sources) >= 3
    for source in sources:
        path = ROOT / "static/fonts" / source
        assert path.exists() and path.suffix == ".woff2", source
        assert path.read_bytes()[:4] == b"wOF2", source
    assert "SIL Open Font License" in (FONTS / "LICENSE.txt").read_text()
    # No font, script or style from another host.
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert re.search(r'--font-sans: "Pretendard", system-ui, .*"Apple SD Gothic Neo"', css)


def test_whitenoise_serves_the_font(client):
    response = client.get("/static/fonts/pretendard/Pretendard-Regular.subset.woff2")
    assert response.status_code == 200
    assert response["Content-Type"] == "font/woff2"


# Particle workarounds a reader stumbles over, and the stiff "당신".
WORKAROUND = re.compile(r"\((을|를|이|가|은|는|와|과|으|아|야)\)|\(으\)로|당신")


def test_no_particle_workarounds_or_dangsin_in_the_korean_catalogue():
    offending = [item["msgid"] for item in entries() if WORKAROUND.search(item["msgstr"])]
    assert offending == []


def test_crisis_text_speaks_to_the_reader_without_dangsin(client):
    for path in ("/ko/", "/ko/help/", "/ko/help/?situation=image_shared"):
        html = client.get(path).content.decode()
        assert "잘못이 아니에요" in html, path
        assert "당신" not in html, path


# -- Where am I: lesson position and what comes next ----------------------------------------------------------


@pytest.fixture
def module(en):
    """A Korean module of three lessons and a post-test; the first lesson also in English."""
    module = ModulePageFactory(title="딥페이크와 AI")
    first, *_others = LessonPageFactory.create_batch(3, parent=module)
    QuizPageFactory(parent=module, kind=QuizPage.Kind.POST_TEST, title="사후 평가")
    first.copy_for_translation(en, copy_parents=True).save_revision().publish()
    return module


def test_a_lesson_says_where_it_is_in_its_module_and_links_the_next(client, module):
    lessons = list(module.lessons())
    assert len(lessons) == 3
    html = client.get(lessons[1].url).content.decode()
    assert "수업 3개 중 2번째" in html
    assert html.count('class="is-done"') == 1 and html.count('class="is-current"') == 1
    assert f'<a class="button" href="{lessons[2].url}">다음 수업으로 가기</a>' in html
    assert f'href="{lessons[0].url}">이전 수업: {lessons[0].title}</a>' in html


def test_the_last_lesson_leads_to_the_post_test(client, module):
    last = list(module.lessons())[-1]
    post_test = module.quizzes().get(kind=QuizPage.Kind.POST_TEST)
    html = client.get(last.url).content.decode()
    assert "수업 3개 중 3번째" in html
    assert "이 단원의 마지막 수업이에요" in html
    assert f'<a class="button" href="{post_test.url}">사후 평가 보기</a>' in html


def test_a_module_lists_its_lessons_as_a_numbered_path_with_a_start_button(client, module):
    first = list(module.lessons())[0]
    html = client.get(module.url).content.decode()
    assert '<ol class="path">' in html
    assert f'<a class="button" href="{first.url}">첫 수업부터 시작하기</a>' in html
    assert "수업 3개" in html


def test_a_draft_lesson_not_yet_live_has_no_position(module):
    lesson = list(module.lessons())[0]
    lesson.live = False
    assert lesson.position_in(module)["number"] == 1  # still listed until saved
    lesson.save()
    assert lesson.position_in(module) is None


# -- The student's continue screen ---------------------------------------------------------------------------


@pytest.fixture
def student_in_a_class(make_user, make_teacher):
    teacher = make_teacher("teacher-phone")
    school = School.objects.create(name="Phone School")
    classroom = Classroom.objects.create(school=school, name="1-1", audience_band="middle_school")
    classroom.teachers.add(teacher)
    student = make_user("phone-student")
    Enrollment.objects.create(classroom=classroom, student=student)
    return student, classroom


def test_student_home_leads_with_the_next_assignment(student_in_a_class, module):
    student, classroom = student_in_a_class
    first, second = list(module.lessons())[:2]
    Assignment.objects.create(classroom=classroom, page=second, due_at=timezone.now() + timedelta(days=5))
    Assignment.objects.create(classroom=classroom, page=first, due_at=timezone.now() + timedelta(days=2))
    html = client_for(student).get("/ko/learn/").content.decode()
    feature = html[html.index('<section class="continue') : html.index("</section>")]
    assert "다음에 할 일" in feature
    assert f'<a class="button" href="{first.url}">시작하기</a>' in feature  # the one due first
    assert "과제 2개 중 0개 끝냄" in feature


def test_student_home_continues_the_lesson_left_open(student_in_a_class, module):
    student, classroom = student_in_a_class
    first = list(module.lessons())[0]
    Assignment.objects.create(classroom=classroom, page=first, due_at=timezone.now() + timedelta(days=2))
    client = client_for(student)
    client.get(first.url)  # opened, not finished
    html = client.get("/ko/learn/").content.decode()
    feature = html[html.index('<section class="continue') : html.index("</section>")]
    assert "하던 곳에서 이어서 하기" in feature and first.title in feature


def test_student_home_without_a_class_offers_joining_one(make_user):
    html = client_for(make_user("lonely-student")).get("/ko/learn/").content.decode()
    feature = html[html.index('<section class="continue') : html.index("</section>")]
    assert 'href="/ko/join/"' in feature


# -- Favicon, titles, meta descriptions ------------------------------------------------------------------------


def test_favicon_at_the_root_and_the_icons_are_linked(client):
    response = Client().get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/ko/").content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in html
    assert 'href="/static/icons/dignity.svg" type="image/svg+xml"' in html
    assert client.get("/static/icons/dignity.svg").status_code == 200


def description(html):
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) == 1, found
    return unescape(found[0])


def test_meta_description_comes_from_the_search_description(client, module):
    lesson = list(module.lessons())[0]
    lesson.search_description = "딥페이크를 처음 배우는 중학생을 위한 수업"
    lesson.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert description(html) == "딥페이크를 처음 배우는 중학생을 위한 수업"


def test_meta_description_falls_back_to_the_summary_then_to_what_dignity_is(client, module):
    lesson = LessonPage.objects.get(pk=list(module.lessons())[0].pk)
    assert not lesson.search_description
    assert description(client.get(lesson.url).content.decode()) == Truncator(lesson.summary).chars(160)
    for path in ("/ko/help/", "/ko/search/", "/ko/join/", "/ko/accounts/login/"):
        text = description(client.get(path).content.decode())
        assert text.startswith("Dignity는 디지털 성범죄"), path


@pytest.mark.parametrize(
    "path", ["/ko/", "/ko/curriculum/", "/ko/help/", "/ko/search/", "/ko/join/", "/ko/accounts/login/", "/ko/nope/"]
)
def test_every_page_has_a_title(client, path):
    html = client.get(path).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title.endswith("Dignity") and not title.startswith("|"), (path, title)


def test_a_module_shows_a_student_which_of_its_lessons_they_finished(make_user, module):
    from classrooms.progress import mark_completed

    student = make_user("module-student")
    first, second, third = list(module.lessons())
    mark_completed(student, first.get_translation(first.locale.__class__.objects.get(language_code="en")))
    client = client_for(student)
    html = client.get(module.url).content.decode()
    assert "수업 3개 중 1개 끝냄" in html  # finished in English, counted on the Korean module page
    assert html.count('<li class="is-done">') == 1
    assert html.index('<li class="is-done">') < html.index(first.title) < html.index(second.title)
    # Nobody else sees a student's progress, and a reader's page carries none.
    assert "끝냄" not in Client().get(module.url).content.decode()
    other = client_for(make_user("other-student")).get(module.url).content.decode()
    assert "수업 3개 중 0개 끝냄" in other and 'class="is-done"' not in other
