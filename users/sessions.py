"""Which sessions belong to whom, through allauth's `usersessions` index (issue 17, finding 6).

Django's session table stores the user inside each session's encoded data, so finding one person's
sessions used to mean decoding every live session on the site. allauth's UserSession row keeps the
session key beside the user, so logging someone out everywhere is one DELETE, however big the site.

Every sign-in makes the row: allauth's own sign-ins (its `user_logged_in` signal) and ours that call
`django.contrib.auth.login` directly (a class join, a sign-in card), through Django's signal below.
"""

from importlib import import_module

from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from allauth.usersessions.models import UserSession

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone

DATABASE_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def _delete_sessions(keys):
    """End these sessions in one DELETE (and one cache delete_many where cached_db keeps a copy)."""
    Session.objects.filter(session_key__in=keys).delete()
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db":
        prefix = import_module(settings.SESSION_ENGINE).SessionStore.cache_key_prefix
        caches[settings.SESSION_CACHE_ALIAS].delete_many([prefix + key for key in keys])


# A sign-in with no client address (the test client's force_login, a shell) is recorded without one.
NO_ADDRESS = "0.0.0.0"  # nosec B104 (a placeholder stored in a row, never bound)


@receiver(user_logged_in, dispatch_uid="users.sessions.track")
def track(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if hasattr(request, "user"):
        try:
            UserSession.objects.create_from_request(request)
            return
        except PermissionDenied:  # allauth cannot tell the client's address
            pass
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user, "ip": NO_ADDRESS, "user_agent": ""}
    )


def end_sessions(user, keep=None):
    """Log `user` out everywhere (but the session key `keep`): one DELETE of their sessions.

    The UserSession rows go too (one more statement); the nightly purge would find them stale anyway.
    """
    index = UserSession.objects.filter(user_id=user.pk)
    if keep:
        index = index.exclude(session_key=keep)
    if settings.SESSION_ENGINE in DATABASE_ENGINES:
        _delete_sessions(list(index.values_list("session_key", flat=True)))
        index.delete()
    else:  # another engine (cache, signed cookies): allauth ends each one through the session store
        for session in index:
            session.end()


def forget_ended_sessions(now=None):
    """Delete ended sessions and their index rows (which hold the sign-in's IP address and browser).

    Django keeps an expired session row until `clearsessions`; this does the same in two statements,
    so an address is kept no longer than the sign-in lasts (a school day) plus a night. Run nightly
    by classrooms.tasks.purge_archived_classes.
    """
    if settings.SESSION_ENGINE in DATABASE_ENGINES:  # expired copies in the cache expire on their own
        Session.objects.filter(expire_date__lt=now or timezone.now()).delete()
        UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    else:
        for session in UserSession.objects.iterator():
            session.purge()


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """allauth's "sign out other sessions" (Account → Sessions) in one DELETE instead of one per session."""

    def end_sessions(self, sessions):
        keys = [session.session_key for session in sessions]
        if keys and settings.SESSION_ENGINE in DATABASE_ENGINES:
            _delete_sessions(keys)
            UserSession.objects.filter(session_key__in=keys).delete()
        else:
            super().end_sessions(sessions)
