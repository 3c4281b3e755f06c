"""Which help channels a reader sees: one place, so the help bar, get-help page and lesson cards agree."""

from django.conf import settings
from django.utils import translation

from wagtail.models import Locale

from .models import HelpChannel, ReportGuide


def reader_locale():
    """The locale of the page being read; the site's default when the language is unknown."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        return Locale.objects.get(language_code=language)
    except Locale.DoesNotExist:
        return Locale.get_default()


def active_channels(locale=None, country=None):
    """Active channels for a language; never empty while any language has channels.

    An unknown language or a country with no channels of its own falls back to the site's
    default language and to Korean and international channels, never to an empty help page.
    """
    locale = locale or reader_locale()
    channels = HelpChannel.objects.filter(active=True, locale=locale)
    if not channels.exists():
        channels = HelpChannel.objects.filter(active=True, locale=Locale.get_default())
    if country:
        local = channels.filter(country__in=[country.upper(), "INT"])
        if local.filter(country=country.upper()).exists():
            channels = local
    return channels.order_by("sort_order", "name")


def channels_for_situation(situation, locale=None, country=None):
    return [channel for channel in active_channels(locale, country) if situation in (channel.situations or [])]


def report_guides(locale=None):
    locale = locale or reader_locale()
    guides = ReportGuide.objects.filter(locale=locale)
    if not guides.exists():
        guides = ReportGuide.objects.filter(locale=Locale.get_default())
    return guides.order_by("sort_order", "platform")
