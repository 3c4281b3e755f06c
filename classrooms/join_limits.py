"""Limits on wrong class codes (and card codes) that a whole school behind one address survives.

A class code is a shared secret of 31**8 (about 8.5e11) values. Two counters keep guessing infeasible without
punishing a class for one student's typos:

- per browser session, SESSION_LIMIT wrong codes per window: a student who mistypes ten times waits; nobody else does;
- per client address, ADDRESS_LIMIT wrong codes per window: a school's NAT address with a thousand students and
  plenty of typos stays far below it, while a guesser is held to ~43,000 guesses a day per address, which at
  100,000 live classes finds one code in about 200 days (the note in the README "Security" section).

The client address is the one allauth uses (ALLAUTH_TRUSTED_PROXY_COUNT), so behind our proxy each school counts
for itself instead of the proxy's address counting for everyone.

Kept ours for now: two cache counters that count wrong codes only (a right one costs nothing); django-ratelimit's
is_ratelimited(increment=...) could carry them, a candidate for later.
"""

import time

from allauth.account.adapter import get_adapter

from django.core.cache import cache

SESSION_LIMIT = 10
ADDRESS_LIMIT = 300
WINDOW_SECONDS = 600
_SESSION_FIELD = "join_wrong_codes"


def _address_key(request):
    return f"join-wrong:{get_adapter(request).get_client_ip(request)}"


def _session_count(request):
    started, count = request.session.get(_SESSION_FIELD, (0, 0))
    if time.time() - started > WINDOW_SECONDS:
        return 0
    return count


def must_wait(request):
    """True when this session, or this address as a whole, has used up its wrong guesses for now."""
    return _session_count(request) >= SESSION_LIMIT or cache.get(_address_key(request), 0) >= ADDRESS_LIMIT


def count_wrong_code(request):
    started, count = request.session.get(_SESSION_FIELD, (time.time(), 0))
    if time.time() - started > WINDOW_SECONDS:
        started, count = time.time(), 0
    request.session[_SESSION_FIELD] = (started, count + 1)
    key = _address_key(request)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)
