"""The progress matrix's body, built in Python.

A class of 300 with six assignments is 1,800 cells; rendered with template tags that was about
6,400 variable lookups and most of the request. Here each row is one `format_html` call and every
value is still escaped.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..progress import Status

register = template.Library()


def _cell_html(cell, labels):
    detail = ""
    if cell.total > 1:
        detail = format_html(" ({}/{})", cell.done, cell.total)
    if cell.best is not None:
        detail = format_html("{}<br>{}/{}", detail, cell.best, cell.max_score)
    return format_html('<td class="status status--{}">{}{}</td>', cell.status, labels[cell.status], detail)


@register.simple_tag
def matrix_rows(matrix, classroom):
    """`<tr>` per student: a link to the student's page, then one cell per assigned item."""
    # The labels are lazy translations: resolve each once, not once per cell.
    labels = {status: str(label) for status, label in Status.LABELS.items()}
    # reverse() once, then fill in each student's id.
    link = reverse("classrooms:student", args=(classroom.pk, 0))
    prefix, suffix = link.rsplit("/0/", 1)
    rows = format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}/{}/{}">{}</a></th>{}</tr>',
        (
            (
                prefix,
                student.pk,
                suffix,
                student,
                format_html_join("", "{}", ((_cell_html(c, labels),) for c in cells)),
            )
            for student, cells in matrix.rows
        ),
    )
    return rows
