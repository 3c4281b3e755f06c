"""The progress matrix's body, built in Python.

A class of 300 with six assignments is 1,800 cells; rendered with template tags that was about
6,400 variable lookups and most of the request. Here each row is one `format_html` call and every
value is still escaped.
"""

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import matrix_cache
from ..progress import Status

register = template.Library()


def _cell_html(cell, labels, joined_after):
    detail = ""
    if cell.shows_count:
        detail = format_html(" ({}/{})", cell.done, cell.total)
    if cell.best is not None:
        detail = format_html("{}<br>{}/{}", detail, cell.best, cell.max_score)
    if cell.scores:
        # A module: the best score of each of its lessons' check quizzes.
        detail = format_html(
            "{}<br>{}", detail, format_html_join(", ", "{}/{}", ((best, top) for best, top in cell.scores))
        )
    if cell.joined_after:
        detail = format_html("{}<br><small>{}</small>", detail, joined_after)
    return format_html(
        '<td class="status status--{}">{}{}</td>',
        cell.status,
        labels["alternative" if cell.alternative else cell.status],
        detail,
    )


@register.simple_tag
def matrix_rows(matrix, classroom):
    """`<tr>` per student: a link to the student's page, then one cell per assigned item.

    A matrix from classrooms.matrix_cache carries the id of its build: its rows, rendered once per language,
    are kept as long as that build (a teacher reloading 300 rows pays for neither building nor rendering).
    """
    build_id = getattr(matrix, "build_id", None)
    if build_id is None:
        return _matrix_rows(matrix, classroom)
    key = f"matrix-rows:{build_id}:{translation.get_language()}"
    rows = cache.get(key)
    if rows is None:
        rows = _matrix_rows(matrix, classroom)
        cache.set(key, str(rows), matrix_cache.MAX_SECONDS)
    return mark_safe(rows)  # nosec B308 B703: the HTML _matrix_rows built with format_html


def _matrix_rows(matrix, classroom):
    # The labels are lazy translations: resolve each once, not once per cell.
    labels = {status: str(label) for status, label in Status.LABELS.items()}
    labels["alternative"] = str(Status.ALTERNATIVE_LABEL)
    joined_after = _("(joined after the due date)")
    # reverse() once, then fill in each student's id.
    link = reverse("classrooms:student", args=(classroom.pk, 0))
    prefix, suffix = link.rsplit("/0/", 1)
    # The username beside the nickname: two students who both chose "민지" are told apart.
    rows = format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}/{}/{}">{}</a>{}</th>{}</tr>',
        (
            (
                prefix,
                student.pk,
                suffix,
                student.display_name or student.username,
                _username_html(student),
                format_html_join("", "{}", ((_cell_html(c, labels, joined_after),) for c in cells)),
            )
            for student, cells in matrix.rows
        ),
    )
    return rows


def _username_html(student):
    if not student.display_name or student.display_name == student.username:
        return ""
    return format_html(' <span class="username">({})</span>', student.username)
