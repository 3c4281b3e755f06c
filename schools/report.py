"""The school's view of its year: every class's progress, and the annual prevention-education report.

Every number comes from the class progress matrix (classrooms.progress.build_matrix) and the learning gain
(classrooms.gain.class_gains), so the report and a teacher's screen can never disagree.
A Korean school year runs from 1 March to the end of February.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from classrooms.gain import class_gains
from classrooms.progress import Status, build_matrix
from classrooms.titles import localized_titles
from lessons.models import LessonPage


def school_year_of(day):
    return day.year if day.month >= 3 else day.year - 1


def year_bounds(year):
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 3, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 3, 1, tzinfo=tz)
    return start, end


@dataclass
class Session:
    assignment: object
    title: str
    kind: str
    opens_at: object
    due_at: object
    minutes: int | None
    completed: int
    page: object = None


@dataclass
class ClassReport:
    classroom: object
    sessions: list = field(default_factory=list)
    enrolled: int = 0
    completed: int = 0
    alternative: int = 0
    gains: list = field(default_factory=list)
    pre_scores: list = field(default_factory=list)
    post_scores: list = field(default_factory=list)
    # The class matrix the numbers came from (the dashboard's charts reuse it).
    matrix: object = None

    @property
    def pre_average(self):
        return _mean(self.pre_scores)

    @property
    def post_average(self):
        return _mean(self.post_scores)

    @property
    def minutes(self):
        return sum(session.minutes or 0 for session in self.sessions)

    @property
    def completion_percent(self):
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0


def _mean(values):
    return round(sum(values) / len(values)) if values else None


def _module_minutes(columns):
    """{assignment pk: minutes} of the lessons a module column stands for (its band's lessons)."""
    keys = {key for column in columns if column.kind == "module" for key in column.lesson_keys}
    minutes = {}
    if not keys:
        return minutes
    by_key = {}
    for key, locale_id, duration in LessonPage.objects.filter(translation_key__in=keys).values_list(
        "translation_key", "locale_id", "duration_minutes"
    ):
        by_key[(key, locale_id)] = duration
    for column in columns:
        if column.kind == "module":
            minutes[column.assignment.pk] = sum(
                by_key.get((key, column.page.locale_id), 0) for key in column.lesson_keys
            )
    return minutes


def class_report(classroom, start=None, end=None):
    """One class's row of the report; sessions are the assignments opening between start and end (all if None)."""
    matrix = build_matrix(classroom)
    chosen = [
        position
        for position, column in enumerate(matrix.columns)
        if start is None or start <= column.assignment.opens_at < end
    ]
    titles = localized_titles([matrix.columns[position].page for position in chosen])
    module_minutes = _module_minutes([matrix.columns[position] for position in chosen])
    report = ClassReport(classroom, enrolled=len(matrix.students), matrix=matrix)
    for position in chosen:
        column = matrix.columns[position]
        if column.kind == "lesson":
            minutes = column.page.duration_minutes
        elif column.kind == "module":
            minutes = module_minutes.get(column.assignment.pk, 0)
        else:
            minutes = None
        report.sessions.append(
            Session(
                column.assignment,
                titles.get(column.page.pk, column.page.title),
                column.kind,
                column.assignment.opens_at,
                column.assignment.due_at,
                minutes,
                column.completed,
                page=column.page,
            )
        )
    for _student, cells in matrix.rows:
        mine = [cells[position] for position in chosen]
        if mine and all(cell.status == Status.COMPLETED for cell in mine):
            report.completed += 1
        if any(cell.alternative for cell in mine):
            report.alternative += 1
    assigned = {matrix.columns[position].page.path for position in chosen}
    for gain in class_gains(classroom):
        in_year = start is None or assigned & {gain.module.path, gain.pre_test.path, gain.post_test.path}
        if not in_year:
            continue
        report.gains.append(gain)
        report.pre_scores += [row.pre for row in gain.paired]
        report.post_scores += [row.post for row in gain.paired]
    return report


@dataclass
class SchoolReport:
    school: object
    year: int
    classes: list
    curriculum: list
    sign_off: object = None

    @property
    def sessions(self):
        return sum(len(row.sessions) for row in self.classes)

    @property
    def minutes(self):
        return sum(row.minutes for row in self.classes)

    @property
    def enrolled(self):
        return sum(row.enrolled for row in self.classes)

    @property
    def completed(self):
        return sum(row.completed for row in self.classes)

    @property
    def alternative(self):
        return sum(row.alternative for row in self.classes)

    @property
    def pre_average(self):
        return _mean([score for row in self.classes for score in row.pre_scores])

    @property
    def post_average(self):
        return _mean([score for row in self.classes for score in row.post_scores])

    @property
    def completion_percent(self):
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0

    @property
    def period(self):
        start, end = year_bounds(self.year)
        return start.date(), (end - datetime.timedelta(days=1)).date()


def class_sort_key(classroom):
    return (classroom.grade or 99, classroom.section or 99, classroom.name)


def annual_report(school, year):
    """The school's report for the school year starting on 1 March `year`."""
    from .models import ReportSignOff

    start, end = year_bounds(year)
    classrooms = sorted(
        school.classrooms.filter(assignments__opens_at__gte=start, assignments__opens_at__lt=end).distinct(),
        key=class_sort_key,
    )
    classes = [class_report(classroom, start, end) for classroom in classrooms]
    pages = {}
    for row in classes:
        for session in row.sessions:
            pages[session.page.pk] = session
    curriculum = []
    if pages:
        from wagtail.models import Page

        for page in Page.objects.filter(pk__in=pages).select_related("live_revision").order_by("path"):
            curriculum.append(
                {
                    "title": pages[page.pk].title,
                    "page_id": page.pk,
                    "revision_id": page.live_revision_id,
                    "published": page.last_published_at,
                    "lesson_revisions": _lesson_revisions(page),
                }
            )
    return SchoolReport(
        school=school,
        year=year,
        classes=classes,
        curriculum=curriculum,
        sign_off=ReportSignOff.objects.filter(school=school, school_year=year).first(),
    )


def _lesson_revisions(page):
    """The live revisions of the lessons under a module (the curriculum version a class read)."""
    lessons = LessonPage.objects.live().descendant_of(page).order_by("path")
    return [(lesson.title, lesson.pk, lesson.live_revision_id, lesson.last_published_at) for lesson in lessons]
