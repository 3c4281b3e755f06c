"""The editors' side: previews show drafts, help content is reviewed before it goes live, citations
follow the lesson's language, and editors see which lessons a change reaches."""

import json

import pytest

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from wagtail.models import Workflow

from lessons.models import LawReference, LessonPage
from quizzes.models import QuizAttempt
from support.models import HelpChannel, ReportGuide
from tests.conftest import client_for
from tests.factories import (
    HelpChannelFactory,
    LawReferenceFactory,
    LessonPageFactory,
    QuizPageFactory,
    locale_of,
    reflection_text,
    single_choice,
)

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

CHANNEL_FIELDS = ("key", "name", "kind", "text_or_chat", "hours", "audience", "description", "country", "sort_order")


@pytest.fixture
def editor(make_user):
    user = make_user("editor-r", account_type="staff")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(make_user):
    user = make_user("moderator-r", account_type="staff")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def korean_lesson_with_help_card():
    return LessonPageFactory(body=[("paragraph", "<p>도움을 구할 곳</p>"), ("help_card", {"title": ""})])


def youth_line():
    """A Korean help line, as an editor finds it: live, for young people, first on every help card."""
    return HelpChannelFactory(
        locale=locale_of("ko"), name="시험용 청소년 상담 창구", phone="1388", audience="young_people", sort_order=1
    )


def korean_law_and_translation():
    """A Korean law reference and its English translation (the same translation key)."""
    korean = LawReferenceFactory(
        locale=locale_of("ko"),
        act="성폭력처벌법",
        article="제14조의2",
        punishes="허위영상물을 만들거나 퍼뜨린 사람을 처벌합니다.",
    )
    english = LawReferenceFactory(
        locale=locale_of("en"),
        translation_key=korean.translation_key,
        key=korean.key,
        act="Sexual Violence Punishment Act",
        article="Article 14-2",
        punishes="Punishes whoever makes or spreads a sexual deepfake.",
    )
    return korean, english


def korean_lesson_citing(law):
    return LessonPageFactory(title="딥페이크와 법", body=[("law", {"law": law}), ("help_card", {"title": ""})])


def channel_form(channel, **changes):
    data = {field: getattr(channel, field) for field in CHANNEL_FIELDS}
    data.update(phone=channel.phone, url=channel.url, situations=json.dumps(channel.situations), active="on")
    if channel.confirmed:  # a checkbox: sent only when ticked
        data["confirmed"] = "on"
    data.update(changes)
    return data


def public_pages_text(lesson):
    """What an anonymous reader sees on the get-help page and on a lesson with a help card."""
    help_page = Client().get("/ko/help/").content.decode()
    lesson_page = Client().get(lesson.url).content.decode()
    return help_page + lesson_page


# -- reviewed help content -----------------------------------------------------------------------------------


def test_help_content_runs_through_the_korean_named_review_workflow():
    workflow = Workflow.objects.get(name="교육과정 검토")
    for model in (LawReference, HelpChannel, ReportGuide):
        assert model.get_default_workflow() == workflow, model
    assert [task.name for task in workflow.tasks.all()] == ["검토자 승인"]


def test_an_editors_channel_change_is_on_no_public_page_until_a_moderator_approves(editor, moderator):
    """Security: an editor who mistypes (or falsifies) a hotline number cannot put it in front of a reader."""
    channel = youth_line()
    lesson = korean_lesson_with_help_card()
    assert "1388" in public_pages_text(lesson)  # warms the anonymous cache of both pages
    url = reverse("wagtailsnippets_support_helpchannel:edit", args=[channel.pk])

    # The editor may not publish: a publish button pressed anyway only saves a draft.
    response = client_for(editor).post(url, channel_form(channel, phone="010-0000-0000", **{"action-publish": "1"}))
    assert response.status_code in (200, 302)
    # Then submits it for review.
    client_for(editor).post(url, channel_form(channel, phone="010-0000-0000", **{"action-submit": "1"}))
    channel.refresh_from_db()
    assert channel.phone == "1388"
    assert channel.has_unpublished_changes
    assert channel.workflow_in_progress
    assert "010-0000-0000" not in public_pages_text(lesson)

    task_state = channel.current_workflow_task_state
    approve = reverse(
        "wagtailsnippets_support_helpchannel:workflow_action", args=[channel.pk, "approve", task_state.pk]
    )
    assert client_for(editor).post(approve, {}).status_code in (302, 403)  # not the editor's to approve
    channel.refresh_from_db()
    assert channel.phone == "1388"

    response = client_for(moderator).post(approve, {})
    assert response.status_code in (200, 302), response.content[:500]
    channel.refresh_from_db()
    assert channel.phone == "010-0000-0000"
    assert "010-0000-0000" in Client().get("/ko/help/").content.decode()
    assert "010-0000-0000" in Client().get(lesson.url).content.decode()


def test_a_new_channel_stays_off_the_help_page_until_published(ko):
    channel = HelpChannel(
        locale=ko,
        key="draft-line",
        name="검토 전 새 상담 창구",
        kind="counselling",
        phone="1577-0000",
        description="초안",
        live=False,
    )
    channel.save()
    channel.save_revision()
    assert "검토 전 새 상담 창구" not in Client().get("/ko/help/").content.decode()
    channel.get_latest_revision().publish()
    assert "검토 전 새 상담 창구" in Client().get("/ko/help/").content.decode()


