"""Curriculum pages: tree rules, blocks, law references, teacher notes, workflow, translation, search."""

import datetime
import json
import uuid

import pytest

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client

from wagtail.models import Locale, Workflow

from lessons.blocks import ImageBlock, LessonStreamBlock, VideoBlock
from lessons.models import CurriculumIndexPage, LawReference, LessonPage, ModulePage
from quizzes.models import QuizPage
from tests.factories import (
    CurriculumIndexPageFactory,
    LawReferenceFactory,
    LessonPageFactory,
    ModulePageFactory,
    QuizPageFactory,
    site_root,
)
from website.models import HomePage

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

TEACHER_NOTES = "Pause after the scenario: a student may know someone it happened to.\nLet them step out."


def locale(language_code):
    return Locale.objects.get(language_code=language_code)


def law_reference(language_code="ko", **fields):
    """A law reference snippet (live), with a key of its own."""
    values = {
        "key": f"law-{uuid.uuid4().hex[:8]}",
        "jurisdiction": "KR",
        "act": "성폭력범죄의 처벌 등에 관한 특례법",
        "article": "제14조의2",
        "punishes": "허위영상물 편집·반포",
        "penalty": "7년 이하의 징역",
        "in_force_since": datetime.date(2024, 10, 16),
        "source_url": "https://law.example/sca-14-2",
        "last_reviewed": datetime.date(2026, 11, 26),
        **fields,
    }
    return LawReference.objects.create(locale=locale(language_code), **values)


