"""Which law reference a public page shows for a citation: the live one in the page's own language.

A lesson translated with simple translation keeps pointing at the snippet its source cited (the
Korean one), and a reference may have a draft waiting for review. Rendering resolves both, so an
English lesson cites the English reference and no unreviewed change ever reaches a reader.
"""

from .models import LawReference


def public_law(law, locale_id=None):
    """The live reference for `law` in the locale `locale_id` (by translation key); `law` itself if it is
    live and has no translation there; None when nothing live is left to show.

    Takes the locale's id, not the Locale, so a lesson in the snippet's own language costs no query."""
    if law is None:
        return None
    if locale_id is not None and law.locale_id != locale_id:
        translated = LawReference.objects.filter(
            translation_key=law.translation_key, locale_id=locale_id, live=True
        ).first()
        if translated is not None:
            return translated
    return law if law.live else None
