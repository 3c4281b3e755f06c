"""`{% hole "name" param=value %}` and `{% holes_cover_students %}`: see website/holes.py."""

from django import template
from django.utils.safestring import mark_safe

from website import holes

register = template.Library()


@register.simple_tag(takes_context=True)
def hole(context, name, **params):
    """The part of the page that differs between readers: rendered for this reader, or (in hole mode,
    for the page cache) a marker, with what an anonymous reader sees there kept for them."""
    request = context.get("request")
    params = holes.clean_params(params)
    if request is None:
        # A page rendered without a request (the 500 page): what an anonymous reader sees.
        return mark_safe(holes.render_without_request(name, params))  # nosec B703 B308: a rendered template
    if not getattr(request, "hole_mode", False):
        return mark_safe(holes.render_hole(name, params, request))  # nosec B703 B308: a rendered template
    marker = holes.marker(name, params)
    request.hole_fills[marker] = holes.render_hole(name, params, request)
    return mark_safe(marker)  # nosec B703 B308: a fixed comment with a secret, ids and UUIDs


@register.simple_tag(takes_context=True)
def holes_cover_students(context):
    """Declares that every part of this page that differs for a signed-in student is a hole, so a student
    may be served the cached page with the holes filled in (website.holes.StudentHoleMiddleware)."""
    request = context.get("request")
    if request is not None and getattr(request, "hole_mode", False):
        request.holes_cover_students = True
    return ""


@register.simple_tag(takes_context=True)
def open_polls_possible(context, lesson_key):
    """See website.holes.open_polls_possible."""
    request = context.get("request")
    return bool(request is not None and lesson_key and holes.open_polls_possible(request.user, lesson_key))


@register.simple_tag(takes_context=True)
def quiz_reader(context):
    """See website.holes.quiz_reader: the quiz holes read the hole's own parameters (quiz, rev, limit)."""
    return holes.quiz_reader(context["request"], context.get("quiz"), context.get("rev"), context.get("limit"))
