from wagtail import hooks

from .admin_panels import LawsDueForReviewPanel, MyDraftsInReviewPanel


@hooks.register("construct_homepage_panels")
def add_editor_panels(request, panels):
    """Editors' own panels first: their drafts in review, then lessons whose law is due for a check."""
    panels[:0] = [MyDraftsInReviewPanel(), LawsDueForReviewPanel()]
