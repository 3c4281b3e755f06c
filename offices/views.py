"""The education office's pages and downloads (issue 19 #5). Office staff only, each for their own regions."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.charts import Series, bin_labels, cumulative_percent, distribution_chart, histogram, line_chart, weeks
from classrooms.exports import as_csv, as_xlsx
from classrooms.models import School

from .models import office_regions
from .report import COMPLEMENTARY_MARK, region_report

SMALL = "< 5"


def _regions_or_404(user):
    regions = office_regions(user)
    if not regions:
        raise Http404
    return regions


def module_charts(report):
    """Per module: completion over time, one line per school shown in the table (and the region);
    pre/post distributions for the region and each level with at least 5 students shown."""
    charts = []
    for number, (module_key, title) in enumerate(report.modules, start=1):
        entries = [(row, report.completion[(row.key, module_key)]) for row in report.rows]
        lines = [(row, entry) for row, entry in entries if row.kind in ("school", "region") and entry.visible]
        lines = [(row, entry) for row, entry in lines if entry.students]
        mondays = weeks([when for _row, entry in lines for when in entry.completion_times])
        completion = None
        if lines:
            completion = line_chart(
                f"completion-{number}",
                _("Completion over time: %(module)s") % {"module": title},
                _("Share of students who had completed the module by each week, per school and for the region.")
                + " "
                + _("Schools whose numbers are hidden in the table are not drawn."),
                [
                    Series(row.label, cumulative_percent(entry.completion_times, entry.students, mondays))
                    for row, entry in lines
                ],
                x_heading=_("Week of"),
            )
        distributions = []
        for row in report.rows:
            entry = report.gain[(row.key, module_key)]
            if row.kind == "school" or not entry.visible or entry.students < 5:
                continue
            distributions.append(
                distribution_chart(
                    f"distribution-{number}-{row.key[-1]}",
                    _("Pre-test and post-test scores: %(module)s, %(group)s") % {"module": title, "group": row.label},
                    _("How many students scored in each band, on the pre-test and on the post-test; %(n)s students.")
                    % {"n": entry.students},
                    bin_labels(),
                    [(_("Pre-test"), histogram(entry.pre_scores)), (_("Post-test"), histogram(entry.post_scores))],
                    bin_heading=_("Score"),
                )
            )
        charts.append({"title": title, "completion": completion, "distributions": distributions})
    return charts


@login_required
def office_home(request):
    reports = []
    for region in _regions_or_404(request.user):
        report = region_report(region)
        reports.append({"report": report, "charts": module_charts(report)})
    return render(
        request, "offices/home.html", {"reports": reports, "small": SMALL, "complementary": COMPLEMENTARY_MARK}
    )


@login_required
def school(request, school_id):
    regions = _regions_or_404(request.user)
    school = get_object_or_404(School, pk=school_id, region__in=regions)
    report = region_report(school.region)
    (row,) = report.school_rows(school)
    lines = []
    for module_key, title in report.modules:
        entry = report.completion[(row.key, module_key)]
        if entry.visible and entry.students:
            lines.append((title, entry))
    mondays = weeks([when for _title, entry in lines for when in entry.completion_times])
    chart = None
    if lines:
        chart = line_chart(
            "school-completion",
            _("Completion over time: %(school)s") % {"school": school.name},
            _("Share of the school's students who had completed each module by each week.")
            + " "
            + _("Modules whose numbers are hidden in the table are not drawn."),
            [
                Series(title, cumulative_percent(entry.completion_times, entry.students, mondays))
                for title, entry in lines
            ],
            x_heading=_("Week of"),
        )
    cells = [(title, report.completion[(row.key, key)], report.gain[(row.key, key)]) for key, title in report.modules]
    return render(
        request,
        "offices/school.html",
        {
            "school": school,
            "report": report,
            "cells": cells,
            "chart": chart,
            "small": SMALL,
            "complementary": COMPLEMENTARY_MARK,
        },
    )


def shown(entry, value):
    """A number as an export shows it: the number, or why it is hidden."""
    if entry.status == "primary":
        return SMALL
    if entry.status != "visible":
        return _("hidden")
    return value


def export_table(report):
    header = [
        _("Region"),
        _("School level"),
        _("School"),
        _("Module"),
        _("Students"),
        _("Completed"),
        _("Completed (%)"),
        _("Students who took both tests"),
        _("Average pre-test (%)"),
        _("Average post-test (%)"),
        _("Average gain (points)"),
    ]
    levels = dict(School.Level.choices)
    rows = []
    for row in report.rows:
        level = str(levels.get(row.level, "")) if row.level else ""
        name = row.school.name if row.kind == "school" else (_("All schools") if row.kind == "level" else "")
        for module_key, title in report.modules:
            done, gain = report.completion[(row.key, module_key)], report.gain[(row.key, module_key)]
            rows.append(
                [
                    report.region,
                    level or (_("All levels") if row.kind == "region" else ""),
                    name or _("All schools"),
                    title,
                    shown(done, done.students),
                    shown(done, done.completed),
                    shown(done, done.percent),
                    shown(gain, gain.students),
                    shown(gain, gain.average_pre),
                    shown(gain, gain.average_post),
                    shown(gain, gain.average_gain),
                ]
            )
    return header, rows


@login_required
def export(request, file_format):
    regions = _regions_or_404(request.user)
    region = request.GET.get("region", regions[0])
    if region not in regions or file_format not in ("csv", "xlsx"):
        raise Http404
    header, rows = export_table(region_report(region))
    filename = f"office-report-{timezone.localdate().isoformat()}"
    if file_format == "csv":
        response = HttpResponse("\ufeff" + as_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            as_xlsx(header, rows, region),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["Cache-Control"] = "private, no-store"
    return response
