"""Progress: what counts as started and completed, and the class matrix in a constant number of queries."""

from dataclasses import dataclass, field

from django.db.models import Case, Max, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from lessons.models import LessonPage, ModulePage
from quizzes.models import QuizAttempt, QuizPage

from .access import classroom_students
from .models import LessonProgress

COMPLETION_RULE = _(
    "A lesson counts as completed when the student marks it done or passes its check quiz; "
    "a module when all its lessons are completed; a quiz when the student passes it."
)


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"
    LABELS = {
        NOT_STARTED: _("Not started"),
        IN_PROGRESS: _("In progress"),
        COMPLETED: _("Completed"),
        OVERDUE: _("Overdue"),
    }


def record_started(student, lesson):
    """Opening a lesson records 'started' once; later visits change nothing."""
    LessonProgress.objects.get_or_create(
        student=student, lesson_key=lesson.translation_key, defaults={"lesson": lesson}
    )


def mark_completed(student, lesson):
    progress, _created = LessonProgress.objects.get_or_create(
        student=student, lesson_key=lesson.translation_key, defaults={"lesson": lesson}
    )
    if progress.completed_at is None:
        LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(completed_at=timezone.now())


def on_attempt_submitted(sender, attempt, **kwargs):
    """Passing a lesson's check quiz completes the lesson."""
    if not attempt.passed:
        return
    parent = attempt.quiz.get_parent().specific
    if isinstance(parent, LessonPage):
        mark_completed(attempt.student, parent)


@dataclass
class Cell:
    status: str = Status.NOT_STARTED
    best: int | None = None
    max_score: int | None = None
    done: int = 0
    total: int = 0

    @property
    def label(self):
        return Status.LABELS[self.status]


@dataclass
class Column:
    assignment: object
    page: object
    kind: str
    lesson_keys: list = field(default_factory=list)
    quiz_key: object = None
    completed: int = 0

    def percent(self, student_count):
        return round(100 * self.completed / student_count) if student_count else 0


@dataclass
class Matrix:
    students: list
    columns: list
    rows: list  # (student, [Cell per column])

    def column_percent(self, column):
        return column.percent(len(self.students))


def _paths_under(pages):
    query = Q()
    for page in pages:
        query |= Q(path__startswith=page.path, depth=page.depth + 1)
    return query


def build_matrix(classroom, now=None, student=None):
    """Students × assigned items for one class (or one student's row of it).

    The number of queries does not depend on the number of students or assignments.
    """
    now = now or timezone.now()
    students = [student] if student else list(classroom_students(classroom))
    assignments = list(classroom.assignments.select_related("page").order_by("due_at", "pk"))
    specific = {page.pk: page for page in Page.objects.filter(pk__in=[a.page_id for a in assignments]).specific()}
    modules = [page for page in specific.values() if isinstance(page, ModulePage)]
    module_lessons = {}
    if modules:
        for lesson in LessonPage.objects.live().filter(_paths_under(modules)).only("path", "translation_key", "depth"):
            module_lessons.setdefault(lesson.path[: -LessonPage.steplen], []).append(lesson.translation_key)
    lessons = [page for page in specific.values() if isinstance(page, LessonPage)]
    check_quiz_keys = {}
    if lessons:
        for quiz in QuizPage.objects.live().filter(_paths_under(lessons)).only("path", "translation_key", "depth"):
            check_quiz_keys[quiz.path[: -QuizPage.steplen]] = quiz.translation_key

    columns = []
    for assignment in assignments:
        page = specific[assignment.page_id]
        if isinstance(page, ModulePage):
            columns.append(Column(assignment, page, "module", lesson_keys=module_lessons.get(page.path, [])))
        elif isinstance(page, LessonPage):
            columns.append(
                Column(
                    assignment,
                    page,
                    "lesson",
                    lesson_keys=[page.translation_key],
                    quiz_key=check_quiz_keys.get(page.path),
                )
            )
        else:
            columns.append(Column(assignment, page, "quiz", quiz_key=page.translation_key))

    lesson_keys = {key for column in columns for key in column.lesson_keys}
    quiz_keys = {column.quiz_key for column in columns if column.quiz_key}
    in_class = Q(student=student) if student else Q(student__enrollments__classroom=classroom)
    progress = (
        {
            (row["student_id"], row["lesson_key"]): row["completed_at"]
            for row in LessonProgress.objects.filter(in_class, lesson_key__in=lesson_keys).values(
                "student_id", "lesson_key", "completed_at"
            )
        }
        if lesson_keys
        else {}
    )
    attempts = {}
    if quiz_keys:
        rows = (
            QuizAttempt.objects.filter(in_class, quiz__translation_key__in=quiz_keys)
            .values("student_id", "quiz__translation_key", "state")
            # Max over a boolean is not portable (PostgreSQL has no max(boolean)): take the max of 0/1.
            .annotate(
                best=Max("score"),
                max_score=Max("max_score"),
                passed=Max(Case(When(passed=True, then=1), default=0)),
            )
        )
        for row in rows:
            attempts[(row["student_id"], row["quiz__translation_key"], row["state"])] = row

    rows = []
    for student in students:
        cells = []
        for column in columns:
            cell = _cell(student.pk, column, progress, attempts)
            if cell.status != Status.COMPLETED and column.assignment.due_at < now:
                cell.status = Status.OVERDUE
            if cell.status == Status.COMPLETED:
                column.completed += 1
            cells.append(cell)
        rows.append((student, cells))
    return Matrix(students=students, columns=columns, rows=rows)


def _cell(student_id, column, progress, attempts):
    cell = Cell()
    if column.lesson_keys:
        states = [progress.get((student_id, key), False) for key in column.lesson_keys]
        cell.total = len(states)
        cell.done = sum(1 for completed in states if completed)
        if cell.total and cell.done == cell.total:
            cell.status = Status.COMPLETED
        elif any(state is not False for state in states):
            cell.status = Status.IN_PROGRESS
    if column.quiz_key:
        submitted = attempts.get((student_id, column.quiz_key, QuizAttempt.State.SUBMITTED))
        open_attempt = attempts.get((student_id, column.quiz_key, QuizAttempt.State.IN_PROGRESS))
        if submitted:
            cell.best, cell.max_score = submitted["best"], submitted["max_score"]
        if column.kind == "quiz":
            if submitted and submitted["passed"]:
                cell.status = Status.COMPLETED
            elif submitted or open_attempt:
                cell.status = Status.IN_PROGRESS
        elif cell.status == Status.NOT_STARTED and (submitted or open_attempt):
            cell.status = Status.IN_PROGRESS
    return cell


@dataclass
class StudentItem:
    assignment: object
    page: object
    cell: Cell
    classroom: object


def build_student_view(student, locale):
    """The student's assignments across their classes, each with its status, in the reader's language."""
    from .access import student_assignments

    items = []
    by_classroom = {}
    for assignment in student_assignments(student):
        by_classroom.setdefault(assignment.classroom, []).append(assignment)
    for classroom in by_classroom:
        matrix = build_matrix(classroom, student=student)
        for column, cell in zip(matrix.columns, matrix.rows[0][1], strict=True):
            page = column.page.get_translation_or_none(locale) or column.page
            items.append(StudentItem(column.assignment, page, cell, classroom))
    return sorted(items, key=lambda item: item.assignment.due_at)
