"""The signed-in user read from the shared cache instead of the database (issue 16).

Every signed-in request loaded its user with one query (django.contrib.auth.get_user); a student's lesson page
is otherwise served without any. `AuthenticationMiddleware` below is Django's, with one shortcut in front of
Django's own `get_user`: when the shared cache holds a copy of the session's user, the session's backend is still
configured, and the session's hash matches that copy's (so the password has not changed since the sign-in) and the
account is active, that copy is the user. Anything else (no copy, another hash, an inactive account, a key
rotation's fallback hashes) goes through Django's `get_user` unchanged, which then keeps the user it loaded.

A copy is dropped whenever the user's row is saved or deleted (a password change, a deactivation, an account
deleted), at once and again when the transaction commits, and lives at most COPY_SECONDS. Django's
`get_session_auth_hash` is what decides, as in Django: a stale copy with an old password can only fail the check
and fall back to the database. With the cache unreachable (website.cache degrades to "not cached") every request
asks the database, as before.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

COPY_KEY = "user-copy:{}"
COPY_SECONDS = 10 * 60


def get_user(request):
    """django.contrib.auth.get_user(request), from the cached copy when that copy is certainly the same answer."""
    session = request.session
    user_id, backend_path, session_hash = (
        session.get(k) for k in (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY)
    )
    if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS or not session_hash:
        return auth.get_user(request)
    copy = cache.get(COPY_KEY.format(user_id))
    if (
        copy is not None
        and str(copy.pk) == str(user_id)
        and copy.is_active
        and constant_time_compare(session_hash, copy.get_session_auth_hash())
    ):
        return copy
    user = auth.get_user(request)
    if user.is_authenticated and str(user.pk) == str(user_id):
        cache.set(COPY_KEY.format(user.pk), user, COPY_SECONDS)
    return user


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """django.contrib.auth's middleware, reading the user through get_user above."""

    def process_request(self, request):
        super().process_request(request)  # its checks (sessions installed) and request.auser (the database)
        request.user = SimpleLazyObject(lambda: _cached_user(request))


def forget(sender, instance, **kwargs):
    """The user's row changed or went: drop the copy now and once the change is committed."""
    key = COPY_KEY.format(instance.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def connect():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(forget, sender=get_user_model(), dispatch_uid=f"users.cached_user.{name}")
