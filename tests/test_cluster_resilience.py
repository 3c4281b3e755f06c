"""Several hosts: a web host that loses Redis degrades to uncached pages, and a second beat sends nothing.

The multi-host proof is `make cluster-test` (bench/cluster/); these are the unit-level halves of it.
"""

import time

import pytest

from django.core.cache import cache
from django.test import Client, override_settings

from wagtail.models import Page

from tests.factories import CurriculumIndexPageFactory, LessonPageFactory, ModulePageFactory
from website.beat import LOCK_KEY, STANDBY_SECONDS, SingleInstanceMixin

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

# Port 1 on loopback: nothing listens there, so every connection is refused at once.
DEAD_REDIS = {
    "BACKEND": "website.cache.DegradingRedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}
LOCAL = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dignity-local"}


@pytest.fixture
def lesson():
    """A live English lesson, under the English home (the translation of the default site's root)."""
    english_home = Page.objects.get(depth=2, locale__language_code="en")
    return LessonPageFactory(parent=ModulePageFactory(parent=CurriculumIndexPageFactory(parent=english_home)))


def test_an_unreachable_redis_reads_as_empty_and_skips_fills_but_invalidation_still_fails_loudly():
    from django.core.cache import caches

    with override_settings(CACHES={"default": DEAD_REDIS, "local": LOCAL}):
        dead = caches["default"]
        assert dead.get("anything") is None
        assert dead.get("anything", "fallback") == "fallback"
        assert dead.get_many(["a", "b"]) == {}
        assert dead.add("a", 1) is False
        dead.set("a", 1)  # no exception: the fill is skipped
        # A publish whose invalidation was lost would leave other hosts serving old text: that must raise.
        with pytest.raises(Exception, match="(?i)connect"):
            dead.incr("content-generation")


def test_pages_degrade_to_uncached_when_redis_is_cut_and_readyz_fails(lesson):
    from lessons.generation import forget_content_generation

    url = lesson.url
    with override_settings(CACHES={"default": DEAD_REDIS, "local": LOCAL}):
        forget_content_generation()
        for _ in range(2):
            response = Client().get(url)
            assert response.status_code == 200
            assert response.get("X-Dignity-Cache") != "hit"
        assert b"<main" in response.content
        ready = Client().get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["cache"]["ok"] is False
    forget_content_generation()


def test_a_page_kept_in_process_memory_is_not_served_as_current_while_redis_is_cut(lesson):
    """Pages this process kept before the cut must not be served: nobody could tell it about a publish."""
    from lessons.generation import forget_content_generation

    url = lesson.url
    Client().get(url)
    assert Client().get(url)["X-Dignity-Cache"] == "hit"
    with override_settings(CACHES={"default": DEAD_REDIS, "local": LOCAL}):
        forget_content_generation()
        assert Client().get(url).get("X-Dignity-Cache") != "hit"
    forget_content_generation()


def _scheduler(cls):
    from celery.beat import Scheduler

    from website.celery_app import app

    bases = (cls, Scheduler) if cls else (Scheduler,)

    class Recording(*bases):
        def apply_async(self, entry, producer=None, advance=True, **kwargs):
            self.sent.append(entry.name)
            return None

    scheduler = Recording(app=app, lazy=False)
    scheduler.sent = []
    scheduler.update_from_dict({"digest": {"task": "classrooms.tasks.send_reminder_digests", "schedule": 0.05}})
    return scheduler


def _tick_all(schedulers, rounds=4):
    for _ in range(rounds):
        time.sleep(0.06)
        for scheduler in schedulers:
            scheduler.tick()


def test_two_beats_without_the_lock_both_send():
    first, second = _scheduler(None), _scheduler(None)
    _tick_all([first, second])
    assert first.sent and second.sent


def test_two_beats_send_each_scheduled_task_from_one_only_and_the_other_takes_over():
    first, second = _scheduler(SingleInstanceMixin), _scheduler(SingleInstanceMixin)
    _tick_all([first, second])
    assert len(first.sent) >= 2 and set(first.sent) == {"digest"}
    assert second.sent == []
    assert second.tick() == STANDBY_SECONDS
    assert cache.get(LOCK_KEY) == first.lock_token

    cache.delete(LOCK_KEY)  # the holder died and its lock expired
    _tick_all([second, first])
    sent_by_first = len(first.sent)
    _tick_all([second, first])
    assert second.sent and len(first.sent) == sent_by_first


def test_a_publish_moves_the_generation_on_again_once_committed(lesson, django_capture_on_commit_callbacks):
    """Another host reading between the publish signal and the commit caches the old page under the new
    generation; the second move on commit retires it (make cluster-test: "never the old one after")."""
    from lessons.generation import GENERATION_KEY, content_generation
    from lessons.models import LessonPage

    page = LessonPage.objects.live().get(pk=lesson.pk)
    content_generation()
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Published on host A"
        page.save_revision().publish()
        during = cache.get(GENERATION_KEY)  # what a reader on host B would key its rendering of the old rows by
    assert cache.get(GENERATION_KEY) > during


def test_the_redis_cache_builds_one_client_per_connection_pool():
    """website.cache.ReusingRedisCacheClient: redis.Redis is built once per pool, not once per operation
    (its constructor cost as much CPU as the GET it served)."""
    from django.core.cache import caches

    with override_settings(CACHES={"default": DEAD_REDIS, "local": LOCAL}):
        client = caches["default"]._cache
        first = client.get_client("a")
        assert client.get_client("b") is first
        assert client.get_client("c", write=True) is first  # one server: reads and writes share its pool
        assert first.connection_pool is client._get_connection_pool(write=False)
        assert caches["default"].get("a", "fallback") == "fallback"  # and it still degrades as before
