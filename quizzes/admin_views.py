"""Wagtail admin view: a quiz's statistics for the editors who can edit it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import QuizPage
from .statistics import quiz_statistics


class QuizStatisticsView(WagtailAdminTemplateMixin, TemplateView):
    """Aggregated results per question. Wagtail's admin URLs already require admin access; on top of
    that only someone who may edit this quiz sees them, as they are the ones who can act on them."""

    template_name = "quizzes/admin/statistics.html"
    page_title = _("Quiz statistics")
    header_icon = "table"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.quiz = get_object_or_404(QuizPage, pk=kwargs["page_id"])

    def dispatch(self, request, *args, **kwargs):
        if not self.quiz.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.quiz.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_pages:edit", args=[self.quiz.pk]), "label": self.get_page_subtitle()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(quiz=self.quiz, statistics=quiz_statistics(self.quiz))
        return context
