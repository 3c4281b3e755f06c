"""Hole punching: a signed-in student's lesson page is the anonymous page's cached HTML with the
per-student parts filled in on the server.

The templates mark every part of a page that differs between readers with `{% hole "name" ... %}`
(templates/includes/header.html, base.html, lessons/lesson_page.html). Rendered normally, the tag
renders that part's small template (HOLES) with the reader's request: the page is what it always was.
Rendered for the page cache (request.hole_mode), the tag writes a marker instead and remembers what
an anonymous reader sees there. So the cached HTML holds nothing personal, one copy per path, language
and content generation (which every publish moves on), and serves both:

- an anonymous reader: the markers replaced with the anonymous parts kept next to the HTML
  (website.page_cache.AnonymousPageCacheMiddleware), no template rendered, no query;
- a signed-in student (StudentHoleMiddleware): the markers replaced with the same small templates
  rendered for that student (account links, messages, the "mark as done" form with its CSRF token,
  the progress and check-quiz state, live polls). No ESI, no JavaScript.

A marker carries a secret derived from SECRET_KEY, so text in a lesson (an editor's rich text, a
student's name) can never be read as a marker, and every marker is replaced on the way out (an
unknown name with nothing), so none ever reaches a reader. Parameters in a marker are only ids and
UUIDs the template passes; anything else is refused when the page is rendered.

Only pages whose template declares `{% holes_cover_students %}` (every per-student part of it is a
hole: the lesson page) are served to students this way; any other page is rendered for them as
before. Teachers and editors (teacher notes, the editors' bar) always take the uncached path.
"""

import copy
import hashlib
import hmac
import re
import uuid
from functools import lru_cache
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage import default_storage
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from . import page_cache

# name -> the template that renders that part for one reader. Only these names can be holes.
HOLES = {
    "account": "includes/account_links.html",
    "messages": "includes/messages.html",
    "polls": "lessons/includes/student_polls.html",
    "lesson_status": "lessons/includes/student_lesson_status.html",
    "lesson_done": "lessons/includes/student_lesson_done.html",
    # The quiz page (quizzes/quiz_page.html): what differs between an anonymous reader's practice form and a
    # student's fresh form. quiz_head comes first in the page and decides whether the cached page fits the
    # student at all (quiz_reader below).
    "quiz_head": "quizzes/holes/quiz_head.html",
    "quiz_notice": "quizzes/holes/quiz_notice.html",
    "quiz_form": "quizzes/holes/quiz_form.html",
    "quiz_autosave": "quizzes/holes/quiz_autosave.html",
}
# A parameter is an id or a UUID (or empty): nothing that needs escaping inside an HTML comment.
_PARAM = re.compile(r"^[0-9A-Za-z-]{0,64}$")


@lru_cache(maxsize=4)
def _secret_for(secret_key):
    return hmac.new(secret_key.encode(), b"dignity-page-holes", hashlib.sha256).hexdigest()[:32]


