"""A printable letter to parents and guardians for every module (issue 14 point 21)."""

import pytest
import yaml

from django.utils.html import escape

from lessons.models import ModulePage
from support.models import HelpChannel
from tests.conftest import ROOT
from tests.factories import CurriculumIndexPageFactory, ModulePageFactory
from website.demo.loader import DemoLoader
from website.models import HomePage

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def english_index(en):
    return CurriculumIndexPageFactory(parent=HomePage.objects.get(locale=en))


@pytest.fixture
def modules(en):
    """A Korean module with no letter of its own and an English one with a written letter; and the adults' help
    lines 112 and 1366 in English, first in order."""
    korean = ModulePageFactory(
        summary="동의는 언제든 거둘 수 있어요.", objectives="찍기와 올리기의 동의 구분하기\n도움 요청하기"
    )
    english = ModulePageFactory(
        parent=english_index(en),
        summary="Consent to take a photo isn't consent to share it, and it can be taken back.",
        objectives="Tell consent to take & consent to share apart\nSay where to get help <now>",
        guardian_letter_title="A letter about consent",
        guardian_letter="In this module students learn about consent.",
    )
    for order, (key, name, kind, phone) in enumerate(
        (("police", "Police", "emergency", "112"), ("support-center", "Support Center", "deletion_support", "1366"))
    ):
        HelpChannel.objects.create(
            locale=en, key=key, name=name, kind=kind, phone=phone, description="Help.", sort_order=order
        )
    return {"ko": korean, "en": english}


def module(modules, language="en"):
    return ModulePage.objects.get(pk=modules[language].pk)


def test_every_module_page_links_to_its_letter(client, modules):
    pages = list(ModulePage.objects.live().filter(pk__in=[page.pk for page in modules.values()]))
    assert len(pages) == len(modules)
    for page in pages:
        html = client.get(page.url).content.decode()
        assert f'href="{page.url}guardian-letter/"' in html, page.url
        assert client.get(f"{page.url}guardian-letter/").status_code == 200, page.url


def test_a_module_without_a_letter_gets_a_general_one_from_its_summary(client, modules):
    page = module(modules)
    page.guardian_letter = ""
    page.save_revision().publish()
    html = client.get(f"{page.url}guardian-letter/").content.decode()
    assert "Dear parents and guardians," in html
    assert escape(page.summary) in html
    for objective in page.objective_list:
        assert escape(objective) in html
    assert "112" in html and "1366" in html  # help lines for adults, as text that prints


def test_the_module_text_is_the_letter_when_written(client, modules):
    page = module(modules, "ko")
    page.guardian_letter_title = "보호자님께 드리는 글"
    page.guardian_letter = "첫째 문단입니다.\n\n둘째 문단입니다."
    page.save_revision().publish()
    html = client.get(f"{page.url}guardian-letter/").content.decode()
    assert "보호자님께 드리는 글" in html
    assert "<p>첫째 문단입니다.</p>" in html and "<p>둘째 문단입니다.</p>" in html
    assert "Dear parents" not in html and "보호자님께</p>" not in html  # no general letter on top
    assert "학생들이 배우는 것" in html  # the page's own headings in Korean


def test_the_letter_prints_cleanly():
    css = (ROOT / "static" / "css" / "site.css").read_text()
    print_rules = css[css.index(".letter { max-width") :]
    assert "@media print" in print_rules and ".no-print" in print_rules


def test_an_unpublished_module_has_no_letter(client, modules):
    page = module(modules)
    url = f"{page.url}guardian-letter/"
    page.unpublish()
    assert client.get(url).status_code == 404


def test_other_paths_under_a_module_are_still_not_found(client, modules):
    assert client.get(f"{module(modules).url}guardian-letters/").status_code == 404


MODULE_YAML = {
    "slug": "letter-from-yaml",
    "order": 1,
    "title": "A module read from YAML",
    "summary": "What the module is about.",
    "audience_bands": ["middle_school"],
    "objectives": ["One objective"],
    "pre_test": {
        "title": "Before",
        "kind": "pre_test",
        "questions": [{"id": "q1", "type": "reflection_text", "prompt": "Why?"}],
    },
    "post_test": {
        "title": "After",
        "kind": "post_test",
        "questions": [{"id": "q1", "type": "reflection_text", "prompt": "Why?"}],
    },
}


def test_the_loader_reads_the_letter_from_module_yaml(tmp_path, en):
    index = english_index(en)
    target = tmp_path / "demo" / "curriculum" / "01-letter-from-yaml" / "module.en.yaml"
    target.parent.mkdir(parents=True)
    # First loaded without a letter, then the letter is added to the file and the module updated.
    target.write_text(yaml.safe_dump(MODULE_YAML, allow_unicode=True))
    DemoLoader(tmp_path / "demo").load_module(target.parent, "en", index)
    page = ModulePage.objects.get(slug="letter-from-yaml", locale=en)
    assert (page.guardian_letter_title, page.guardian_letter) == ("", "")
    data = dict(MODULE_YAML)
    data["guardian_letter"] = {"title": "About our lessons", "body": "Dear families,\n\nWe will talk about consent."}
    target.write_text(yaml.safe_dump(data, allow_unicode=True))
    loader = DemoLoader(tmp_path / "demo", update=True)
    loader.load_module(target.parent, "en", index)
    page = ModulePage.objects.get(slug="letter-from-yaml", locale=en)
    assert page.guardian_letter_title == "About our lessons"
    assert page.guardian_letter == "Dear families,\n\nWe will talk about consent."
