"""A full-page cache for anonymous readers, and the content generation that invalidates it.

Anonymous pages are the same for everyone, so the first rendering is kept and served to the next
reader without touching the database. Only requests that carry no cookie at all are served from
or stored in the cache, so nothing personal (a session, a message, a CSRF token) is ever cached or
shown to someone else; responses that set a cookie, vary on anything but the path, or say
no-store/private are never stored. Drafts and previews are not served at public URLs, and any
publish of a page, law reference or help channel moves the generation on, which retires every
cached page at once (lessons embed law references and help channels, so a finer purge would miss).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse

GENERATION_KEY = "content-generation"
CACHED_PREFIXES = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)
NEVER_CACHED = ("/help/", "/learn/", "/teach/", "/join/", "/accounts/", "/search/", "/_util/")
TIMEOUT = 60 * 60
# Each process remembers the generation this long, so a cache hit costs one round trip to the
# cache, not two. A publish is seen at once by the process that made it and within this long by
# every other web process.
GENERATION_MEMO_SECONDS = 1.0
_memo = {"generation": None, "until": 0.0}
local_cache = caches["local"]


def content_generation():
    now = time.monotonic()
    if _memo["until"] > now:
        return _memo["generation"]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock, not from 1: if the key is ever lost (a cache restart, an eviction),
        # the new generation is still newer than every page cached under the old one.
        cache.add(GENERATION_KEY, _fresh_generation(), None)
        generation = cache.get(GENERATION_KEY)
    _memo.update(generation=generation, until=now + GENERATION_MEMO_SECONDS)
    return generation


def forget_content_generation():
    _memo["until"] = 0.0


def get_shared(key):
    """A value kept under the content generation: this process's memory first, then the shared cache."""
    value = local_cache.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            local_cache.set(key, value)
    return value


def set_shared(key, value):
    cache.set(key, value, TIMEOUT)
    local_cache.set(key, value)


def bump_content_generation(**kwargs):
    forget_content_generation()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _fresh_generation(), None)


def _fresh_generation():
    return time.time_ns()


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD") or request.COOKIES:
        return False
    path = request.path
    if not path.startswith(CACHED_PREFIXES):
        return False
    return not path[3:].startswith(NEVER_CACHED)


def _key(request):
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{content_generation()}:{digest}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = get_shared(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
            response["X-Dignity-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(response):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            # The bytes and the headers, not the response object: a hit then unpickles two plain values.
            set_shared(key, (response.content, dict(response.items())))
            response["X-Dignity-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(response):
        if response.status_code != 200 or response.cookies or getattr(response, "streaming", False):
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        cache_control = response.get("Cache-Control", "")
        if "no-store" in cache_control or "private" in cache_control:
            return False
        # The key is the full path (which carries the language) of a request without cookies, so
        # varying on Cookie or Accept-Language changes nothing; anything else is not cached.
        varies = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
        return varies <= {"cookie", "accept-language"}
