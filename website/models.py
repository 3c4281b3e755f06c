from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from lessons.generation import content_generation

from .page_cache import get_shared, set_shared


class HomePage(Page):
    """The front door: entry points for students by band, teachers, and anyone who needs help now."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["lessons.CurriculumIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Wagtail's routing, remembered per content generation.

        Wagtail walks the tree one slug at a time, two queries a level (the child, then its specific
        page): six for a lesson, eight for a quiz, on every request. The path -> page answer only
        changes when a page is published, unpublished, moved or renamed, and each of those moves the
        content generation on, so it is kept under that generation and the page is then loaded
        with one query. A cached answer is used only if that page is still live; anything else
        goes through Wagtail's own routing.
        """
        if not path_components:
            return super().route(request, path_components)
        key = f"route:{content_generation()}:{self.pk}:{'/'.join(path_components)}"
        found = get_shared(key)
        if found is not None:
            page_id, content_type_id = found
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            page = model.objects.filter(pk=page_id, live=True).first() if model else None
            if page is not None:
                return RouteResult(page)
        result = super().route(request, path_components)
        page, args, kwargs = result
        if not args and not kwargs:
            set_shared(key, (page.pk, page.content_type_id))
        return result

    def get_context(self, request, *args, **kwargs):
        from lessons.models import AudienceBand, CurriculumIndexPage

        context = super().get_context(request, *args, **kwargs)
        context["curriculum"] = CurriculumIndexPage.objects.child_of(self).live().first()
        context["bands"] = AudienceBand.choices
        return context