def body_citing(law):
    blocks = [
        {"type": "heading", "value": {"text": "What the law says", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Text of the lesson.</p>"},
        {"type": "law", "value": {"law": law.pk}},
    ]
    return json.dumps([{**block, "id": str(uuid.uuid4())} for block in blocks])


def english_home():
    return site_root().get_translation(locale("en"))


def translated(page, language_code):
    """`page`'s translation (its parent's translation must exist), published."""
    translation = page.copy_for_translation(locale(language_code))
    translation.save_revision().publish()
    return translation


def korean_module_in_both_languages():
    """A Korean module (under a curriculum index) translated into English along with its index."""
    index = CurriculumIndexPageFactory()
    translated(index, "en")
    module = ModulePageFactory(parent=index)
    translated(module, "en")
    return module


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
    law = law_reference("en")
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
    law = law_reference()
    for _ in range(2):
        LessonPageFactory(body=body_citing(law))
    citing = list(law.citing_lessons().live())
    assert len(citing) >= 2
    law.penalty = "개정된 형량 테스트 문구"
    law.save_revision().publish()
    for lesson in citing:
        assert "개정된 형량 테스트 문구" in client.get(lesson.url).content.decode(), lesson.url


def test_lessons_show_when_the_law_was_last_reviewed(client):
    lesson = LessonPageFactory(body=body_citing(law_reference(last_reviewed=datetime.date(2026, 9, 14))))
    html = client.get(lesson.url).content.decode()
    assert lesson.law_last_reviewed is not None
    assert lesson.law_last_reviewed.isoformat() in html


def test_law_reference_source_must_be_http():
    law = law_reference()
    law.source_url = "ftp://law.example/article"
    with pytest.raises(ValidationError) as error:
        law.full_clean()
    assert "source_url" in error.value.message_dict


def test_deleting_a_cited_law_reference_is_refused(admin_client):
    law = law_reference(article="제14조")
    LessonPageFactory(body=body_citing(law))
    url = f"/cms/snippets/lessons/lawreference/delete/{law.pk}/"
    response = admin_client.post(url, follow=True)
    assert LawReference.objects.filter(pk=law.pk).exists()
    html = response.content.decode()
    assert "not deleted" in html or "삭제하지 않았" in html


def test_an_uncited_law_reference_can_be_deleted(admin_client, ko):
    law = LawReferenceFactory(key="unused", locale=ko)
    admin_client.post(f"/cms/snippets/lessons/lawreference/delete/{law.pk}/")
    assert not LawReference.objects.filter(pk=law.pk).exists()


# -- teacher notes ---------------------------------------------------------------------------------------------

NOTES_HEADING = 'id="teacher-notes"'


def test_teacher_notes_hidden_from_anonymous_and_students(client, make_user):
    lesson = LessonPageFactory(teacher_notes=TEACHER_NOTES)
    assert NOTES_HEADING not in client.get(lesson.url).content.decode()
    student = make_user("student-a")
    client.force_login(student)
    assert NOTES_HEADING not in client.get(lesson.url).content.decode()


def test_teacher_notes_shown_to_teachers_and_editors(make_user, make_teacher):
    lesson = LessonPageFactory(teacher_notes=TEACHER_NOTES)
    # Verified: an unverified self-registered teacher sees no notes (tests/test_security.py).
    teacher = make_teacher("teacher-a", email="a@school.example")
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
    module = ModulePageFactory()
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
    workflow = Workflow.objects.get(name="교육과정 검토")  # "Curriculum review"
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

    lesson = LessonPageFactory()
    lesson.title = "예약 발행된 제목"
    revision = lesson.save_revision(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    publish_scheduled.apply().get()  # in this process, with or without a broker
    lesson.refresh_from_db()
    assert lesson.live_revision_id == revision.id
    assert lesson.title == "예약 발행된 제목"


# -- translation ------------------------------------------------------------------------------------------------


def test_editor_creates_a_translation_from_a_page(admin_client, ko, en):
    module = korean_module_in_both_languages()
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
    module = korean_module_in_both_languages()
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
    korean = LessonPageFactory(title="딥페이크 바로 알기")
    # The same word in an English lesson: the Korean search shows Korean lessons only.
    index = CurriculumIndexPageFactory(parent=english_home())
    LessonPageFactory(parent=ModulePageFactory(parent=index), title="What 딥페이크 means")
    response = client.get("/ko/search/", {"q": "딥페이크"})
    titles = [lesson.title for lesson in response.context["results"]]
    assert any("딥페이크" in title or "허위영상물" in title for title in titles) or titles, titles
    assert all(lesson.locale.language_code == "ko" for lesson in response.context["results"])
    assert len(titles) >= 1
    assert korean.title in titles


def test_search_finds_a_lesson_by_an_english_word(client):
    index = CurriculumIndexPageFactory(parent=english_home())
    module = ModulePageFactory(parent=index)
    LessonPageFactory(parent=module, title="Red flags of grooming", slug="grooming-red-flags")
    LessonPageFactory(parent=module, title="Consent to share")
    response = client.get("/en/search/", {"q": "grooming"})
    results = list(response.context["results"])
    assert results
    assert any(lesson.slug == "grooming-red-flags" for lesson in results)


def test_search_with_nonsense_finds_nothing(client):
    response = client.get("/en/search/", {"q": "zzqqxxnotaword"})
    assert list(response.context["results"]) == []


# -- index filters and accessibility --------------------------------------------------------------------------


def test_curriculum_index_filters_by_band(client):
    index = CurriculumIndexPageFactory(parent=english_home())
    every_band = ModulePageFactory(parent=index, for_high_school=True, for_university=True)
    for band in ("middle_school", "high_school", "university"):
        LessonPageFactory(parent=every_band, audience=band)
    LessonPageFactory(parent=ModulePageFactory(parent=index), audience="middle_school")
    response = client.get(index.url, {"band": "university"})
    lessons = [lesson for entry in response.context["entries"] for lesson in entry["lessons"]]
    assert lessons and all(lesson.audience == "university" for lesson in lessons)
    assert all(entry["periods"] >= 1 for entry in response.context["entries"])


@pytest.mark.parametrize("model", [HomePage, CurriculumIndexPage, ModulePage, LessonPage, QuizPage])
def test_each_page_type_has_one_h1_and_a_main_landmark(client, model):
    quiz = QuizPageFactory()  # under a lesson, under a module, under a curriculum index, under the Korean home page
    lesson = quiz.get_parent().specific
    module = lesson.get_parent().specific
    pages = {
        HomePage: site_root().specific,
        CurriculumIndexPage: module.get_parent().specific,
        ModulePage: module,
        LessonPage: lesson,
        QuizPage: quiz,
    }
    page = pages[model]
    assert isinstance(page, model) and page.live and page.locale.language_code == "ko"
    html = client.get(page.url).content.decode()
    assert html.count("<h1") == 1
    assert html.count("<main") == 1


def test_editors_see_which_lessons_cite_a_reference(admin_client):
    law = law_reference("en")
    index = CurriculumIndexPageFactory(parent=english_home())
    module = ModulePageFactory(parent=index)
    for title in ("Deepfakes and the law", "Sharing without consent"):
        LessonPageFactory(parent=module, title=title, body=body_citing(law))
    citing = law.citing_lessons()
    assert citing.exists()
    listing = admin_client.get("/cms/snippets/lessons/lawreference/").content.decode()
    # The admin speaks the editor's language (Korean by default): the column heading is the catalogue's.
    from django.utils import translation

    with translation.override("ko"):
        heading = translation.gettext("Lessons citing it")
    assert heading != "Lessons citing it"
    assert heading in listing
    usage = admin_client.get(f"/cms/snippets/lessons/lawreference/usage/{law.pk}/").content.decode()
    from django.utils.html import escape

    shown = [lesson for lesson in citing if escape(lesson.title) in usage]
    assert len(shown) >= min(citing.count(), 5)
