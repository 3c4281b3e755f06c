"""Where Django, Wagtail or allauth already does it, we use theirs (issue 17, deliver 3)."""

import pytest

from django.contrib.auth.forms import UserCreationForm
from django.utils import translation

from wagtail.models import Locale

from support.channels import active_channels, report_guides
from tests.factories import HelpChannelFactory, locale_of
from users.forms import StudentSignupForm

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

GOOD = "a-long-passphrase-7"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def form(**data):
    return StudentSignupForm({"username": "calm-otter-12", "password1": GOOD, "password2": GOOD, **data})


def test_the_student_form_is_djangos_user_creation_form():
    assert issubclass(StudentSignupForm, UserCreationForm)
    assert list(StudentSignupForm().fields) == ["username", "display_name", "password1", "password2"]


def test_a_valid_form_makes_a_student_with_a_hashed_password():
    signup = form(display_name="수달")
    assert signup.is_valid(), signup.errors
    student = signup.save()
    assert student.is_student and student.display_name == "수달"
    assert student.check_password(GOOD) and student.password != GOOD


def test_two_different_passwords_say_so_once_and_save_nothing(django_user_model):
    signup = form(password2=GOOD + "x")
    assert not signup.is_valid()
    assert signup.errors == {"password2": ["The two passwords do not match."]}
    assert not django_user_model.objects.exists()


def test_a_weak_password_is_refused_under_the_password(django_user_model):
    signup = form(password1="12345678", password2="12345678")
    assert not signup.is_valid()
    assert list(signup.errors) == ["password1"]
    assert not django_user_model.objects.exists()


def test_a_taken_username_is_refused_whatever_its_case(make_user):
    make_user("Calm-Otter-12")
    signup = form()
    assert not signup.is_valid()
    assert signup.errors["username"] == ["That username is taken. Try another one, or the suggestion."]


@pytest.mark.parametrize("username", ["ab", "has space", "x" * 31, "<script>"])
def test_a_username_outside_the_rule_is_refused(username):
    assert "username" in form(username=username).errors


def test_help_follows_the_active_language_and_falls_back_to_the_default():
    for language in ("ko", "en"):  # a help line in each of the site's languages
        HelpChannelFactory(locale=locale_of(language))
    with translation.override("en"):
        assert {c.locale.language_code for c in active_channels()} == {"en"}
        assert {g.locale.language_code for g in report_guides()} <= {"en"}
    with translation.override("fr"):  # a language the site does not have: the default locale's channels
        assert Locale.get_active() == Locale.get_default()
        assert {c.locale.language_code for c in active_channels()} == {Locale.get_default().language_code}
