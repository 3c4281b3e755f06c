"""Error pages with the site's chrome, and the fallback for a page missing in one language."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.utils import translation

from wagtail.models import Locale, Page, Site


def _other_language_page(request):
    """A live page at the same place in another language's tree, if the requested one is missing."""
    parts = [part for part in request.path.split("/") if part]
    if not parts or parts[0] not in dict(settings.LANGUAGES):
        return None
    site = Site.find_for_request(request)
    if site is None:
        return None
    if _page_at(site, parts[0], parts[1:]) is not None:
        return None  # the page exists in the asked-for language: this 404 is real
    for code, _name in settings.LANGUAGES:
        if code != parts[0]:
            page = _page_at(site, code, parts[1:])
            if page is not None:
                return page, code
    return None


def _page_at(site, language, slugs):
    locale = Locale.objects.filter(language_code=language).first()
    page = site.root_page.get_translation_or_none(locale) if locale else None
    try:
        for slug in slugs:
            page = page.get_children().live().public().get(slug=slug) if page else None
    except Page.DoesNotExist:
        return None
    return page


def page_not_found(request, exception=None):
    found = _other_language_page(request)
    if found:
        page, code = found
        with translation.override(code):
            url = page.get_url(request)
        return HttpResponseRedirect(f"{url}?untranslated={request.path.split('/')[1]}")
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be what failed.
    template = loader.get_template("500.html")
    return _plain_response(template.render({"request": request}))


def _plain_response(content):
    from django.http import HttpResponseServerError

    return HttpResponseServerError(content)


def bad_request(request, exception=None):
    """A malformed request, or one too large to read (413): a clear page, and nothing was saved."""
    too_large = isinstance(exception, RequestDataTooBig)
    return render(request, "400.html", {"too_large": too_large}, status=413 if too_large else 400)
