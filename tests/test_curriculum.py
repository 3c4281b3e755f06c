"""Curriculum pages: tree rules, blocks, law references, teacher notes, workflow, translation, search."""

import datetime

import pytest

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client

from wagtail.models import Page, Workflow

from lessons.blocks import ImageBlock, LessonStreamBlock, VideoBlock
from lessons.models import CurriculumIndexPage, LawReference, LessonPage, ModulePage
from quizzes.models import QuizPage
from website.models import HomePage

pytestmark = pytest.mark.django_db


def korean_lesson(**filters):
    return LessonPage.objects.live().filter(locale__language_code="ko", **filters).order_by("path").first()


# -- page tree ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (CurriculumIndexPage, HomePage, True),
        (ModulePage, CurriculumIndexPage, True),
        (LessonPage, ModulePage, True),
        (QuizPage, LessonPage, True),
        (QuizPage, ModulePage, True),
        (LessonPage, HomePage, False),
        (LessonPage, CurriculumIndexPage, False),
        (ModulePage, HomePage, False),
        (QuizPage, CurriculumIndexPage, False),
        (LessonPage, LessonPage, False),
    ],
)
def test_page_tree_rules(child, parent, allowed):
    assert (child in parent.allowed_subpage_models() and parent in child.allowed_parent_page_models()) is allowed


# -- blocks ---------------------------------------------------------------------------------------------------


def test_every_block_type_renders():
    law = LawReference.objects.filter(locale__language_code="en").first()
    stream = LessonStreamBlock()
    samples = {
        "paragraph": "<p>Plain words.</p>",
        "heading": {"text": "A heading", "level": "h2"},
        "callout": {"kind": "warning", "title": "Careful", "text": "Do not forward it."},
        "scenario": {"title": "Ji-ho's chat", "story": "A fictional story.", "questions": ["What now?"]},
        "law": {"law": law.pk},
        "steps": {"title": "What to do", "items": ["Stop", "Tell"]},
        "video": {"title": "A talk", "url": "https://example.org/v", "transcript": "Everything said."},
        "help_card": {"title": "Help"},
        "quote": {"text": "Consent can be withdrawn.", "attribution": "A teacher"},
        "glossary": {"term": "Deepfake", "definition": "An edited image that looks real."},
    }
    expected = {
        "paragraph": "Plain words.",
        "heading": "<h2>A heading</h2>",
        "callout": "callout--warning",
        "scenario": "What now?",
        "law": law.source_url,
        "steps": "<li>Tell</li>",
        "video": "Everything said.",
        "help_card": "tel:",
        "quote": "Consent can be withdrawn.",
        "glossary": "<dfn>Deepfake</dfn>",
    }
    for name, raw in samples.items():
        block = stream.child_blocks[name]
        html = block.render(block.to_python(raw))
        assert expected[name] in html, name
    for name in stream.child_blocks:
        meta = stream.child_blocks[name].meta
        assert meta.icon and meta.template and meta.description, name


def test_image_block_requires_alt_text():
    with pytest.raises(ValidationError):
        ImageBlock().clean({"image": None, "alt_text": "", "caption": ""})


def test_video_block_requires_a_transcript():
    with pytest.raises(ValidationError):
        VideoBlock().clean({"title": "T", "url": "https://example.org/v", "transcript": ""})


# -- law references --------------------------------------------------------------------------------------------


def test_editing_a_law_reference_changes_every_citing_lesson(client):
    law = LawReference.objects.get(key="sca-14-2", locale__language_code="ko")
    citing = list(law.citing_lessons().live())
    assert len(citing) >= 2
    law.penalty = "개정된 형량 테스트 문구"
    law.save_revision().publish()
    for lesson in citing:
        assert "개정된 형량 테스트 문구" in client.get(lesson.url).content.decode(), lesson.url


def test_lessons_show_when_the_law_was_last_reviewed(client):
    lesson = korean_lesson(slug="deepfakes-and-the-law")
    html = client.get(lesson.url).content.decode()
    assert lesson.law_last_reviewed is not None
    assert lesson.law_last_reviewed.isoformat() in html


