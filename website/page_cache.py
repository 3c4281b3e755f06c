"""A full-page cache for anonymous readers, retired by the content generation (lessons.generation).

Anonymous pages are the same for everyone, so the first rendering is kept and served to the next
reader without touching the database. Only requests that carry no cookie at all are served from
or stored in the cache, so nothing personal (a session, a message, a CSRF token) is ever cached or
shown to someone else; responses that set a cookie, vary on anything but the path, or say
no-store/private are never stored. Drafts and previews are not served at public URLs, and any
publish of a page, law reference or help channel moves the generation on, which retires every
cached page at once (lessons embed law references and help channels, so a finer purge would miss).
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse

from lessons.generation import content_generation

from . import holes

CACHED_PREFIXES = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)
NEVER_CACHED = ("/help/", "/learn/", "/teach/", "/join/", "/accounts/", "/search/", "/_util/")
TIMEOUT = 60 * 60
# The only query parameters a cached page reads (lessons.models: the curriculum's band filter and the
# "not translated yet" notice; page for paginated listings). Anything else (?utm=…, ?x=random) leaves
# the page as it is, so it is served the same entry and never creates a new one: a stranger cannot
# fill the cache with query strings. A page that starts to read a new parameter must add it here.
CACHE_KEY_PARAMETERS = ("band", "page", "untranslated")
local_cache = caches["local"]
# The shared tier: a cache of its own (settings: CACHES["pages"]), bounded, never the broker's Redis.
page_cache = caches["pages"]


def get_shared(key):
    """A value kept under the content generation: this process's memory first, then the shared page cache."""
    value = local_cache.get(key)
    if value is None:
        value = page_cache.get(key)
        if value is not None:
            local_cache.set(key, value)
    return value


def set_shared(key, value):
    page_cache.set(key, value, TIMEOUT)
    local_cache.set(key, value)


def forget_shared(key):
    page_cache.delete(key)
    local_cache.delete(key)


def cacheable_path(path):
    return path.startswith(CACHED_PREFIXES) and not path[3:].startswith(NEVER_CACHED)


def _cacheable_request(request):
    # A dummy request is Wagtail's preview of a draft at the page's public path: never the cached page.
    if request.method not in ("GET", "HEAD") or request.COOKIES or getattr(request, "is_dummy", False):
        return False
    return cacheable_path(request.path)


def cache_path(request):
    """The host, the path and the parameters the page reads, in a fixed order: what the page depends on."""
    kept = [(name, request.GET.getlist(name)) for name in CACHE_KEY_PARAMETERS if name in request.GET]
    query = urlencode([(name, value) for name, values in kept for value in values])
    return f"{request.get_host()}{request.path}?{query}"


def page_key(request):
    """The cache key of a page: shared by anonymous readers and students (website.holes)."""
    digest = hashlib.sha256(cache_path(request).encode()).hexdigest()
    return f"page:{content_generation()}:{digest}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # Host first: CommonMiddleware checks ALLOWED_HOSTS only after this middleware, so without
        # this a hit would be served to any Host header. get_host() raises DisallowedHost (a 400).
        request.get_host()
        key = page_key(request)
        entry = holes.CachedPage.from_value(get_shared(key))
        if entry is not None and entry.headers is not None:
            response = HttpResponse(holes.fill_anonymous(entry.content, entry.fills), headers=entry.headers)
            response["X-Dignity-Cache"] = "hit"
            return response
        # Rendered with markers where a page differs between readers (website.holes): the cached HTML is
        # the one students' pages are filled from too. This reader gets the anonymous parts filled in.
        holes.start_hole_mode(request)
        response = self.get_response(request)
        if not storable(response):
            if getattr(response, "streaming", False) or not hasattr(response, "content"):
                return response
            return _filled(response, request.hole_fills)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response.render()
        holed = response.content
        # Content-Length is the filled page's, worked out again on every hit.
        headers = {name: value for name, value in response.items() if name.lower() != "content-length"}
        # The bytes, the headers and the anonymous parts, not the response object: a hit unpickles plain values.
        entry = holes.CachedPage(holed, headers, dict(request.hole_fills), bool(request.holes_cover_students))
        set_shared(key, entry.as_value())
        response = _filled(response, request.hole_fills)
        response["X-Dignity-Cache"] = "miss"
        return response


def _filled(response, fills):
    """The response of a render in hole mode, for the anonymous reader who asked for it."""
    if fills:
        response.content = holes.fill_anonymous(response.content, fills)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
    return response


def storable(response):
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
