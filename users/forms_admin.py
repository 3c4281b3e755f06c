"""The Wagtail admin's login form, with the same account lockout message as everywhere else."""

from django import forms

from wagtail.admin.forms.auth import LoginForm

from .lockout import LOCKED_MESSAGE, is_locked


class LockoutAwareLoginForm(LoginForm):
    def clean(self):
        if is_locked((self.cleaned_data.get("username") or "").strip().lower()):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        return super().clean()
