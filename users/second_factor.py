"""No session without the second factor: every login goes through allauth, and a session that
skipped allauth's two-factor stage is ended.

allauth asks for the TOTP code (or a recovery code) before it logs a person in, and records that in
the session. Any other path that calls django.contrib.auth.login (Wagtail's own /cms/login/, which
now redirects to allauth's, or anything added later) would create a session on the password
alone; this middleware logs such a session out on its next request, before any view sees it.

The check costs one query once per session: when the session is known good (at login, or on its
first request) a flag with the user's id is kept in it. A person who turns two-factor on later in
the same session keeps that session: they proved themselves when they turned it on.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

CHECKED_KEY = "dignity_second_factor_checked"


def skipped_second_factor(request, user):
    """The user has an authenticator, and this session never passed allauth's two-factor stage."""
    if not is_mfa_enabled(user):
        return False
    return not any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


@receiver(user_logged_in, dispatch_uid="users.second_factor.logged_in")
def check_at_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and not skipped_second_factor(request, user):
        session[CHECKED_KEY] = str(user.pk)


class SecondFactorRequiredMiddleware:
    """After AuthenticationMiddleware: log out a session that skipped the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            user = request.user
            if request.session.get(CHECKED_KEY) != str(user.pk):
                if skipped_second_factor(request, user):
                    logout(request)
                else:
                    request.session[CHECKED_KEY] = str(user.pk)
        return self.get_response(request)
