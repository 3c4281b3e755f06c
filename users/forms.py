"""Sign-up forms: teachers through allauth with a required email; students by class code, no email."""

import secrets

from allauth.account.forms import LoginForm, SignupForm

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpResponseRedirect
from django.urls import reverse
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


class SiteLoginForm(LoginForm):
    """allauth's log-in, labelled for students first: "Username" and "Password" (teachers may use their email)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Username")
        login.help_text = _("Teachers can also use their email address.")
        login.widget.attrs.update(autocapitalize="none", autocomplete="username", spellcheck="false")
        login.widget.attrs.pop("placeholder", None)
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""


class TeacherSignupForm(SignupForm):
    """allauth's sign-up, for teachers: an email address is required and must be verified.

    It never tells whether an account exists (users.views.TeacherSignupView): there is no username
    field (a taken username cannot be hidden; teachers sign in with their email address, and a
    username is made from it), and an address that already has an account gets the same answer
    as a new one while its owner is told by email.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("username", None)
        email = self.fields["email"]
        email.required = True
        email.label = _("Email address (required)")
        email.help_text = _("Your school or work address: we send a link to check it.")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def validate_unique_email(self, value):
        from allauth.account.utils import filter_users_by_email

        self.account_already_exists = bool(filter_users_by_email(value))
        return value

    def try_save(self, request):
        if not self.account_already_exists:
            return super().try_save(request)
        from allauth.account.adapter import get_adapter

        from django.contrib import messages

        email = self.cleaned_data["email"]
        adapter = get_adapter()
        adapter.send_account_already_exists_mail(email)
        # What the new-account answer does besides: the "confirmation sent" message, and the pending
        # sign-in kept in the session (so a session cookie); without them, either would tell the two apart.
        adapter.add_message(
            request,
            messages.INFO,
            "account/messages/email_confirmation_sent.txt",
            {"email": email, "login": False, "signup": True},
        )
        request.session["account_signup_answered"] = True
        return None, HttpResponseRedirect(reverse("account_email_verification_sent"))

    def save(self, request):
        user = super().save(request)
        user.account_type = user.AccountType.TEACHER
        user.save(update_fields=["account_type"])
        return user


class StudentSignupForm(UserCreationForm):
    """A student joining a class: a username, a password and, if they like, a display name.

    Django's UserCreationForm does the passwords (match, validators, hashing); we add the username
    rule, the display name, our wording and the student account type.
    """

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
    password1, password2 = UserCreationForm.create_password_fields(label1=_("Password"), label2=_("Password again"))
    error_messages = {"password_mismatch": _("The two passwords do not match.")}

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "display_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)  # the page starts with the class, not the form
        self.fields["password1"].help_text = self.fields["password2"].help_text = ""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken. Try another one, or the suggestion."))
        return username

    def validate_password_for_user(self, user, password_field_name="password1"):
        # The password's own problems go under it, and only once the two copies match.
        if "password2" not in self.errors:
            super().validate_password_for_user(user, password_field_name)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.account_type = user.AccountType.STUDENT
        if commit:
            user.save()
        return user
