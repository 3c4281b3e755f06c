"""Which help channels a reader sees: one place, so the help bar, get-help page and lesson cards agree."""

from wagtail.models import Locale

from .models import HelpChannel, ReportGuide


def active_channels(locale=None, country=None):
    """Active channels for a language; never empty while any language has channels.

    An unknown language or a country with no channels of its own falls back to the site's
    default language and to Korean and international channels, never to an empty help page.
    """
    locale = locale or Locale.get_active()  # the page's language; the default if unknown
    # live=True: a channel waiting for its first review is on no public page.
    channels = HelpChannel.objects.filter(active=True, live=True, locale=locale)
    if not channels.exists():
        channels = HelpChannel.objects.filter(active=True, live=True, locale=Locale.get_default())
    if country:
        local = channels.filter(country__in=[country.upper(), "INT"])
        if local.filter(country=country.upper()).exists():
            channels = local
    return channels.order_by("sort_order", "name")


def channels_for_situation(situation, locale=None, country=None):
    return [channel for channel in active_channels(locale, country) if situation in (channel.situations or [])]


def report_guides(locale=None):
    locale = locale or Locale.get_active()  # the page's language; the default if unknown
    guides = ReportGuide.objects.filter(live=True, locale=locale)
    if not guides.exists():
        guides = ReportGuide.objects.filter(live=True, locale=Locale.get_default())
    return guides.order_by("sort_order", "platform")


# The help card in a lesson shows a few lines fit for the lesson's band, then links to /help/
# for the rest (issue 14 point 15): StopNCII is for 18+, 1388 for young people, 117 for schools.
CORE_LIMIT = 5
BAND_AUDIENCES = {
    "middle_school": {"all", "under_18", "young_people"},
    "high_school": {"all", "under_18", "young_people"},
    "university": {"all", "adults"},
}
NOT_CORE_KINDS = {"international", "platform_report", "regulator_report"}


def core_channels(band=None, locale=None, limit=CORE_LIMIT):
    """The first few confirmed Korean lines for a school band (everyone's lines if the band is unknown)."""
    audiences = BAND_AUDIENCES.get(band, {"all"})
    chosen = []
    for channel in active_channels(locale):
        if not channel.confirmed or channel.country == "INT" or channel.kind in NOT_CORE_KINDS:
            continue
        if channel.audience not in audiences or (band == "university" and channel.kind == "school"):
            continue
        chosen.append(channel)
    return chosen[:limit]
