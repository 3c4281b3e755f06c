from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import OfficeStaff


class OfficeStaffViewSet(SnippetViewSet):
    """Who sees which region's aggregates. Only people with the offices.*_officestaff permissions (superusers,
    unless a group is given them) see this in the admin."""

    model = OfficeStaff
    icon = "group"
    menu_label = "Office staff"
    list_display = ["user", "region", "granted_at"]
    search_fields = ["region", "user__username"]


register_snippet(OfficeStaffViewSet)
