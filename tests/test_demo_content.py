"""The demo content itself (demo/, loaded for the session): facts the lessons state and rules every demo lesson
keeps. These read the demo on purpose, like the loader's own tests (test_demo_loader.py, test_demo_schema.py);
what the code does with any content is tested elsewhere on factory-built pages (marked no_demo)."""

import pytest

from django.template.loader import render_to_string
from django.utils import translation

from lessons.models import LawReference, LessonPage
from lessons.presenting import sort_teacher_notes
from quizzes.models import QuizPage
from support.models import HelpChannel, ReportGuide
from tests.test_help import site_urls
from website.demo.schema import LAW_KEYS

pytestmark = pytest.mark.django_db

# Law references added for issue 14 (points 6 and 7).
NEW_KEYS = {
    "criminal-act-9",
    "criminal-act-305",
    "juvenile-act-4",
    "juvenile-act-32",
    "sva-7-3",
    "sva-7-4",
    "acpa-25-2",
    "acpa-34",
    "acpa-67",
    "sca-27",
    "hea-19-3",
    "spva-13-2",
    "telecom-22-5",
}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_law_key_has_a_reference_in_both_languages(language):
    keys = set(LawReference.objects.filter(locale__language_code=language).values_list("key", flat=True))
    assert keys == LAW_KEYS
    assert NEW_KEYS <= keys
    for law in LawReference.objects.filter(locale__language_code=language, key__in=NEW_KEYS):
        assert law.source_url.startswith("https://www.law.go.kr/법령/"), law.key


def card(key, language):
    """The demo law's card as a reader of that language sees it."""
    with translation.override(language):
        return render_to_string(
            "blocks/law_card.html", {"law": LawReference.objects.get(key=key, locale__language_code=language)}
        )


def test_the_demo_laws_carry_the_dates_law_md_gives():
    """PIPA Art. 22-2's date is inferred from its last amendment; SCA Art. 14-2's in-force date is stated."""
    html = card("pipa-22-2", "en")
    assert "<dt>Last amended</dt>" in html and "2023-03-14" in html and "an inference" in html
    assert "<dt>Last amended</dt>" in card("acpa-2", "en")
    html = card("sca-14-2", "en")
    assert "<dt>In force since</dt>" in html and "2024-10-16" in html
    assert "<dt>마지막 개정</dt>" in card("acpa-2", "ko")
    assert "<dt>이 문구가 시행 중인 날</dt>" in card("juvenile-act-4", "ko")


def test_the_community_service_age_limit_is_stated():
    law = LawReference.objects.get(key="juvenile-act-32", locale__language_code="ko")
    assert "사회봉사명령(3호)은 14세 이상에게만" in law.punishes


def test_every_demo_lesson_has_a_timing_line_and_disclosure_guidance():
    lessons = list(LessonPage.objects.live())
    assert lessons, "the demo has lessons"
    for lesson in lessons:
        notes = sort_teacher_notes(lesson.teacher_notes)
        planned = sum(minutes or 0 for _label, minutes in notes.timing)
        assert abs(planned - lesson.duration_minutes) <= lesson.duration_minutes // 10, (lesson.slug, notes.timing)
        assert notes.disclosure, lesson.slug


def test_the_demo_help_content_is_live():
    """Help lines, report guides and law references go through review (issue 12); what the demo loads is live."""
    assert HelpChannel.objects.exists() and ReportGuide.objects.exists() and LawReference.objects.exists()
    assert HelpChannel.objects.filter(live=False).count() == 0
    assert ReportGuide.objects.filter(live=False).count() == 0
    assert LawReference.objects.filter(live=False).count() == 0


def test_no_assessed_quiz_promises_an_explanation_on_choosing():
    """The demo's check quizzes said "답을 고르면 바로 해설이 나와요" while explaining only after the
    submission: an assessed quiz's introduction may not promise that."""
    from quizzes.feedback import instant_feedback

    promises = ("답을 고르면", "after each answer", "as soon as")
    assessed = [quiz for quiz in QuizPage.objects.live() if not instant_feedback(quiz)]
    assert assessed
    assert [quiz.title for quiz in assessed if any(promise in quiz.intro for promise in promises)] == []


# -- the demo's help lines and report guides: the numbers, addresses and words facts.md gives ----------------


