"""The editors' dashboard: what needs their attention, even on their first day (never an empty page)."""

import datetime

from django.conf import settings
from django.utils import timezone

from wagtail.admin.ui.components import Component
from wagtail.models import WorkflowState

from lessons.models import LawReference


def laws_due_for_review(today=None):
    """Live law references last reviewed more than DIGNITY_LAW_REVIEW_DAYS ago, oldest first."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.DIGNITY_LAW_REVIEW_DAYS)
    return LawReference.objects.filter(live=True, last_reviewed__lt=cutoff).order_by("last_reviewed", "act")


class LawsDueForReviewPanel(Component):
    """Lessons whose law references are due for review, with the reference and when it was last checked."""

    name = "dignity_laws_due_for_review"
    template_name = "website/admin/laws_due_for_review_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        rows = [{"law": law, "lessons": list(law.affected_lessons())} for law in laws_due_for_review()]
        context.update(rows=rows, review_days=settings.DIGNITY_LAW_REVIEW_DAYS)
        return context


class MyDraftsInReviewPanel(Component):
    """Everything the editor submitted that is still in review or came back with changes requested."""

    name = "dignity_my_drafts_in_review"
    template_name = "website/admin/my_drafts_in_review_panel.html"
    order = 80

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        context = super().get_context_data(parent_context)
        states = (
            WorkflowState.objects.active()
            .filter(requested_by=request.user)
            .select_related("current_task_state__task")
            .order_by("-created_at")
        )
        context["states"] = [state for state in states if state.content_object]
        return context
