"""Law references (issue 14 points 6 and 7): every statute lessons state has a card, and each card
says what its date is."""

import datetime

import pytest

from django.template.loader import render_to_string
from django.utils import translation

from lessons.models import DateKind
from tests.factories import (
    CurriculumIndexPageFactory,
    LawReferenceFactory,
    LessonPageFactory,
    ModulePageFactory,
    locale_of,
)
from website.models import HomePage

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def card(law, language):
    """The card as a reader of that language sees it."""
    with translation.override(language):
        return render_to_string("blocks/law_card.html", {"law": law})


def law(language, date_kind, **fields):
    return LawReferenceFactory(locale=locale_of(language), date_kind=date_kind, **fields)


INFERENCE = "the date of the amendment tag; when it took effect is an inference"


def test_an_inferred_date_reads_last_amended_with_its_note():
    inferred = law("en", DateKind.LAST_AMENDED, in_force_since=datetime.date(2023, 3, 14), date_note=INFERENCE)
    html = card(inferred, "en")
    assert "<dt>Last amended</dt>" in html and "In force since" not in html
    assert "2023-03-14" in html and "an inference" in html
    assert "<dt>Last amended</dt>" in card(law("en", DateKind.LAST_AMENDED), "en")


def test_a_stated_in_force_date_reads_in_force_since():
    html = card(law("en", DateKind.IN_FORCE, in_force_since=datetime.date(2024, 10, 16)), "en")
    assert "<dt>In force since</dt>" in html and "2024-10-16" in html


def test_korean_cards_label_the_date_in_korean():
    assert "<dt>마지막 개정</dt>" in card(law("ko", DateKind.LAST_AMENDED), "ko")
    assert "<dt>이 문구가 시행 중인 날</dt>" in card(law("ko", DateKind.TEXT_AS_OF), "ko")


def test_a_lesson_shows_the_last_amended_label(client):
    cited = law("en", DateKind.LAST_AMENDED, date_note=INFERENCE)
    english_home = HomePage.objects.get(locale=locale_of("en"))
    module = ModulePageFactory(parent=CurriculumIndexPageFactory(parent=english_home))
    LessonPageFactory(parent=module, body=[("law", {"law": cited})])
    lessons = list(cited.citing_lessons().live().filter(locale__language_code="en"))
    assert lessons
    html = client.get(lessons[0].url).content.decode()
    assert "Last amended" in html
    assert cited.date_note in html
