"""Checks for help-channel contact details: a reader in crisis must never get a dead link."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

DIALABLE = re.compile(r"^\+?[0-9](?:[0-9\- ]{0,18}[0-9])?$")

validate_web_address = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address that starts with http:// or https://.")
)


def validate_phone(value):
    if not DIALABLE.match(value.strip()):
        raise ValidationError(
            _("Enter a number that can be dialled: digits, with optional spaces, dashes or a leading +."),
            code="not_dialable",
        )


def tel_href(phone):
    """The tel: form of a dialable number (spaces and dashes dropped)."""
    return "tel:" + re.sub(r"[\s\-]", "", phone)
