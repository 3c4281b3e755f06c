"""Titles in the reader's language.

An assignment points at the page the teacher picked, in the language they were reading then. A teacher
(or a co-teacher) reading in another language sees that page's translation for the active locale, and
the page's own title where no translation exists.
"""

from django.utils.translation import get_language

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page


def active_content_language():
    return get_supported_content_language_variant(get_language())


def localized_titles(pages, locale=None):
    """{page pk: title in `locale` (default: the active one)} for `pages`, in one query."""
    pages = [page for page in pages if page is not None]
    if not pages:
        return {}
    # The active language joined in the same query (no separate Locale lookup on every teacher page).
    in_locale = {"locale": locale} if locale else {"locale__language_code": active_content_language()}
    translated = dict(
        Page.objects.filter(translation_key__in={page.translation_key for page in pages}, **in_locale).values_list(
            "translation_key", "title"
        )
    )
    return {page.pk: translated.get(page.translation_key, page.title) for page in pages}


def locale_for(language_code):
    """The Wagtail locale of a language code, or the default locale when the site has no such language."""
    return Locale.objects.filter(language_code=language_code).first() or Locale.get_default()
