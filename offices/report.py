"""A region's aggregates for the education office: completion and learning gain by school level, school and module.

Never a row per student: every number here counts students, and each count of 1–4 is hidden ("< 5") with
complementary suppression (offices/suppression.py) over the additive structure of the table:
for each module, the schools of a level add up to the level, and the levels add up to the region.

Counting: a school's entry for a module counts the students of that school's classes that have the module assigned
(each student once, whatever the number of classes); completed uses classrooms/progress.py's rule (all the module's
lessons for the class's band; the alternative activity counts). A level's entry is the sum of its schools' entries,
the region's the sum of its levels', so totals add up exactly (a student in two schools of the region, which is
rare, counts in both). Learning gain counts the students who took both the module's pre-test and post-test
(classrooms/gain.py), and its averages are over those students.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wagtail.models import Locale, Page

from classrooms.certificates import completion_times
from classrooms.gain import class_gains
from classrooms.models import Classroom, School
from classrooms.progress import build_matrix

from .suppression import PRIMARY, VISIBLE, suppress

REGION = ("region",)
# How a complementary-suppressed number is shown (a small one shows "< 5").
COMPLEMENTARY_MARK = "✱"


def level_key(level):
    return ("level", level)


def school_key(school_pk):
    return ("school", school_pk)


@dataclass
class Entry:
    """One cell: a school, level or the region, for one module."""

    students: int = 0  # assigned the module (completion) or took both tests (gain)
    completed: int = 0
    pre_total: int = 0
    post_total: int = 0
    status: str = VISIBLE
    # Kept for the charts and distributions, never shown row by row.
    completion_times: list = field(default_factory=list)
    pre_scores: list = field(default_factory=list)
    post_scores: list = field(default_factory=list)

    @property
    def visible(self):
        return self.status == VISIBLE

    @property
    def small(self):
        return self.status == PRIMARY

    @property
    def percent(self):
        return round(100 * self.completed / self.students) if self.students else None

    @property
    def average_pre(self):
        return round(self.pre_total / self.students) if self.students else None

    @property
    def average_post(self):
        return round(self.post_total / self.students) if self.students else None

    @property
    def average_gain(self):
        return round((self.post_total - self.pre_total) / self.students) if self.students else None

    def add(self, other):
        self.students += other.students
        self.completed += other.completed
        self.pre_total += other.pre_total
        self.post_total += other.post_total
        self.completion_times += other.completion_times
        self.pre_scores += other.pre_scores
        self.post_scores += other.post_scores


@dataclass
class Row:
    key: tuple
    label: str
    kind: str  # "school", "level" or "region"
    school: object = None
    level: str = ""


@dataclass
class RegionReport:
    region: str
    modules: list  # (translation key, title)
    rows: list  # Row, in table order: each level's schools, the level, …, the region
    completion: dict  # {(row key, module key): Entry}
    gain: dict

    def cells(self, table, row):
        return [(module_key, table[(row.key, module_key)]) for module_key, _title in self.modules]

    @property
    def completion_rows(self):
        return [(row, self.cells(self.completion, row)) for row in self.rows]

    @property
    def gain_rows(self):
        return [(row, self.cells(self.gain, row)) for row in self.rows]

    def school_rows(self, school):
        return [row for row in self.rows if row.kind == "school" and row.school.pk == school.pk]

    @property
    def schools(self):
        return [row.school for row in self.rows if row.kind == "school"]


def _module_titles(keys):
    """{translation key: title in the reader's language (else any)} and an order (the curriculum's)."""
    pages = Page.objects.filter(translation_key__in=keys).order_by("path")
    active = Locale.get_active()
    titles, order = {}, {}
    for page in pages:
        if page.locale_id == active.pk or page.translation_key not in titles:
            titles[page.translation_key] = page.title
        order.setdefault(page.translation_key, page.path)
    return titles, order


def region_report(region):
    # Levels in their own order (middle, high, university, other), then schools by name.
    level_order = [value for value, _label in School.Level.choices]
    schools = sorted(
        School.objects.filter(region=region.strip()),
        key=lambda s: (level_order.index(s.level) if s.level in level_order else len(level_order), s.name, s.pk),
    )
    classrooms = Classroom.objects.filter(school__in=schools).select_related("school").order_by("pk")
    # {(school pk, module key): {student pk: completed at or None}}
    assigned = {}
    # {(school pk, module key): {student pk: (pre, post)}}
    paired = {}
    module_keys = set()
    for classroom in classrooms:
        matrix = build_matrix(classroom)
        times = completion_times(matrix)
        for column in matrix.columns:
            if column.kind != "module":
                continue
            key = (classroom.school_id, column.page.translation_key)
            module_keys.add(column.page.translation_key)
            students = assigned.setdefault(key, {})
            for student in matrix.students:
                when = times.get((student.pk, column.assignment.pk))
                previous = students.get(student.pk)
                students[student.pk] = min(filter(None, [previous, when]), default=None)
        for gain in class_gains(classroom):
            key = (classroom.school_id, gain.module.translation_key)
            module_keys.add(gain.module.translation_key)
            pairs = paired.setdefault(key, {})
            for row in gain.paired:
                pairs.setdefault(row.student.pk, (row.pre, row.post))

    titles, order = _module_titles(module_keys)
    modules = [(key, titles.get(key, "?")) for key in sorted(module_keys, key=lambda k: order.get(k, ""))]
    level_labels = dict(School.Level.choices)
    rows, by_level = [], {}
    for school in schools:
        by_level.setdefault(school.level, []).append(school)
    for level, members in by_level.items():
        rows += [Row(school_key(s.pk), s.name, "school", school=s, level=level) for s in members]
        rows.append(Row(level_key(level), str(level_labels.get(level, level)), "level", level=level))
    rows.append(Row(REGION, _("Whole region"), "region"))

    completion, gain = {}, {}
    for module_key, _title in modules:
        for school in schools:
            students = assigned.get((school.pk, module_key), {})
            completion[(school_key(school.pk), module_key)] = Entry(
                students=len(students),
                completed=sum(1 for when in students.values() if when),
                completion_times=sorted(when for when in students.values() if when),
            )
            pairs = list(paired.get((school.pk, module_key), {}).values())
            gain[(school_key(school.pk), module_key)] = Entry(
                students=len(pairs),
                pre_total=sum(pre for pre, _post in pairs),
                post_total=sum(post for _pre, post in pairs),
                pre_scores=[pre for pre, _post in pairs],
                post_scores=[post for _pre, post in pairs],
            )
        for table in (completion, gain):
            region_entry = table[(REGION, module_key)] = Entry()
            for level, members in by_level.items():
                level_entry = table[(level_key(level), module_key)] = Entry()
                for school in members:
                    level_entry.add(table[(school_key(school.pk), module_key)])
                region_entry.add(level_entry)
    for table in (completion, gain):
        _apply_suppression(table, modules, by_level)
    return RegionReport(region.strip(), modules, rows, completion, gain)


def constraints_for(modules, by_level):
    """For each module: a level's schools add up to the level, the levels to the region."""
    constraints = []
    for module_key, _title in modules:
        for level, members in by_level.items():
            constraints.append(([(school_key(s.pk), module_key) for s in members], (level_key(level), module_key)))
        constraints.append(([(level_key(level), module_key) for level in by_level], (REGION, module_key)))
    return constraints


def _apply_suppression(table, modules, by_level):
    status = suppress({key: entry.students for key, entry in table.items()}, constraints_for(modules, by_level))
    for key, state in status.items():
        table[key].status = state
