"""The anonymous full-page cache: served without the database, never personal, purged on publish."""

import json
import uuid

import pytest

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale

from lessons.models import LessonPage
from support.models import HelpChannel
from tests.factories import HelpChannelFactory, LawReferenceFactory, LessonPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def korean():
    return Locale.objects.get(language_code="ko")


def law_reference():
    return LawReferenceFactory(
        locale=korean(),
        act="성폭력범죄의 처벌 등에 관한 특례법",
        article="제14조의2",
        punishes="허위영상물 편집·반포",
        penalty="7년 이하의 징역",
    )


def help_channel():
    return HelpChannelFactory(
        locale=korean(),
        name="청소년상담 1388",
        phone="1388",
        audience=HelpChannel.Audience.YOUNG_PEOPLE,
        sort_order=0,  # first of the lesson's few help lines whatever its name and whatever other lines exist
    )


def lesson(law=None):
    """A published Korean lesson citing a law and showing a help card."""
    body = [
        {"type": "paragraph", "value": "<p>Text of the lesson.</p>"},
        {"type": "law", "value": {"law": (law or law_reference()).pk}},
        {"type": "help_card", "value": {"title": "도움받을 수 있는 곳"}},
    ]
    return LessonPageFactory(body=json.dumps([{**block, "id": str(uuid.uuid4())} for block in body]))


