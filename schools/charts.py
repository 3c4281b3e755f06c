"""The coordinator dashboard's charts (issue 19 point 6): per module of the school, completion over time and the
pre/post score distributions.

The numbers come from the very class matrices and learning gains the dashboard's class cards show
(schools.report.class_report → classrooms.progress.build_matrix, classrooms.gain.class_gains), so a chart and a
card can never disagree. Counting, as in the education office's report: a module's students are the students of
the school's classes that have it assigned, each once whatever the number of classes; completed follows the
matrix's rule (the alternative activity counts), at the earliest time in any of their classes. A distribution is
drawn only when at least MIN_PAIRED students took both the module's pre-test and post-test.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from classrooms.certificates import completion_times
from classrooms.charts import Series, bin_labels, cumulative_percent, distribution_chart, histogram, line_chart, weeks
from classrooms.titles import localized_titles

# Fewer students than this with both scores: no distribution (too few to show, and too easy to tell apart).
MIN_PAIRED = 5


@dataclass
class ModuleData:
    page: object  # the module page of the first class that has it assigned
    # {student pk: when completed, or None}
    assigned: dict = field(default_factory=dict)
    # {student pk: (pre %, post %)}
    paired: dict = field(default_factory=dict)

    @property
    def times(self):
        return sorted(when for when in self.assigned.values() if when)


@dataclass
class ModuleCharts:
    key: object  # the module's translation key
    title: str
    students: int
    completed: int
    paired: int
    distribution: object = None  # a Chart, or None when fewer than MIN_PAIRED students took both tests


@dataclass
class SchoolCharts:
    completion: object  # a Chart (one line per module), or None when no module is assigned
    modules: list  # ModuleCharts, in curriculum order


def module_data(class_reports):
    """{module translation key: ModuleData} over the classes' matrices and gains."""
    modules = {}
    for report in class_reports:
        matrix = report.matrix
        times = completion_times(matrix)
        for column in matrix.columns:
            if column.kind != "module":
                continue
            data = modules.setdefault(column.page.translation_key, ModuleData(column.page))
            for student in matrix.students:
                when = times.get((student.pk, column.assignment.pk))
                previous = data.assigned.get(student.pk)
                data.assigned[student.pk] = min(filter(None, [previous, when]), default=None)
        for gain in report.gains:
            data = modules.setdefault(gain.module.translation_key, ModuleData(gain.module))
            for row in gain.paired:
                data.paired.setdefault(row.student.pk, (row.pre, row.post))
    return modules


def school_charts(school, class_reports):
    """The charts of a school's dashboard, from its classes' reports (schools.report.class_report)."""
    modules = module_data(class_reports)
    pages = {key: data.page for key, data in modules.items()}
    titles = localized_titles(list(pages.values()))
    ordered = sorted(modules.items(), key=lambda item: (item[1].page.path, str(item[0])))
    assigned = [(key, data) for key, data in ordered if data.assigned]
    completion = None
    if assigned:
        mondays = weeks([when for _key, data in assigned for when in data.times])
        completion = line_chart(
            "school-completion",
            _("Completion over time: %(school)s") % {"school": school.name},
            _(
                "Share of the school's students in classes assigned each module who had completed it by each week, "
                "one line per module."
            ),
            [
                Series(
                    titles.get(data.page.pk, data.page.title),
                    cumulative_percent(data.times, len(data.assigned), mondays),
                )
                for _key, data in assigned
            ],
            x_heading=_("Week of"),
        )
    charts = []
    for number, (key, data) in enumerate(ordered, start=1):
        title = titles.get(data.page.pk, data.page.title)
        pairs = list(data.paired.values())
        distribution = None
        if len(pairs) >= MIN_PAIRED:
            pre = [score for score, _post in pairs]
            post = [score for _pre, score in pairs]
            distribution = distribution_chart(
                f"school-distribution-{number}",
                _("Pre-test and post-test scores: %(module)s") % {"module": title},
                _("How many students scored in each band, on the pre-test and on the post-test; %(n)s students.")
                % {"n": len(pairs)},
                bin_labels(),
                [(_("Pre-test"), histogram(pre)), (_("Post-test"), histogram(post))],
                bin_heading=_("Score"),
            )
        charts.append(
            ModuleCharts(
                key,
                title,
                students=len(data.assigned),
                completed=len(data.times),
                paired=len(pairs),
                distribution=distribution,
            )
        )
    return SchoolCharts(completion, charts)
