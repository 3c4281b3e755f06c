"""Every string a person reads has a Korean translation, and the compiled catalogue matches the source."""

import gettext
import re

import pytest

from django.utils import translation

from tests.conftest import ROOT

pytestmark = pytest.mark.no_demo

PO = ROOT / "locale/ko/LC_MESSAGES/django.po"
MO = ROOT / "locale/ko/LC_MESSAGES/django.mo"


def unquote(block):
    return (
        "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
    )


def entries():
    text = PO.read_text(encoding="utf-8")
    for chunk in text.split("\n\n"):
        if "msgid" not in chunk:
            continue
        fuzzy = "#, fuzzy" in chunk
        context = re.search(r'^msgctxt ((?:".*"\n?)+)', chunk, re.M)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', chunk, re.M)
        plural = re.search(r'^msgid_plural ((?:".*"\n?)+)', chunk, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', chunk, re.M)
        yield {
            "context": unquote(context.group(1)) if context else None,
            "msgid": unquote(msgid.group(1)),
            "plural": unquote(plural.group(1)) if plural else None,
            "msgstr": unquote(msgstr.group(1)) if msgstr else "",
            "fuzzy": fuzzy,
        }


def test_every_message_is_translated_and_none_is_fuzzy():
    items = [item for item in entries() if item["msgid"]]
    assert len(items) > 300
    assert [item["msgid"] for item in items if not item["msgstr"]] == []
    assert [item["msgid"] for item in items if item["fuzzy"]] == []


def test_compiled_catalogue_matches_the_source():
    catalogue = gettext.GNUTranslations(MO.open("rb"))
    for item in entries():
        if not item["msgid"] or item["plural"] or item["context"]:
            continue
        assert catalogue.gettext(item["msgid"]) == item["msgstr"], item["msgid"]


def test_korean_is_active_on_korean_pages():
    with translation.override("ko"):
        assert translation.gettext("Get help") == "도움 받기"
        assert translation.gettext("Quick Exit") == "빠른 나가기"
