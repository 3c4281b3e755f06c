"""The content generation: a number that every publish moves on, so anything built from published content
can be kept under it and retired at once.

Any publish, unpublish, move or slug change of a page, and any change to a law reference, help channel or
view restriction (website/apps.py connects the signals), moves it on. The page cache (website.page_cache)
keys pages and routes by it; KeptPerGeneration below keeps the live quiz a form posts to
(quizzes.views.LIVE_QUIZZES) and the lesson a quiz checks (classrooms.progress.LESSON_CHECKED_BY) by it. It lives
in this bottom layer so that every app above may read it (the layers contract in pyproject.toml).

Each process remembers the generation for GENERATION_MEMO_SECONDS, so reading it usually costs nothing: a
publish is seen at once by the process that made it and within that time by every other process.
"""

import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "content-generation"
GENERATION_MEMO_SECONDS = 1.0
_memo = {"generation": None, "until": 0.0}


def content_generation():
    now = time.monotonic()
    if _memo["until"] > now:
        return _memo["generation"]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock, not from 1: if the key is ever lost (a cache restart, an eviction),
        # the new generation is still newer than everything kept under the old one.
        cache.add(GENERATION_KEY, _fresh_generation(), None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            # The shared cache cannot be reached (website.cache degrades to "not cached"): a generation no
            # other request has, so nothing this process kept earlier can be served as current.
            return f"unreachable-{_fresh_generation()}"
    _memo.update(generation=generation, until=now + GENERATION_MEMO_SECONDS)
    return generation


def forget_content_generation():
    _memo["until"] = 0.0


def bump_content_generation(**kwargs):
    _bump()
    # Publishing signals fire inside the publishing transaction: a reader on another host between the bump and
    # the commit reads the old rows and keeps them under the new generation. Moving on again once the commit
    # is visible retires that too (outside a transaction, this runs at once).
    transaction.on_commit(_bump)


def _bump():
    forget_content_generation()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _fresh_generation(), None)


def _fresh_generation():
    return time.time_ns()


class KeptPerGeneration:
    """Values read from published content, kept in this process under the generation they were read in.

    `get(key, load)` returns what `load()` gave for `key` earlier in the current generation, or calls it. The
    generation is read before `load` runs, so a value read while a publish commits is kept under the older
    generation and retired with it. At most `entries` values are kept (least recently used first out).
    Keep only what published content alone decides (never anything of a student's), and nothing mutable that a
    caller may change: return copies of model instances.
    """

    def __init__(self, entries):
        self.entries = entries
        self._kept = OrderedDict()
        self._lock = threading.Lock()  # threaded servers (runserver, gthread workers) share the process's copy

    def get(self, key, load):
        generation = content_generation()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == generation:
                self._kept.move_to_end(key)
                return kept[1]
        value = load()  # outside the lock: a query
        with self._lock:
            self._kept[key] = (generation, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)
        return value

    def __len__(self):
        return len(self._kept)
