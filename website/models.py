from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class HomePage(Page):
    """The front door: entry points for students by band, teachers, and anyone who needs help now."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["lessons.CurriculumIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from lessons.models import AudienceBand, CurriculumIndexPage

        context = super().get_context(request, *args, **kwargs)
        context["curriculum"] = CurriculumIndexPage.objects.child_of(self).live().first()
        context["bands"] = AudienceBand.choices
        return context
