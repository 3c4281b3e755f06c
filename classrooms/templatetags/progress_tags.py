"""The lesson page's per-student state, for its holes (website/holes.py)."""

from django import template
from django.http import Http404

from ..progress import student_lesson_state as load_state

register = template.Library()


@register.simple_tag(takes_context=True)
def student_lesson_state(context, lesson, key, quiz):
    """{started, completed, quiz_submitted, quiz_passed} for the signed-in student: one query per page
    (kept on the request for the page's other holes), and 'started' recorded on the first visit."""
    request = context["request"]
    memo = request.__dict__.setdefault("_lesson_states", {})
    if (key, quiz) not in memo:
        memo[(key, quiz)] = load_state(request.user, int(lesson), key, quiz)
    if not memo[(key, quiz)]["live"]:
        # Filling a cached page of a lesson that is no longer live: website.holes renders it afresh (a 404).
        raise Http404
    return memo[(key, quiz)]
