"""Wagtail admin hooks: the quiz statistics view and the buttons that lead to it."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.widgets import Button

from .admin_views import QuizStatisticsView
from .models import QuizPage

STATISTICS_URL_NAME = "quizzes_statistics"


@hooks.register("register_admin_urls")
def register_statistics_url():
    # Wagtail wraps these in its admin-access check; the view adds the per-page edit permission.
    return [path("quiz-statistics/<int:page_id>/", QuizStatisticsView.as_view(), name=STATISTICS_URL_NAME)]


def statistics_button(page, user, priority):
    """A "Statistics" button for a quiz the user can edit; None for any other page."""
    if not issubclass(page.specific_class or type(page), QuizPage):
        return None
    if not page.permissions_for_user(user).can_edit():
        return None
    return Button(
        _("Statistics"),
        reverse(STATISTICS_URL_NAME, args=[page.pk]),
        icon_name="table",
        attrs={"title": _("Answers per question, without names")},
        priority=priority,
    )


@hooks.register("register_page_header_buttons")
def page_header_statistics_button(page, user, view_name, next_url=None):
    button = statistics_button(page, user, priority=68)
    if button:
        yield button


@hooks.register("register_page_listing_more_buttons")
def page_listing_statistics_button(page, user, next_url=None):
    button = statistics_button(page, user, priority=55)
    if button:
        yield button
