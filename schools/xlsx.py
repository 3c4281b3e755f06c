"""The annual report as an Excel workbook: classes, sessions, curriculum version and sign-off, numbers as numbers."""

import io

from django.utils.translation import gettext as _

from classrooms.exports import spreadsheet_safe


def _sheet(workbook, title, header, rows, first=False):
    from openpyxl.styles import Font

    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    sheet.append([spreadsheet_safe(value) for value in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    sheet.freeze_panes = "A2"
    return sheet


def _local(value):
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None) if value else None


def report_workbook(report):
    from openpyxl import Workbook

    workbook = Workbook()
    start, end = report.period
    class_rows = [
        [
            row.classroom.grade,
            row.classroom.section,
            row.classroom.name,
            str(row.classroom.get_audience_band_display()),
            len(row.sessions),
            row.minutes,
            row.enrolled,
            row.completed,
            row.alternative,
            row.pre_average,
            row.post_average,
        ]
        for row in report.classes
    ]
    class_rows.append(
        [
            None,
            None,
            _("Total"),
            None,
            report.sessions,
            report.minutes,
            report.enrolled,
            report.completed,
            report.alternative,
            report.pre_average,
            report.post_average,
        ]
    )
    _sheet(
        workbook,
        _("Classes"),
        [
            _("Grade"),
            _("Class"),
            _("Class name"),
            _("Audience band"),
            _("Sessions delivered"),
            _("Minutes"),
            _("Students enrolled"),
            _("Completed"),
            _("Alternative activity"),
            _("Pre-test average (%)"),
            _("Post-test average (%)"),
        ],
        class_rows,
        first=True,
    )
    _sheet(
        workbook,
        _("Sessions"),
        [_("Class name"), _("Item"), _("Opens"), _("Due"), _("Minutes"), _("Completed"), _("Students enrolled")],
        [
            [
                row.classroom.name,
                session.title,
                _local(session.opens_at),
                _local(session.due_at),
                session.minutes,
                session.completed,
                row.enrolled,
            ]
            for row in report.classes
            for session in row.sessions
        ],
    )
    curriculum_rows = []
    for item in report.curriculum:
        curriculum_rows.append([item["title"], item["page_id"], item["revision_id"], _local(item["published"])])
        for title, page_id, revision_id, published in item["lesson_revisions"]:
            curriculum_rows.append(["· " + title, page_id, revision_id, _local(published)])
    _sheet(
        workbook,
        _("Curriculum version"),
        [_("Item"), _("Page ID"), _("Revision ID"), _("Published")],
        curriculum_rows,
    )
    sign_off = report.sign_off
    _sheet(
        workbook,
        _("Sign-off"),
        [_("School"), _("School year"), _("From"), _("To"), _("Coordinator's name"), _("Title"), _("Date")],
        [
            [
                report.school.name,
                report.year,
                start,
                end,
                sign_off.name if sign_off else None,
                sign_off.title if sign_off else None,
                sign_off.signed_on if sign_off else None,
            ]
        ],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
