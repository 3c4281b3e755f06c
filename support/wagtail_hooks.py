from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import HelpChannel, ReportGuide


class HelpChannelViewSet(SnippetViewSet):
    model = HelpChannel
    icon = "help"
    menu_label = _("Help channels")
    list_display = ["name", "kind", "phone", "locale", "active"]
    list_filter = ["kind", "active", "locale"]
    search_fields = ["name", "description"]


class ReportGuideViewSet(SnippetViewSet):
    model = ReportGuide
    icon = "flag"
    menu_label = _("Report guides")
    list_display = ["platform", "report_url", "locale"]


register_snippet(HelpChannelViewSet)
register_snippet(ReportGuideViewSet)