def secret():
    """The same in every process of one deployment (they share the page cache), unknown to readers."""
    return _secret_for(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _pattern_for(marker_secret):
    return re.compile(rb"<!--hole:" + marker_secret.encode() + rb":([a-z_]+):([^>]*)-->")


def pattern():
    return _pattern_for(secret())


def marker(name, params):
    if name not in HOLES:
        raise ValueError(f"Unknown hole {name!r}")
    for key, value in params.items():
        if not _PARAM.match(key) or not _PARAM.match(value):
            raise ValueError(f"Hole parameters are ids and UUIDs only: {key}={value!r}")
    return f"<!--hole:{secret()}:{name}:{urlencode(sorted(params.items()))}-->"


def clean_params(params):
    return {key: "" if value is None else str(value) for key, value in params.items()}


def hole_context(request, params):
    """What a hole's template may read: the request and reader, the CSRF token, messages, the language
    and the hole's own parameters. The same whether the page is rendered whole or filled from the cache."""
    # An error page raised before AuthenticationMiddleware (a NUL byte, a bad host) has no user: anonymous.
    user = getattr(request, "user", None) or AnonymousUser()
    context = {
        "request": request,
        "user": user,
        "perms": PermWrapper(user),
        "csrf_token": SimpleLazyObject(lambda: get_token(request)),
        "messages": get_messages(request),
        "LANGUAGE_CODE": translation.get_language(),
        **params,
    }
    if params.get("key"):
        # The lesson, as far as a hole needs it (teaching's live polls look it up by translation key).
        context["lesson_ref"] = SimpleNamespace(translation_key=params["key"])
    return context


def open_polls_possible(user, lesson_key):
    """Whether a live poll is open on this lesson in one of the student's classes. Most of the time no poll is
    open on the lesson anywhere (teaching.open_polls knows, asking the database at most once a second per
    process) and this costs no query; otherwise one query written once per process, and teaching's own
    query runs only when it finds one."""
    from django.db import connection

    from wagtail.models import Page

    from classrooms.models import Classroom, Enrollment
    from teaching.models import LivePoll
    from teaching.open_polls import lessons_with_open_polls

    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_student", False):
        return False
    lesson_key = uuid.UUID(str(lesson_key))
    if str(lesson_key) not in lessons_with_open_polls():
        return False
    key = Page._meta.get_field("translation_key").get_db_prep_value(lesson_key, connection)
    with connection.cursor() as cursor:
        cursor.execute(_polls_sql(connection.vendor, LivePoll, Page, Enrollment, Classroom), [user.pk, key])
        return bool(cursor.fetchone()[0])


@lru_cache(maxsize=2)
def _polls_sql(vendor, *models):
    from django.db import connection

    poll, page, enrollment, classroom = (connection.ops.quote_name(model._meta.db_table) for model in models)
    return (
        f"SELECT EXISTS(SELECT 1 FROM {poll} p INNER JOIN {page} l ON l.id = p.lesson_id "
        f"INNER JOIN {enrollment} e ON e.classroom_id = p.classroom_id "
        f"INNER JOIN {classroom} c ON c.id = p.classroom_id "
        "WHERE e.student_id = %s AND c.archived_at IS NULL AND p.closed_at IS NULL AND l.translation_key = %s)"
    )


class RenderWhole(Exception):
    """Raised by a hole when the cached page does not fit this reader (a student's quiz with an attempt in
    progress, a result to show): StudentHoleMiddleware renders the page whole for them instead."""


def quiz_reader(request, quiz, revision, limit):
    """What the quiz holes show this reader: whether the form records (and autosaves) and its signed form token.

    An anonymous reader practises: nothing recorded, no token. A student is served the cached page only when
    the page as rendered whole would be a fresh form of the live revision (quizzes.views.show_quiz): no
    attempt in progress (its revision and saved answers), no finished attempt unless they asked to try again
    (?again=1, within the attempts allowed); anything else raises RenderWhole. One query (the student's
    attempts at this quiz), once per request; the token is signed afresh for every request (its build time
    is what refuses a stale form)."""
    memo = getattr(request, "_quiz_reader", None)
    if memo is not None and memo[0] == (quiz, revision):
        return memo[1]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        reader = SimpleNamespace(recording=False, form_token=None)
    elif not getattr(user, "is_student", False) or not revision or not quiz:
        raise RenderWhole
    else:
        from quizzes.attempts import form_token, standing

        found = standing(user, int(quiz))
        if found.open is not None:
            raise RenderWhole
        limit = int(limit or 0)
        if found.last is not None and (request.GET.get("again") != "1" or (limit and found.submitted >= limit)):
            raise RenderWhole
        reader = SimpleNamespace(recording=True, form_token=form_token(int(quiz), int(revision)))
    request._quiz_reader = ((quiz, revision), reader)
    return reader


def render_hole(name, params, request):
    return get_template(HOLES[name]).render(hole_context(request, params))


def render_without_request(name, params):
    return get_template(HOLES[name]).render({"LANGUAGE_CODE": translation.get_language(), **params})


def fill(content, replace):
    """content (bytes) with every marker replaced by replace(name, params) (str), unknown names by nothing."""

    def one(match):
        name = match.group(1).decode()
        if name not in HOLES:
            return b""
        return replace(name, dict(parse_qsl(match.group(2).decode(), keep_blank_values=True))).encode()

    return pattern().sub(one, content)


def fill_anonymous(content, fills):
    """The anonymous reader's page: each marker replaced with what the anonymous render put there."""
    if not fills:
        return content
    return pattern().sub(lambda match: fills.get(match.group(0).decode(), "").encode(), content)


def fill_for(content, request):
    """content with every hole filled for this signed-in student (StudentHoleMiddleware)."""
    return fill(content, lambda name, params: render_for_student(name, params, request))


# What a filled hole looks like is, for most holes, the same for every student: it depends on the language,
# the hole's parameters and a little state (the lesson's progress flags), and on nobody's name. Those holes are
# rendered once per process and kept, with a placeholder where the CSRF token goes; each request puts its own
# freshly masked token there. Rendering the small templates was the larger part of a filled page's cost.
_rendered = {}
_RENDERED_LIMIT = 4096
_NOTHING = ""


@lru_cache(maxsize=4)
def _csrf_placeholder_for(marker_secret):
    return "csrfhole" + marker_secret


def _student_variant(name, params, request):
    """What, beside the language and the parameters, this hole's output depends on for this student; _NOTHING
    when it renders nothing; None when it must be rendered for them (anything personal, or a rare case)."""
    user = request.user
    if not getattr(user, "is_student", False):
        return None
    if name in ("account", "lesson_done"):
        return ("student",)  # templates/includes/account_links.html, lessons/includes/student_lesson_done.html
    if name == "messages":
        return _NOTHING if not len(get_messages(request)) else None  # counting does not mark them as read
    if name == "polls":
        return _NOTHING if not (params.get("key") and open_polls_possible(user, params["key"])) else None
    if name == "lesson_status":
        from classrooms.templatetags.progress_tags import student_lesson_state

        state = student_lesson_state({"request": request}, params["lesson"], params["key"], params.get("quiz"))
        return ("state", state["completed"], state["quiz_submitted"], state["quiz_passed"])
    if name in QUIZ_HOLES:
        # A fresh form of the live revision (anything else raised RenderWhole): the same for every student but
        # for the signed form token, which goes where its placeholder is, like the CSRF token.
        return ("quiz", quiz_reader(request, params.get("quiz"), params.get("rev"), params.get("limit")).recording)
    return None


QUIZ_HOLES = ("quiz_head", "quiz_notice", "quiz_form", "quiz_autosave")


@lru_cache(maxsize=4)
def _form_token_placeholder_for(marker_secret):
    return "formtokenhole" + marker_secret


def render_for_student(name, params, request):
    variant = _student_variant(name, params, request)
    if variant is None:
        return render_hole(name, params, request)
    if variant is _NOTHING:
        return ""
    key = (name, translation.get_language(), get_script_prefix(), tuple(sorted(params.items())), variant)
    placeholder = _csrf_placeholder_for(secret())
    form_token = _form_token_placeholder_for(secret())
    html = _rendered.get(key)
    if html is None:
        context = hole_context(request, params)
        context["csrf_token"] = placeholder
        html = _render_with_form_token(name, context, request, form_token)
        if len(_rendered) >= _RENDERED_LIMIT:
            _rendered.clear()
        _rendered[key] = html
    if placeholder in html:
        html = html.replace(placeholder, get_token(request))
    if form_token in html:
        html = html.replace(form_token, request._quiz_reader[1].form_token)
    return html


def _render_with_form_token(name, context, request, form_token):
    """Render a hole to keep: a quiz hole sees the form token's placeholder instead of this student's token."""
    memo = getattr(request, "_quiz_reader", None)
    if name not in QUIZ_HOLES or memo is None:
        return get_template(HOLES[name]).render(context)
    request._quiz_reader = (memo[0], SimpleNamespace(recording=memo[1].recording, form_token=form_token))
    try:
        return get_template(HOLES[name]).render(context)
    finally:
        request._quiz_reader = memo


def start_hole_mode(request):
    request.hole_mode = True
    request.hole_fills = {}
    request.holes_cover_students = False


class CachedPage:
    """One page cache entry: the HTML with markers, and for the anonymous reader the headers (None when a
    student's request built the entry: the anonymous middleware then renders and completes it) and the
    anonymous parts. `for_students`: every per-student part of the page is a hole."""

    __slots__ = ("content", "headers", "fills", "for_students")

    def __init__(self, content, headers, fills, for_students):
        self.content, self.headers, self.fills, self.for_students = content, headers, fills, for_students

    def as_value(self):
        return (self.content, self.headers, self.fills, self.for_students)

    @classmethod
    def from_value(cls, value):
        # Entries of another shape (an older release's, during a deploy) are a miss.
        if isinstance(value, tuple) and len(value) == 4:
            return cls(*value)
        return None


def _anonymous_copy(request):
    """The same request as an anonymous reader without cookies would send it: no session, no user,
    no messages, no CSRF cookie. Only what this renders can end up in the shared cache."""
    from importlib import import_module

    anonymous = copy.copy(request)
    anonymous.META = {
        key: value
        for key, value in request.META.items()
        if key not in ("HTTP_COOKIE", "CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE")
    }
    anonymous.COOKIES = {}
    anonymous.session = import_module(settings.SESSION_ENGINE).SessionStore()
    anonymous.user = AnonymousUser()
    anonymous.auser = _anonymous_user
    anonymous._messages = default_storage(anonymous)
    for attribute in ("_cached_user", "_acached_user", "csrf_processing_done"):
        anonymous.__dict__.pop(attribute, None)
    start_hole_mode(anonymous)
    return anonymous


async def _anonymous_user():
    return AnonymousUser()


class StudentHoleMiddleware:
    """Last in MIDDLEWARE: a signed-in student's GET of a public page is answered from the page cache
    with the holes filled for them; everything outside this middleware (sessions, CSRF cookie, messages,
    security headers) treats the answer like any view's.

    A miss renders the page once as an anonymous reader would see it (with markers) and keeps it for
    everyone; a page that cannot be cached, or is not made only of holes for students (a module page
    with the student's ticks, a restricted page), is remembered as such and rendered as before.
    """

    NOT_FOR_STUDENTS = "holes-not-for-students:"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._candidate(request):
            return self.get_response(request)
        key = page_cache.page_key(request)
        entry = CachedPage.from_value(page_cache.get_shared(key))
        state = "hit"
        if entry is None:
            if page_cache.local_cache.get(self.NOT_FOR_STUDENTS + key):
                return self.get_response(request)
            entry, state = self._build(request, key), "miss"
            if entry is None:
                page_cache.local_cache.set(self.NOT_FOR_STUDENTS + key, True)
                return self.get_response(request)
        if not entry.for_students:
            return self.get_response(request)
        try:
            content = fill_for(entry.content, request)
        except RenderWhole:
            # This student's page is not the cached one (a quiz attempt in progress): rendered as before.
            return self.get_response(request)
        except Http404:
            # A hole found the page no longer live (classrooms.progress.student_lesson_state): the entry is
            # stale although the content generation did not move (a bulk update). Drop it and render afresh.
            page_cache.forget_shared(key)
            return self.get_response(request)
        response = HttpResponse(content, content_type=self._content_type(entry))
        response["X-Dignity-Holes"] = state
        return response

    @staticmethod
    def _candidate(request):
        if request.method != "GET" or getattr(request, "is_dummy", False):
            return False
        if not page_cache.cacheable_path(request.path):
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and getattr(user, "is_student", False))

    @staticmethod
    def _content_type(entry):
        headers = entry.headers or {}
        return headers.get("Content-Type", "text/html; charset=utf-8")

    def _build(self, request, key):
        anonymous = _anonymous_copy(request)
        response = self.get_response(anonymous)
        if not page_cache.storable(response) or anonymous.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            # A CSRF token in the anonymous render would be one token for everyone: never kept.
            return None
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response.render()
        entry = CachedPage(
            response.content,
            None,
            dict(anonymous.hole_fills),
            bool(anonymous.holes_cover_students),
        )
        page_cache.set_shared(key, entry.as_value())
        return entry
