"""Staff make a verified teacher a school's coordinator in the admin (Snippets → School memberships)."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SchoolMembership


class SchoolMembershipViewSet(SnippetViewSet):
    model = SchoolMembership
    icon = "group"
    menu_label = _("School memberships")
    list_display = ["user", "school", "role", "created_at"]
    list_filter = ["role"]
    search_fields = []
    add_to_admin_menu = False


register_snippet(SchoolMembershipViewSet)
