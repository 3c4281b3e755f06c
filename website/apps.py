from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    """The Wagtail project: home page, site chrome, demo loading, wiring of the other apps."""

    name = "website"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from wagtail.models import PageViewRestriction
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
            published,
            unpublished,
        )

        from lessons.generation import bump_content_generation
        from lessons.models import LawReference
        from support.models import HelpChannel, ReportGuide, SafetySettings

        # Anything that appears on a public page retires the cached pages when it changes.
        for signal in (page_published, page_unpublished, page_slug_changed, post_page_move, published, unpublished):
            signal.connect(bump_content_generation, dispatch_uid=f"page-cache-{signal!r}")
        # A view restriction (the editor's "Privacy" setting) is saved without a publish: a page made private must
        # not be served from the cache any more, to readers or students.
        for model in (LawReference, HelpChannel, ReportGuide, SafetySettings, PageViewRestriction):
            post_save.connect(bump_content_generation, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
            post_delete.connect(bump_content_generation, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}")
