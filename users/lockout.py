"""Failed sign-ins slow down one account, whatever name is typed for it, on every login path.

- Counted per account: the typed identifier (a username or an email address, any case) is resolved
  to the user first and counted under the user's id, so a username and an email address share one
  budget, and a successful sign-in by either clears it. A name that is no account is counted under
  its normalised form, so unknown names answer exactly like known ones.
- Counted on every password check: allauth's login (users.adapter), anything that calls
  django.contrib.auth.authenticate (LockoutBackend, first in AUTHENTICATION_BACKENDS), and the
  password asked before a student deletes their account (classrooms.views.data).
- Not a lock a stranger can renew forever at no cost: the first FREE_FAILURES are free, then each
  failure makes the next try wait longer (15 s, 30 s, 1 min, … up to MAX_WAIT_SECONDS). A try during
  the wait is refused without checking the password, and is not counted. A school day of guessing
  is then a few hundred guesses at most, and the account holder is told: teachers by email, students
  with a message at their next sign-in.
- Not per address: a class behind one school address (its NAT) is never slowed down together; the
  per-address limit is allauth's (ACCOUNT_RATE_LIMITS, client address via ALLAUTH_TRUSTED_PROXY_COUNT).

Not django-axes: it locks by the typed username or the address; issue 13 asks for one budget per resolved account
(a username and an email address count together) and a doubling wait that never locks for good.
"""

import math
import time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FREE_FAILURES = 5
FIRST_WAIT_SECONDS = 15
MAX_WAIT_SECONDS = 300
# Failures are forgotten after this long without a new one.
MEMORY_SECONDS = 60 * 60
NOTICE_SECONDS = 30 * 24 * 60 * 60


def normalise(identifier):
    return str(identifier or "").strip().lower()


def typed_identifier(credentials):
    return credentials.get("username") or credentials.get("email") or credentials.get("login") or ""


def account_for(identifier):
    """The account a typed username or email address names, or None."""
    name = normalise(identifier)
    if not name:
        return None
    User = get_user_model()
    if "@" in name:
        from allauth.account.models import EmailAddress

        address = EmailAddress.objects.filter(email__iexact=name).select_related("user").first()
        if address is not None:
            return address.user
        return User.objects.filter(email__iexact=name).first()
    return User.objects.filter(username__iexact=name).first()


def key_for_user(user):
    return f"login-failures:user:{user.pk}"


def key_for(identifier, user=None):
    """The counter key for what was typed: the account's id, or the normalised name if no account."""
    user = user or account_for(identifier)
    if user is not None:
        return key_for_user(user)
    name = normalise(identifier)
    return f"login-failures:name:{name}" if name else None


def _state(key):
    return cache.get(key) or {"failures": 0, "wait_until": 0.0}


def wait_seconds(key):
    """How long this account must wait before its password is checked again (0: not at all)."""
    if not key:
        return 0
    remaining = _state(key)["wait_until"] - time.time()
    return math.ceil(remaining) if remaining > 0 else 0


def delay_after(failures):
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_WAIT_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS)


def record_failure(key, user=None):
    """Count one wrong password; returns the new number of failures. Tries refused during a wait
    never reach here with a checked password, and are not counted."""
    if not key or wait_seconds(key):
        return None
    state = _state(key)
    state["failures"] += 1
    state["wait_until"] = time.time() + delay_after(state["failures"])
    cache.set(key, state, MEMORY_SECONDS)
    if state["failures"] == FREE_FAILURES and user is not None:
        notify_holder(user)
    return state["failures"]


def forget(user):
    cache.delete(key_for_user(user))


def waiting_message(seconds):
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext(
            "Too many wrong passwords for this account. Wait %(count)d minute, then try again.",
            "Too many wrong passwords for this account. Wait %(count)d minutes, then try again.",
            minutes,
        ) % {"count": minutes}
    return ngettext(
        "Too many wrong passwords for this account. Wait %(count)d second, then try again.",
        "Too many wrong passwords for this account. Wait %(count)d seconds, then try again.",
        seconds,
    ) % {"count": seconds}


# -- telling the account holder ------------------------------------------------------------------


def _notice_key(user):
    return f"login-failure-notice:{user.pk}"


def notify_holder(user):
    """Someone is guessing this account's password: the holder hears of it, once per burst."""
    cache.set(_notice_key(user), timezone.now().isoformat(), NOTICE_SECONDS)
    if user.email and not getattr(user, "is_student", False):
        with translation.override("ko"):
            subject = _("Dignity: several wrong passwords for your account")
            body = _(
                "Someone typed a wrong password for your Dignity account (%(username)s) several times. "
                "Sign-ins to it are slowed down for a while. If it was you, wait and try again. "
                "If it was not you, your password was not given away, but choose a long one you use "
                "nowhere else and turn on two-step sign-in."
            ) % {"username": user.get_username()}
        send_mail(subject, body, None, [user.email], fail_silently=True)


@receiver(user_logged_in, dispatch_uid="users.lockout.succeeded")
def forget_failures(sender, request, user, **kwargs):
    forget(user)
    noticed = cache.get(_notice_key(user))
    if noticed is None:
        return
    cache.delete(_notice_key(user))
    if request is not None and hasattr(request, "_messages"):
        messages.warning(
            request,
            _(
                "Since you last signed in, someone typed a wrong password for your account several times. "
                "If it was not you, tell your teacher and change your password."
            ),
        )


# -- every login path ----------------------------------------------------------------------------


@receiver(user_login_failed, dispatch_uid="users.lockout.failed")
def count_failed_login(sender, credentials, request=None, **kwargs):
    identifier = typed_identifier(credentials)
    user = account_for(identifier)
    record_failure(key_for(identifier, user), user)


class LockoutBackend(ModelBackend):
    """First in AUTHENTICATION_BACKENDS: refuses an account that must wait before any password is checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        seconds = wait_seconds(key_for(typed_identifier({"username": username, **kwargs})))
        if seconds:
            raise PermissionDenied(waiting_message(seconds))
        return None
