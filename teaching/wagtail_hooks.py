from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import DisclosureKeywordList


class DisclosureKeywordListViewSet(SnippetViewSet):
    model = DisclosureKeywordList
    icon = "warning"
    menu_label = "Disclosure keywords"
    list_display = ["__str__", "locale"]


register_snippet(DisclosureKeywordListViewSet)
