"""The editors' admin in Korean: our catalogue fills in what Wagtail's ko catalogue lacks or gets wrong,
the workflow has Korean names, no Gravatar, emails link to the served port, and a dashboard that
shows a new editor what to do."""

import datetime
import os
import re
import subprocess
import sys
from html import unescape

import pytest

from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from wagtail.models import Workflow

from lessons.models import LawReference
from tests.conftest import ROOT, client_for
from tests.factories import HelpChannelFactory, LawReferenceFactory, LessonPageFactory, locale_of

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

# The strings an editor met in English (or in wrong Korean) in a Korean admin, from issue 15.
ISSUE_STRINGS = {
    "This %(model_name)s is currently awaiting moderation.": "검토를 기다리고",
    "live + in moderation": "게시됨 + 검토 중",
    "In Moderation": "검토 중",
    "Awaiting your review": "내 검토를 기다리는 항목",
}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture
def editor(make_user):
    user = make_user("editor-k", account_type="staff", email="editor-k@dignity.example")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def korean_admin(user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    return client


def visible_text(html):
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("msgid", "korean"), ISSUE_STRINGS.items())
def test_the_admin_strings_editors_meet_are_korean(msgid, korean):
    with translation.override("ko"):
        text = gettext(msgid)
    assert korean in text
    assert not LATIN_WORD.search(text.replace("%(model_name)s", "")), text


def test_submit_button_reads_as_one_korean_phrase():
    workflow = Workflow.objects.get(name="교육과정 검토")
    with translation.override("ko"):
        label = gettext("Submit to %(workflow_name)s") % {"workflow_name": workflow.name}
    assert label == "교육과정 검토에 제출"
    assert [task.name for task in workflow.tasks.all()] == ["검토자 승인"]


def test_a_channel_in_review_shows_korean_status_and_lock_messages(editor):
    channel = HelpChannelFactory(locale=locale_of("ko"), name="청소년상담 1388", phone="1388")
    channel.phone = "1388-0000"
    revision = channel.save_revision(user=editor)
    Workflow.objects.get(name="교육과정 검토").start(channel, editor)
    assert revision.pk
    html = korean_admin(editor).get(reverse("wagtailsnippets_support_helpchannel:edit", args=[channel.pk]))
    text = visible_text(html.content.decode())
    assert "검토 중" in text
    for english in ("awaiting moderation", "In Moderation", "in moderation", "Awaiting your review"):
        assert english not in text, english


def test_no_gravatar_in_the_admin(editor):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    html = korean_admin(editor).get(reverse("wagtailadmin_home")).content.decode()
    assert "gravatar" not in html.lower()


def test_moderation_emails_link_to_the_port_the_site_is_served_on():
    env = {key: value for key, value in os.environ.items() if key != "WAGTAILADMIN_BASE_URL"}
    env.update(PORT="8123", DJANGO_SETTINGS_MODULE="website.settings.dev")
    code = "import django; django.setup(); from django.conf import settings; print(settings.WAGTAILADMIN_BASE_URL)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123", result.stderr
    dry_run = subprocess.run(["make", "-n", "run", "PORT=8123"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "WAGTAILADMIN_BASE_URL=${WAGTAILADMIN_BASE_URL:-http://127.0.0.1:8123}" in dry_run.stdout


# -- the dashboard -------------------------------------------------------------------------------------------


def dashboard_panel(client, name):
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    match = re.search(rf'data-dignity-panel="{name}">(.*?)</div>', html, re.S)
    assert match, name
    return visible_text(match.group(1))


def test_a_new_editor_sees_what_to_do_and_then_their_drafts_in_review(editor):
    client = korean_admin(editor)
    assert "검토 중인 내 초안이 없어요" in dashboard_panel(client, "my-drafts-in-review")
    channel = HelpChannelFactory(locale=locale_of("ko"), name="청소년상담 1388", phone="1388")
    channel.save_revision(user=editor)
    Workflow.objects.get(name="교육과정 검토").start(channel, editor)
    panel = dashboard_panel(client, "my-drafts-in-review")
    assert channel.name in panel
    assert "검토자 승인" in panel


def test_lessons_whose_law_is_due_for_review_are_on_the_dashboard(editor):
    client = korean_admin(editor)
    assert "모든 법 조항을 최근에 검토했어요" in dashboard_panel(client, "laws-due-for-review")
    law = LawReferenceFactory(locale=locale_of("ko"), act="성폭력처벌법", article="제14조의2")
    LessonPageFactory(title="딥페이크와 법", body=[("law", {"law": law})])  # a Korean lesson citing it
    stale = timezone.localdate() - datetime.timedelta(days=settings.DIGNITY_LAW_REVIEW_DAYS + 1)
    LawReference.objects.filter(pk=law.pk).update(last_reviewed=stale)
    panel = dashboard_panel(client, "laws-due-for-review")
    assert str(law) in panel
    assert stale.isoformat() in panel
    lessons = list(law.affected_lessons())
    assert lessons and all(lesson.title in panel for lesson in lessons)


def test_staff_find_the_admin_from_the_site_header(editor, make_user):
    link = 'href="/cms/"'
    assert link in client_for(editor).get("/ko/").content.decode()
    assert link not in Client().get("/ko/").content.decode()
    student = make_user("student-k")
    assert link not in client_for(student).get("/ko/").content.decode()
