"""An edit-view panel listing the lessons a change to a snippet will reach, shown before publishing."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import Panel


class AffectedLessonsPanel(Panel):
    """Lists `instance.affected_lessons()`: an editor sees which lessons change before submitting,
    and a moderator sees the same list before approving."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Lessons this change reaches"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "support/panels/affected_lessons.html"

        def is_shown(self):
            # A new snippet is on no page yet.
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            lessons = list(self.instance.affected_lessons())
            context.update(lessons=lessons, count=len(lessons), note=self.instance.affected_pages_note())
            return context
