"""Sign-up forms: teachers through allauth with a required email; students by class code, no email."""

import secrets

from allauth.account.forms import SignupForm

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

ADJECTIVES = ["blue", "brave", "calm", "clever", "green", "kind", "quick", "quiet", "bright", "gentle", "warm"]
ANIMALS = ["otter", "panda", "heron", "tiger", "whale", "fox", "crane", "magpie", "deer", "seal", "owl"]


def suggest_username():
    """A friendly username that says nothing about the student."""
    User = get_user_model()
    for _attempt in range(20):
        name = f"{secrets.choice(ADJECTIVES)}-{secrets.choice(ANIMALS)}-{secrets.randbelow(90) + 10}"
        if not User.objects.filter(username__iexact=name).exists():
            return name
    return f"student-{secrets.token_hex(4)}"


class TeacherSignupForm(SignupForm):
    """allauth's sign-up, for teachers: an email address is required and must be verified."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def save(self, request):
        user = super().save(request)
        user.account_type = user.AccountType.TEACHER
        user.save(update_fields=["account_type"])
        return user


class StudentSignupForm(forms.Form):
    """A student joining a class: a username, a password and, if they like, a display name."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=30,
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        help_text=_("3–30 letters, digits, dots, dashes or underscores. Do not use your real name."),
        error_messages={"invalid": _("Use 3–30 letters, digits, dots, dashes or underscores.")},
    )
    display_name = forms.CharField(
        label=_("Display name (optional)"),
        max_length=60,
        required=False,
        help_text=_("What your teacher sees next to your username. A nickname is fine."),
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken. Try another one, or the suggestion."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            user = get_user_model()(username=cleaned.get("username", ""))
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self):
        User = get_user_model()
        user = User(
            username=self.cleaned_data["username"],
            display_name=self.cleaned_data["display_name"],
            account_type=User.AccountType.STUDENT,
        )
        user.set_password(self.cleaned_data["password1"])
        user.save()
        return user