def test_second_anonymous_view_is_served_from_the_cache_without_queries():
    url = lesson().url
    first = Client().get(url)
    assert first["X-Dignity-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(url)
    assert second["X-Dignity-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert "Content-Security-Policy" in second


def test_readers_with_a_cookie_never_get_or_fill_the_cache(make_user):
    url = lesson().url
    client = Client()
    client.force_login(make_user("cached-student"))
    response = client.get(url)
    assert "X-Dignity-Cache" not in response
    assert "/learn/lessons/" in response.content.decode()  # the "mark as done" form
    anonymous = Client().get(url)
    assert "/learn/lessons/" not in anonymous.content.decode()


def test_help_and_account_pages_are_never_cached():
    for url in ("/ko/help/", "/en/help/report/", "/en/accounts/login/", "/en/join/", "/ko/search/?q=x"):
        Client().get(url)
        assert "X-Dignity-Cache" not in Client().get(url), url


def test_publishing_purges_cached_pages():
    page = lesson()
    Client().get(page.url)
    page.title = "새 제목으로 고침"
    page.save_revision().publish()
    response = Client().get(page.url)
    assert response["X-Dignity-Cache"] == "miss"
    assert "새 제목으로 고침" in response.content.decode()


def test_a_law_or_help_channel_change_purges_cached_lessons():
    law, channel = law_reference(), help_channel()
    page = lesson(law)
    html = Client().get(page.url).content.decode()  # now cached
    assert law.penalty in html and channel.name in html
    law.penalty = "바뀐 형량 문구"
    law.save_revision().publish()
    assert "바뀐 형량 문구" in Client().get(page.url).content.decode()
    channel.name = "바뀐 이름 1388"
    channel.save()
    assert "바뀐 이름 1388" in Client().get(page.url).content.decode()


def test_drafts_are_never_served_from_the_cache():
    page = lesson()
    Client().get(page.url)
    page.title = "아직 발행 안 된 초안"
    page.save_revision()  # a draft, not published
    assert "아직 발행 안 된 초안" not in Client().get(page.url).content.decode()


def test_signed_in_readers_get_the_lesson_body_from_a_fragment_cache(make_user):
    page = lesson()
    client = Client()
    client.force_login(make_user("fragment-reader"))
    client.get(page.url)
    with CaptureQueriesContext(connection) as warm:
        client.get(page.url)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(page.url)
    assert len(warm) < len(cold)


def test_a_lost_generation_key_never_brings_back_old_pages():
    """If the cache loses the generation (a restart, an eviction), pages cached under it must not return."""
    from django.core.cache import cache

    from lessons.generation import GENERATION_KEY, forget_content_generation

    page = lesson()
    assert Client().get(page.url)["X-Dignity-Cache"] == "miss"
    assert Client().get(page.url)["X-Dignity-Cache"] == "hit"
    cache.delete(GENERATION_KEY)
    forget_content_generation()
    LessonPage.objects.filter(pk=page.pk).update(title="제목이 몰래 바뀜")  # no publish signal on purpose
    response = Client().get(page.url)
    assert response["X-Dignity-Cache"] == "miss"
    assert "제목이 몰래 바뀜" in response.content.decode()


def test_other_processes_see_a_publish_within_the_memo_time(monkeypatch):
    from django.core.cache import cache

    from lessons import generation

    clock = [1000.0]
    monkeypatch.setattr(generation.time, "monotonic", lambda: clock[0])
    generation.forget_content_generation()
    before = generation.content_generation()
    cache.incr(generation.GENERATION_KEY)  # another web process publishes
    assert generation.content_generation() == before  # this process still has it in memory...
    clock[0] += generation.GENERATION_MEMO_SECONDS + 0.01
    assert generation.content_generation() == before + 1  # ...for at most GENERATION_MEMO_SECONDS
    generation.bump_content_generation()  # a publish in this process is seen at once
    assert generation.content_generation() == before + 2


def test_hot_pages_are_served_from_process_memory_and_memory_is_bounded():
    from django.core.cache import cache

    from website.page_cache import local_cache

    page = lesson()
    Client().get(page.url)
    # Drop the shared copy but keep the generation: this process still answers from memory.
    generation = cache.get("content-generation")
    cache.clear()
    cache.set("content-generation", generation, None)
    assert Client().get(page.url)["X-Dignity-Cache"] == "hit"
    # Bounded: filling it past MAX_ENTRIES drops the oldest entries, the newest stay.
    limit = settings.CACHES["local"]["OPTIONS"]["MAX_ENTRIES"]
    for number in range(limit + 10):
        local_cache.set(f"k{number}", (b"", {}))
    assert local_cache.get("k0") is None and local_cache.get(f"k{limit + 9}") is not None


# -- routing, remembered per content generation --------------------------------------------------------------


def test_a_remembered_route_follows_a_rename_and_an_unpublish(make_user):
    from tests.conftest import client_for

    reader = client_for(make_user("route-reader"))  # signed in: no anonymous page cache in the way
    page = lesson()
    old_url = page.url
    assert reader.get(old_url).status_code == 200
    assert reader.get(old_url).status_code == 200  # now from the remembered route
    page.slug = "renamed-lesson"
    page.save_revision().publish()
    page.refresh_from_db()
    assert_not_served(reader.get(old_url))
    assert reader.get(page.url).status_code == 200
    page.unpublish()
    assert_not_served(reader.get(page.url))


def test_a_remembered_route_is_never_used_for_a_page_that_is_no_longer_live(make_user):
    """Even if the generation did not move (another process, a bulk update), a non-live page is not served."""
    from tests.conftest import client_for

    reader = client_for(make_user("route-reader-2"))
    page = lesson()
    assert reader.get(page.url).status_code == 200
    LessonPage.objects.filter(pk=page.pk).update(live=False)  # no signal on purpose
    assert_not_served(reader.get(page.url))


def assert_not_served(response):
    """The Korean page is gone: a 404, or the notice-bearing redirect to its English translation."""
    if response.status_code == 302:
        assert "/en/" in response["Location"] and "untranslated=ko" in response["Location"]
    else:
        assert response.status_code == 404


def test_a_page_made_private_is_no_longer_served_from_the_cache():
    # An editor's "Privacy" setting saves a view restriction and publishes nothing: the cached copies must go too.
    from wagtail.models import PageViewRestriction

    page = lesson()
    assert Client().get(page.url)["X-Dignity-Cache"] == "miss"
    assert Client().get(page.url)["X-Dignity-Cache"] == "hit"
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = Client().get(page.url)
    assert response.status_code == 302 and "login/?next=" in response["Location"]
    restriction.delete()
    assert Client().get(page.url).status_code == 200
