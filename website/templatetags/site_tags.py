"""Site chrome: the language switcher that keeps the reader on the same page."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if isinstance(page, Page) and page.pk:
            translated = page.get_translation_or_none(_locale_for(code))
            if translated is not None and translated.live:
                url = translated.get_url(request)
            else:
                url = f"/{code}/"
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url or f"/{code}/", "current": code == current})
    return {"links": links}


def _locale_for(code):
    from wagtail.models import Locale

    return Locale.objects.filter(language_code=code).first()


@register.simple_tag(takes_context=True)
def curriculum_url(context):
    """The curriculum index in the reader's language, for the main navigation."""
    from wagtail.models import Locale

    from lessons.models import CurriculumIndexPage

    request = context.get("request")
    try:
        index = CurriculumIndexPage.objects.live().filter(locale=Locale.get_active()).first()
    except Locale.DoesNotExist:
        return ""
    return index.get_url(request) if index else ""


@register.simple_tag
def content_generation():
    """Changes whenever published content changes: part of every cached fragment's key."""
    from website.page_cache import content_generation as current

    return current()
