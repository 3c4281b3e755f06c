"""Puts the help bar's data on every page, with safe defaults if the database cannot answer."""

from dataclasses import dataclass

from django.db import DatabaseError

from .validators import tel_href


@dataclass(frozen=True)
class SafetyDefaults:
    emergency_number: str = "112"
    quick_exit_url: str = "https://www.google.com/search?q=weather"

    @property
    def emergency_tel_href(self):
        return tel_href(self.emergency_number)


def safety_for(request):
    from .models import SafetySettings

    try:
        return SafetySettings.for_request(request)
    except (DatabaseError, AttributeError, LookupError):
        # The help bar must render even on the error page with the database down.
        return SafetyDefaults()


def safety(request):
    return {"safety": safety_for(request)}