@pytest.mark.parametrize(
    ("language", "situation", "expected_phones", "expected_urls"),
    [
        ("ko", "danger", ["112"], []),
        ("ko", "image_shared", ["1366"], ["https://takeitdown.ncmec.org", "https://stopncii.org"]),
        ("en", "threatened", ["112"], ["https://ecrm.police.go.kr/minwon/main"]),
        ("ko", "witness", ["117"], []),
        ("en", "talk", ["1388"], []),
    ],
)
def test_get_help_routes_by_situation(client, language, situation, expected_phones, expected_urls):
    response = client.get(f"/{language}/help/", {"situation": situation})
    channels = response.context["channels"]
    assert channels and all(situation in channel.situations for channel in channels)
    assert all(channel.locale.language_code == language for channel in channels)
    phones = [channel.phone for channel in channels]
    urls = [channel.url.rstrip("/") for channel in channels]
    for phone in expected_phones:
        assert phone in phones
    for url in expected_urls:
        assert url.rstrip("/") in urls


def test_under_18_and_adult_takedown_tools_are_labelled(client):
    channels = {channel.key: channel for channel in client.get("/en/help/").context["channels"]}
    assert channels["take-it-down"].audience == "under_18"
    assert channels["stopncii"].audience == "adults"


def test_report_guides_cover_the_platforms_and_the_rule(client):
    html = client.get("/en/help/report/").content.decode()
    for platform in ("Telegram", "X", "YouTube", "Instagram", "KakaoTalk", "Naver", "Discord", "TikTok"):
        assert platform in html
    assert "Do not download or forward it." in html


def test_kakaotalk_guide_covers_messages_open_chat_and_profiles(client):
    guide = next(g for g in client.get("/en/help/report/").context["guides"] if g.key == "kakaotalk")
    steps = " ".join(guide.step_list)
    for phrase in ("can't report a message from a friend", "Report & Leave", "Block & report", "Export Chat Message"):
        assert phrase in steps
    assert "leave any sexual image out of the screenshot" in steps


def test_x_take_it_down_form_is_said_to_be_a_us_law_form(client):
    guide = next(g for g in client.get("/ko/help/report/").context["guides"] if g.key == "x")
    assert "미국 법(TAKE IT DOWN Act)" in guide.notes


def test_no_page_renders_a_tel_link_for_an_unconfirmed_channel(client):
    unconfirmed = HelpChannel.objects.filter(confirmed=False)
    assert {channel.key for channel in unconfirmed} >= {"regulator-1377"}  # as the demo files say
    # Mark a second line unconfirmed, one that lesson cards show, so the rule is proved on cards too.
    HelpChannel.objects.filter(key="school-117").update(confirmed=False, status_note="Not confirmed today.")
    numbers = {channel.phone for channel in HelpChannel.objects.filter(confirmed=False) if channel.phone}
    assert numbers == {"1377", "117"}
    checked = 0
    for url in site_urls():
        response = client.get(url, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for number in numbers:
            assert f'href="tel:{number}"' not in html, f"{url}: tel:{number}"
        checked += 1
    assert checked > 100
    html = client.get("/ko/help/").content.decode()
    assert "1377 (확인되지 않음)" in html  # still listed on /help/, with the hedge instead of a link
    assert HelpChannel.objects.get(key="regulator-1377", locale__language_code="ko").status_note in html


@pytest.mark.parametrize("language", ["ko", "en"])
def test_witnesses_are_routed_to_1366_and_the_deletion_centre(client, language):
    channels = client.get(f"/{language}/help/", {"situation": "witness"}).context["channels"]
    keys = {channel.key for channel in channels}
    assert {"women-1366", "d4u-center", "school-117"} <= keys


def test_1388_has_no_under_18_age_limit(client):
    assert HelpChannel.objects.filter(key="youth-1388").exists()
    for channel in HelpChannel.objects.filter(key="youth-1388"):
        assert channel.audience == "young_people"
    html = client.get("/ko/help/").content.decode()
    assert "아동·청소년과 보호자" in html


def test_02_735_8994_is_not_called_24_hours(client):
    assert HelpChannel.objects.filter(key="d4u-center").exists()
    for channel in HelpChannel.objects.filter(key="d4u-center"):
        assert "735-8994" in channel.hours and ("확인되지" in channel.hours or "not confirmed" in channel.hours)
