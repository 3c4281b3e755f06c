from allauth.account.adapter import DefaultAccountAdapter

from django import forms
from django.utils import translation

from . import lockout


class AccountAdapter(DefaultAccountAdapter):
    """After logging in, teachers land on their classes and students on their assignments."""

    def pre_authenticate(self, request, **credentials):
        """allauth's per-address limit, then the per-account wait (users.lockout) with its own message."""
        super().pre_authenticate(request, **credentials)
        seconds = lockout.wait_seconds(lockout.key_for(lockout.typed_identifier(credentials)))
        if seconds:
            raise forms.ValidationError(lockout.waiting_message(seconds), code="account_waiting")

    def get_login_redirect_url(self, request):
        language = translation.get_language() or "ko"
        user = request.user
        if getattr(user, "is_teacher", False):
            return f"/{language}/teach/"
        if getattr(user, "is_student", False):
            return f"/{language}/learn/"
        return super().get_login_redirect_url(request)