def test_law_reference_source_must_be_http():
    law = LawReference.objects.first()
    law.source_url = "ftp://law.example/article"
    with pytest.raises(ValidationError) as error:
        law.full_clean()
    assert "source_url" in error.value.message_dict


def test_deleting_a_cited_law_reference_is_refused(admin_client):
    law = LawReference.objects.get(key="sca-14", locale__language_code="ko")
    url = f"/cms/snippets/lessons/lawreference/delete/{law.pk}/"
    response = admin_client.post(url, follow=True)
    assert LawReference.objects.filter(pk=law.pk).exists()
    html = response.content.decode()
    assert "not deleted" in html or "삭제하지 않았" in html


def test_an_uncited_law_reference_can_be_deleted(admin_client, ko):
    law = LawReference.objects.create(
        key="unused",
        jurisdiction="KR",
        act="Test act",
        article="1",
        punishes="-",
        penalty="-",
        in_force_since=datetime.date(2024, 1, 1),
        source_url="https://law.example/1",
        last_reviewed=datetime.date(2026, 11, 26),
        locale=ko,
    )
    admin_client.post(f"/cms/snippets/lessons/lawreference/delete/{law.pk}/")
    assert not LawReference.objects.filter(pk=law.pk).exists()


# -- teacher notes ---------------------------------------------------------------------------------------------

NOTES_HEADING = 'id="teacher-notes"'


def test_teacher_notes_hidden_from_anonymous_and_students(client, make_user):
    lesson = korean_lesson()
    assert NOTES_HEADING not in client.get(lesson.url).content.decode()
    student = make_user("student-a")
    client.force_login(student)
    assert NOTES_HEADING not in client.get(lesson.url).content.decode()


def test_teacher_notes_shown_to_teachers_and_editors(make_user):
    lesson = korean_lesson()
    teacher = make_user("teacher-a", account_type="teacher", email="a@school.example")
    editor = make_user("editor-a", account_type="staff")
    editor.groups.add(Group.objects.get(name="Editors"))
    for user in (teacher, editor):
        client = Client()
        client.force_login(user)
        html = client.get(lesson.url).content.decode()
        assert NOTES_HEADING in html, user.username
        assert lesson.teacher_notes.splitlines()[0][:40] in html


# -- workflow ----------------------------------------------------------------------------------------------------


def test_curriculum_review_keeps_an_unapproved_lesson_off_the_site(make_user):
    module = ModulePage.objects.filter(locale__language_code="ko").first()
    editor = make_user("editor-b", account_type="staff")
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator = make_user("moderator-b", account_type="staff")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    lesson = LessonPage(
        title="검토 전 수업",
        slug="awaiting-review",
        audience="high_school",
        summary="s",
        objectives="o",
        content_note="c",
        alternative_activity="a",
        key_takeaways="k",
        live=False,
    )
    module.add_child(instance=lesson)
    revision = lesson.save_revision(user=editor)
    workflow = Workflow.objects.get(name="Curriculum review")
    assert lesson.get_workflow() == workflow
    state = workflow.start(lesson, editor)
    lesson.refresh_from_db()
    assert not lesson.live
    assert Client().get(f"{module.url}awaiting-review/").status_code == 404
    assert not lesson.permissions_for_user(editor).can_publish()

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")
    lesson.refresh_from_db()
    assert lesson.live
    assert lesson.live_revision_id == revision.id
    assert Client().get(f"{module.url}awaiting-review/").status_code == 200


