from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import LawReference


class LawReferenceViewSet(SnippetViewSet):
    model = LawReference
    icon = "doc-full"
    menu_label = _("Law references")
    list_display = ["__str__", "locale", "in_force_since", "last_reviewed", "citing_lesson_count"]
    list_filter = ["locale", "jurisdiction"]
    search_fields = ["act", "article", "punishes"]


def citing_lesson_count(law):
    return law.citing_lessons().count()


citing_lesson_count.short_description = gettext_lazy("Lessons citing it")
LawReference.citing_lesson_count = citing_lesson_count

register_snippet(LawReferenceViewSet)


@hooks.register("before_delete_snippet")
def refuse_to_delete_cited_law(request, instances):
    """A law reference that lessons still cite is never deleted: the lessons would break."""
    cited = [(law, list(law.citing_lessons())) for law in instances if isinstance(law, LawReference)]
    cited = [(law, lessons) for law, lessons in cited if lessons]
    if not cited:
        return None
    for law, lessons in cited:
        titles = ", ".join(f"{lesson.title} ({lesson.locale.language_code})" for lesson in lessons)
        messages.error(
            request,
            _("“%(law)s” is cited by these lessons and was not deleted: %(lessons)s. Remove the citations first.")
            % {"law": law, "lessons": titles},
        )
    return redirect("wagtailsnippets_lessons_lawreference:list")
