"""Site chrome: the language switcher that keeps the reader on the same page, and the main navigation.

Both are the same for every reader of a page, so they are cached per page and language until
published content changes (the content generation), instead of costing queries on every view.
"""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import translate_url
from django.utils import translation

from wagtail.models import Page

from lessons.generation import content_generation as current_generation

register = template.Library()
TIMEOUT = 60 * 60


def _page_translation_urls(page, request):
    """{language: url of the live translation, or that language's home}, cached per page."""
    key = f"page-translations:{current_generation()}:{page.pk}"
    urls = cache.get(key)
    if urls is None:
        translations = {
            other.locale.language_code: other
            for other in page.get_translations(inclusive=True).live().select_related("locale")
        }
        urls = {}
        for code, _name in settings.LANGUAGES:
            translated = translations.get(code)
            urls[code] = (translated.get_url(request) if translated else None) or f"/{code}/"
        cache.set(key, urls, TIMEOUT)
    return urls


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    page_urls = _page_translation_urls(page, request) if isinstance(page, Page) and page.pk else None
    links = []
    for code, name in settings.LANGUAGES:
        if page_urls is not None:
            url = page_urls[code]
        elif request is not None:
            url = _same_path_in(request, code)
        else:
            url = f"/{code}/"
        links.append({"code": code, "name": name, "url": url or f"/{code}/", "current": code == current})
    return {"links": links}


def _same_path_in(request, code):
    """This path in another language, always on this site.

    A path such as `//evil.example/ko/` (a 404) is read by translate_url as a host and a path, and
    would come back as `//evil.example/en/`, a link off the site. Anything that is not a plain path
    on this host becomes that language's home page.
    """
    url = translate_url(request.path, code)
    if not url.startswith("/") or url.startswith("//") or "\\" in url or "\x00" in url:
        return f"/{code}/"
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def curriculum_url(context):
    """The curriculum index in the reader's language, for the main navigation."""
    from lessons.models import CurriculumIndexPage

    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"curriculum-url:{current_generation()}:{language}"
    url = cache.get(key)
    if url is None:
        index = CurriculumIndexPage.objects.live().filter(locale__language_code=language).first()
        url = index.get_url(context.get("request")) if index else ""
        cache.set(key, url, TIMEOUT)
    return url


@register.simple_tag
def content_generation():
    """Changes whenever published content changes: part of every cached fragment's key."""
    return current_generation()