def test_scheduled_publishing_runs_from_the_beat_task():
    from django.utils import timezone

    from website.tasks import publish_scheduled

    lesson = korean_lesson()
    lesson.title = "예약 발행된 제목"
    revision = lesson.save_revision(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    publish_scheduled.apply().get()  # in this process, with or without a broker
    lesson.refresh_from_db()
    assert lesson.live_revision_id == revision.id
    assert lesson.title == "예약 발행된 제목"


# -- translation ------------------------------------------------------------------------------------------------


def test_every_demo_page_exists_in_korean_and_english(ko, en):
    for page in Page.objects.filter(locale=ko, depth__gt=1).specific():
        assert page.get_translation_or_none(en) is not None, page.url_path


def test_editor_creates_a_translation_from_a_page(admin_client, ko, en):
    module = ModulePage.objects.filter(locale=ko).first()
    lesson = LessonPage(
        title="번역할 수업",
        slug="to-translate",
        audience="high_school",
        summary="s",
        objectives="o",
        content_note="c",
        alternative_activity="a",
        key_takeaways="k",
    )
    module.add_child(instance=lesson)
    lesson.save_revision().publish()
    response = admin_client.post(f"/cms/translation/submit/page/{lesson.pk}/", {"locales": [en.pk]})
    assert response.status_code in (200, 302)
    translated = lesson.get_translation_or_none(en)
    assert translated is not None
    assert translated.get_parent().specific == module.get_translation(en)


def test_a_lesson_missing_in_one_language_falls_back_with_a_notice(client, ko, en):
    module = ModulePage.objects.filter(locale=ko).first()
    lesson = LessonPage(
        title="한국어로만 있는 수업",
        slug="korean-only",
        audience="high_school",
        summary="s",
        objectives="o",
        content_note="c",
        alternative_activity="a",
        key_takeaways="k",
    )
    module.add_child(instance=lesson)
    lesson.save_revision().publish()
    english_url = module.get_translation(en).url + "korean-only/"
    response = client.get(english_url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and "untranslated=en" in response.redirect_chain[-1][0]
    html = response.content.decode()
    assert "한국어로만 있는 수업" in html
    assert 'class="notice"' in html


# -- search -----------------------------------------------------------------------------------------------------


def test_search_finds_a_lesson_by_a_korean_word(client):
    response = client.get("/ko/search/", {"q": "딥페이크"})
    titles = [lesson.title for lesson in response.context["results"]]
    assert any("딥페이크" in title or "허위영상물" in title for title in titles) or titles, titles
    assert all(lesson.locale.language_code == "ko" for lesson in response.context["results"])
    assert len(titles) >= 1


def test_search_finds_a_lesson_by_an_english_word(client):
    response = client.get("/en/search/", {"q": "grooming"})
    results = list(response.context["results"])
    assert results
    assert any(lesson.slug == "grooming-red-flags" for lesson in results)


def test_search_with_nonsense_finds_nothing(client):
    response = client.get("/en/search/", {"q": "zzqqxxnotaword"})
    assert list(response.context["results"]) == []


# -- index filters and accessibility --------------------------------------------------------------------------


def test_curriculum_index_filters_by_band(client):
    index = CurriculumIndexPage.objects.get(locale__language_code="en")
    response = client.get(index.url, {"band": "university"})
    lessons = [lesson for entry in response.context["entries"] for lesson in entry["lessons"]]
    assert lessons and all(lesson.audience == "university" for lesson in lessons)
    assert all(entry["periods"] >= 1 for entry in response.context["entries"])


@pytest.mark.parametrize("model", [HomePage, CurriculumIndexPage, ModulePage, LessonPage, QuizPage])
def test_each_page_type_has_one_h1_and_a_main_landmark(client, model):
    page = model.objects.live().filter(locale__language_code="ko").first()
    html = client.get(page.url).content.decode()
    assert html.count("<h1") == 1
    assert html.count("<main") == 1


def test_lesson_body_headings_start_at_h2():
    for lesson in LessonPage.objects.all():
        levels = [block.value["level"] for block in lesson.body if block.block_type == "heading"]
        assert levels and set(levels) <= {"h2", "h3"}, lesson.slug


def test_editors_see_which_lessons_cite_a_reference(admin_client):
    law = LawReference.objects.get(key="sca-14-2", locale__language_code="en")
    citing = law.citing_lessons()
    assert citing.exists()
    listing = admin_client.get("/cms/snippets/lessons/lawreference/").content.decode()
    assert "Lessons citing it" in listing
    usage = admin_client.get(f"/cms/snippets/lessons/lawreference/usage/{law.pk}/").content.decode()
    from django.utils.html import escape

    shown = [lesson for lesson in citing if escape(lesson.title) in usage]
    assert len(shown) >= min(citing.count(), 5)
