"""The progress table a teacher downloads, as CSV and as XLSX, and how long it is kept.

Both files come from one table built here from the progress matrix, so they hold the same values as
the screen. Scores are numbers in their own columns (score, max, percent): a cell "3/5" is read by a
Korean spreadsheet as the date 3월 5일.
"""

import csv
import io
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

# An export names students and their results: it is kept a week, then the nightly job deletes it.
EXPORT_LIFETIME = timedelta(days=7)


def spreadsheet_safe(value):
    """A cell a spreadsheet program will not run as a formula (a nickname like "=HYPERLINK(…)").

    OWASP's advice for CSV injection: prefix a leading = + - @ tab or carriage return with a quote.
    Numbers are left as numbers.
    """
    if value is None or isinstance(value, int | float):
        return value
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def percent(best, maximum):
    return round(100 * best / maximum) if best is not None and maximum else None


def progress_table(matrix, titles):
    """(header, rows) of the matrix: one row per student, numbers as numbers, blanks as None.

    `titles` maps a column's page pk to its title in the export's language.
    """
    header = [_("Username"), _("Display name")]
    for column in matrix.columns:
        title = titles.get(column.page.pk, column.page.title)
        header.append(f"{title} · {_('status')}")
        if column.kind == "module":
            header += [f"{title} · {_('lessons done')}", f"{title} · {_('lessons in total')}"]
        header += [f"{title} · {_('score')}", f"{title} · {_('max score')}", f"{title} · {_('percent')}"]
    rows = []
    for student, cells in matrix.rows:
        row = [student.username, student.display_name]
        for column, cell in zip(matrix.columns, cells, strict=True):
            row.append(str(cell.label))
            if column.kind == "module":
                row += [cell.done, cell.total]
            row += [cell.best, cell.max_score if cell.best is not None else None, percent(cell.best, cell.max_score)]
        rows.append(row)
    return header, rows


def as_csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    for row in [header, *rows]:
        writer.writerow(["" if value is None else spreadsheet_safe(value) for value in row])
    return out.getvalue()


def as_xlsx(header, rows, sheet_title):
    """The same table as an Excel workbook (bytes); numbers are stored as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    # Sheet names are at most 31 characters and cannot hold []:*?/\ .
    sheet.title = "".join(ch for ch in sheet_title if ch not in "[]:*?/\\")[:31] or "Progress"
    sheet.append([spreadsheet_safe(value) for value in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def expired_exports(now=None):
    from .models import ProgressExport

    return ProgressExport.objects.filter(created_at__lt=(now or timezone.now()) - EXPORT_LIFETIME)


def exports_naming(student):
    """Every stored export that may name the student: those of their classes, and any whose text holds
    their username (a class they have since left)."""
    from .models import ProgressExport

    return ProgressExport.objects.filter(
        Q(classroom__enrollments__student=student) | Q(content__contains=student.username)
    ).distinct()


def forget_student(student):
    """Delete every export that names the student (a teacher can prepare a new one without them)."""
    from .models import ProgressExport

    ids = list(exports_naming(student).values_list("pk", flat=True))
    ProgressExport.objects.filter(pk__in=ids).delete()
    return len(ids)