def test_a_report_guide_draft_is_not_on_the_report_page():
    guide = ReportGuide.objects.create(
        locale=locale_of("ko"),
        key="test-platform",
        platform="시험 플랫폼",
        report_url="https://example.org/report",
        steps="신고",
    )
    guide.platform = "검토 전 플랫폼 이름"
    guide.save_revision()
    assert "검토 전 플랫폼 이름" not in Client().get("/ko/help/report/").content.decode()
    guide.get_latest_revision().publish()
    assert "검토 전 플랫폼 이름" in Client().get("/ko/help/report/").content.decode()


def test_a_law_draft_is_not_cited_until_published():
    law, _english = korean_law_and_translation()
    lesson = korean_lesson_citing(law)
    Client().get(lesson.url)
    law.penalty = "검토 전 형량 문구"
    law.save_revision()
    assert "검토 전 형량 문구" not in Client().get(lesson.url).content.decode()


def test_the_edit_view_lists_the_lessons_a_change_reaches(admin_client):
    # A Korean lesson citing a law, with a help card, and its English translation (which has one too).
    korean_law, law = korean_law_and_translation()
    korean_lesson_citing(korean_law).copy_for_translation(locale_of("en"), copy_parents=True).save_revision().publish()
    channel = youth_line()
    lesson = korean_lesson_with_help_card()
    html = admin_client.get(reverse("wagtailsnippets_support_helpchannel:edit", args=[channel.pk])).content.decode()
    panel = html[html.index("data-affected-lessons") :]
    assert lesson.title in panel
    assert len(channel.affected_lessons()) >= 1
    english = LessonPage.objects.filter(locale__language_code="en")
    assert not set(english.values_list("pk", flat=True)) & {lesson.pk for lesson in channel.affected_lessons()}

    html = admin_client.get(reverse("wagtailsnippets_lessons_lawreference:edit", args=[law.pk])).content.decode()
    affected = list(law.affected_lessons())
    assert affected and all(lesson.locale.language_code == "en" for lesson in affected)
    assert affected[0].title in html[html.index("data-affected-lessons") :]


# -- previews show drafts ------------------------------------------------------------------------------------


def test_a_lesson_preview_shows_the_draft_body_even_when_the_body_is_cached(admin_client):
    law, _english = korean_law_and_translation()
    lesson = korean_lesson_citing(law)
    Client().get(lesson.url)  # the live body is now in the fragment cache
    draft = lesson.get_latest_revision_as_object()
    draft.body.append(("paragraph", "<p>초안에만 있는 새 문단</p>"))
    revision = draft.save_revision()
    html = admin_client.get(reverse("wagtailadmin_pages:revisions_view", args=[lesson.pk, revision.pk])).content
    assert "초안에만 있는 새 문단" in html.decode()
    assert "초안에만 있는 새 문단" not in Client().get(lesson.url).content.decode()


def test_a_quiz_preview_shows_the_drafts_questions_and_records_nothing(admin_client, admin_user):
    quiz = QuizPageFactory(questions=json.dumps([single_choice(), reflection_text()]))
    draft = quiz.get_latest_revision_as_object()
    draft.questions.append(("reflection_text", {"prompt": "초안에만 있는 새 질문"}))
    revision = draft.save_revision()
    before = QuizAttempt.objects.count()
    html = admin_client.get(reverse("wagtailadmin_pages:revisions_view", args=[quiz.pk, revision.pk])).content
    html = html.decode()
    assert "초안에만 있는 새 질문" in html
    assert html.count("<fieldset") == len(draft.questions)
    assert QuizAttempt.objects.count() == before


# -- localized citations -------------------------------------------------------------------------------------


def test_a_lesson_translated_with_simple_translation_cites_the_law_and_channels_of_its_own_language(
    admin_client, ko, en
):
    korean_law, english_law = korean_law_and_translation()
    assert korean_law.get_translation(en) == english_law
    korean_channel = youth_line()
    english_channel = HelpChannelFactory(
        locale=en,
        translation_key=korean_channel.translation_key,
        key=korean_channel.key,
        name="Youth line 1388",
        sort_order=1,
    )
    module = LessonPageFactory().get_parent()
    module.specific.copy_for_translation(en, copy_parents=True).save_revision().publish()  # as in the demo
    lesson = LessonPage(
        title="번역될 법 수업",
        slug="law-to-translate",
        audience="high_school",
        summary="s",
        objectives="o",
        content_note="c",
        alternative_activity="a",
        key_takeaways="k",
        body=[("law", {"law": korean_law}), ("help_card", {"title": ""})],
    )
    module.add_child(instance=lesson)
    lesson.save_revision().publish()
    response = admin_client.post(f"/cms/translation/submit/page/{lesson.pk}/", {"locales": [en.pk]})
    assert response.status_code in (200, 302)
    translated = lesson.get_translation(en)
    # Simple translation copies the body as it is: the copy still points at the Korean reference.
    assert translated.body[0].value["law"].pk == korean_law.pk
    translated.title = "Law lesson, translated"
    translated.save_revision().publish()

    html = Client().get(translated.url).content.decode()
    assert english_law.punishes.splitlines()[0][:40] in html
    assert korean_law.punishes.splitlines()[0][:40] not in html
    assert korean_channel == english_channel.get_translation(ko)
    assert english_channel.name in html
    assert korean_channel.name not in html
    assert translated.cited_laws == [english_law]


def test_the_editors_preview_panel_may_frame_a_preview_and_nobody_else_may_frame_a_page(admin_client):
    law, _english = korean_law_and_translation()
    lesson = korean_lesson_citing(law)
    revision = lesson.save_revision()
    preview = admin_client.get(reverse("wagtailadmin_pages:revisions_view", args=[lesson.pk, revision.pk]))
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    public = Client().get(lesson.url)
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
    assert public["X-Frame-Options"] == "DENY"
