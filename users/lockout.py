"""Five failed logins for one account within five minutes lock that account for the rest of the window,
on every login path: allauth (people), the Wagtail admin (editors), and anything else that calls
django.contrib.auth.authenticate. Counted per account, not per address, so a class behind one school
address is never locked out together."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

FAILURE_LIMIT = 5
WINDOW_SECONDS = 300
LOCKED_MESSAGE = _("Too many failed logins for this account. Wait five minutes, then try again.")


def _identifier(credentials):
    value = credentials.get("username") or credentials.get("email") or credentials.get("login") or ""
    return str(value).strip().lower()


def _key(identifier):
    return f"login-failures:{identifier}"


def is_locked(identifier):
    return bool(identifier) and cache.get(_key(identifier), 0) >= FAILURE_LIMIT


def record_failure(identifier):
    if not identifier:
        return
    key = _key(identifier)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)


@receiver(user_login_failed, dispatch_uid="users.lockout.failed")
def count_failed_login(sender, credentials, request=None, **kwargs):
    record_failure(_identifier(credentials))


@receiver(user_logged_in, dispatch_uid="users.lockout.succeeded")
def forget_failures(sender, request, user, **kwargs):
    cache.delete(_key(user.get_username().lower()))


class LockoutBackend(ModelBackend):
    """First in AUTHENTICATION_BACKENDS: refuses a locked account before any password is checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = _identifier({"username": username, **kwargs})
        if is_locked(identifier):
            raise PermissionDenied(LOCKED_MESSAGE)
        return None
