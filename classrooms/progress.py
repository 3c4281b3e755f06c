"""Progress: what counts as started and completed, and the class matrix in a constant number of queries."""

import uuid
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import Case, CharField, Exists, ExpressionWrapper, F, Max, OuterRef, Q, Subquery, When
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page, PageViewRestriction

from lessons.generation import KeptPerGeneration
from lessons.models import PRACTICE_KIND, AudienceBand, LessonPage, ModulePage, choose_check_quiz
from quizzes.models import QuizAttempt, QuizPage

from . import matrix_cache
from .access import classroom_students
from .models import AlternativeActivity, Enrollment, LessonProgress

COMPLETION_RULE = _(
    "A lesson counts as completed when the student marks it done or passes its check quiz "
    "(practice quizzes never complete it); a module when all its lessons for the class's level are completed; "
    "a pre-test as soon as it is submitted (it has no pass mark); any other quiz when the student passes it. "
    "Overdue means past the due date and not completed, only for students who were in the class before that date."
)


def lessons_for_band(lessons, band):
    """The lessons of one module that a class of `band` does, in page order.

    University classes do the university lessons, or the high-school ones where a module has none.
    """
    chosen = [lesson for lesson in lessons if lesson.audience == band]
    if not chosen and band == AudienceBand.UNIVERSITY:
        chosen = [lesson for lesson in lessons if lesson.audience == AudienceBand.HIGH_SCHOOL]
    return chosen


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
    ALTERNATIVE_LABEL = _("Completed (alternative activity)")


def record_started(student, lesson):
    """Opening a lesson records 'started' once; later visits change nothing. One conditional insert
    (INSERT … ON CONFLICT DO NOTHING; the unique constraint decides between two tabs at once)."""
    _insert_started(student, lesson.pk, lesson.translation_key)


def _insert_started(student, lesson_id, lesson_key):
    LessonProgress.objects.bulk_create(
        [LessonProgress(student=student, lesson_id=lesson_id, lesson_key=lesson_key)], ignore_conflicts=True
    )
    matrix_cache.student_changed(student.pk)


def student_lesson_state(student, lesson_id, lesson_key, quiz_key):
    """What a student's lesson page says about them, in one query, recording 'started' on the first visit.

    {live, started, completed, quiz_submitted, quiz_passed}; the check quiz is named by translation key (any
    language's attempt counts, as in the matrix). Read by the lesson page's holes (website/holes.py) on
    every student's visit, so the SQL is written once per process instead of compiled by the ORM each
    time (that compilation was most of the cost of a filled page). `live`: the lesson is still live, so
    a page unpublished without moving the content generation on (a bulk update) is never filled.
    """
    uuid_field = LessonProgress._meta.get_field("lesson_key")
    key = uuid_field.get_db_prep_value(uuid.UUID(str(lesson_key)), connection)
    quiz = uuid_field.get_db_prep_value(uuid.UUID(str(quiz_key)), connection) if quiz_key else None
    submitted = QuizAttempt.State.SUBMITTED
    live = [lesson_id, True]
    reads = [student.pk, key, student.pk, key, student.pk, submitted, quiz, student.pk, submitted, quiz, True]
    if connection.vendor == "postgresql":
        return _state_recording_started(student, lesson_id, key, live, reads)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_live_sql()}, {_student_reads_sql()}", live + reads)
        row = cursor.fetchone()
    state = dict(zip(STATE_FIELDS, map(bool, row), strict=True))
    if state["live"] and not state["started"]:
        _insert_started(student, lesson_id, lesson_key)
        state["started"] = True
    return state


STATE_FIELDS = ("live", "started", "completed", "quiz_submitted", "quiz_passed")


def _state_recording_started(student, lesson_id, key, live, reads):
    """PostgreSQL: the state, the insert of "started" and (when it inserted) the student's classes in one statement,
    one round trip instead of three on a first visit. The state is read from the statement's snapshot, before the
    insert; ON CONFLICT decides between two tabs at once, and only the one that inserted moves the matrices on."""
    started = [student.pk, lesson_id, key, timezone.now(), student.pk, key]
    params = [*live, *started, *reads, student.pk]
    with connection.cursor() as cursor:
        # Planned once per connection where the backend can (website.db.postgresql): its plan costs more than its run.
        prepared = getattr(connection, "execute_prepared", None)
        if prepared is not None:
            prepared(cursor, "dignity_lesson_state", _state_recording_started_sql(), _state_parameter_types(), params)
        else:
            cursor.execute(_state_recording_started_sql(), params)
        *row, classrooms = cursor.fetchone()
    state = dict(zip(STATE_FIELDS, map(bool, row), strict=True))
    if state["live"] and not state["started"]:
        state["started"] = True
        if classrooms is not None:  # this statement inserted the row
            matrix_cache.classrooms_changed(classrooms)
    return state


@lru_cache(maxsize=1)
def _state_recording_started_sql():
    name = connection.ops.quote_name
    progress, enrollment = (name(model._meta.db_table) for model in (LessonProgress, Enrollment))
    return (
        f"WITH page_live AS (SELECT {_live_sql()} AS live), "
        f"inserted AS (INSERT INTO {progress} (student_id, lesson_id, lesson_key, started_at) "
        "SELECT %s, %s, %s, %s FROM page_live WHERE page_live.live "
        f"AND NOT EXISTS(SELECT 1 FROM {progress} WHERE student_id = %s AND lesson_key = %s) "
        "ON CONFLICT DO NOTHING RETURNING student_id) "
        f"SELECT (SELECT live FROM page_live), {_student_reads_sql()}, "
        f"CASE WHEN EXISTS(SELECT 1 FROM inserted) THEN ARRAY(SELECT classroom_id FROM {enrollment} "
        "WHERE student_id = %s) END"
    )


@lru_cache(maxsize=1)
def _state_parameter_types():
    """The PostgreSQL types of _state_recording_started_sql's parameters, in order, from the columns they meet."""

    def column(model, name):
        return model._meta.get_field(name).db_type(connection)

    student, key = column(LessonProgress, "student"), column(LessonProgress, "lesson_key")
    state, quiz_key = column(QuizAttempt, "state"), column(Page, "translation_key")
    live = [column(Page, "id"), column(Page, "live")]
    started = [student, column(LessonProgress, "lesson"), key, column(LessonProgress, "started_at"), student, key]
    passed = column(QuizAttempt, "passed")
    reads = [student, key, student, key, student, state, quiz_key, student, state, quiz_key, passed]
    return (*live, *started, *reads, column(Enrollment, "student"))


@lru_cache(maxsize=1)
def _live_sql():
    """Whether the lesson is still live: parameters the page id and True."""
    return f"EXISTS(SELECT 1 FROM {connection.ops.quote_name(Page._meta.db_table)} WHERE id = %s AND live = %s)"


@lru_cache(maxsize=1)
def _student_reads_sql():
    """started, completed, quiz submitted, quiz passed: the student's rows for the lesson and its check quiz."""
    name = connection.ops.quote_name
    progress, attempt, page = (name(model._meta.db_table) for model in (LessonProgress, QuizAttempt, Page))
    submitted = (
        f"SELECT 1 FROM {attempt} a INNER JOIN {page} q ON q.id = a.quiz_id "
        "WHERE a.student_id = %s AND a.state = %s AND q.translation_key = %s"
    )
    return (
        f"EXISTS(SELECT 1 FROM {progress} WHERE student_id = %s AND lesson_key = %s), "
        f"EXISTS(SELECT 1 FROM {progress} WHERE student_id = %s AND lesson_key = %s AND completed_at IS NOT NULL), "
        f"EXISTS({submitted}), EXISTS({submitted} AND a.passed = %s)"
    )


def mark_completed(student, lesson):
    LessonProgress.objects.bulk_create(
        [LessonProgress(student=student, lesson_id=lesson.pk, lesson_key=lesson.translation_key)],
        ignore_conflicts=True,
    )
    LessonProgress.objects.filter(
        student=student, lesson_key=lesson.translation_key, completed_at__isnull=True
    ).update(completed_at=timezone.now())
    matrix_cache.student_changed(student.pk)


def on_attempt_submitted(sender, attempt, **kwargs):
    """Passing a lesson's check quiz completes the lesson; no other quiz under it does.

    Runs inside the submission's transaction (quizzes.attempts.submit), so it is kept to one conditional update of
    the progress row (plus an insert if the student never opened it), and at most one query for which lesson the
    quiz checks (kept per content generation: it changes only by a publish)."""
    quiz = attempt.quiz
    if not attempt.passed or quiz.kind == PRACTICE_KIND:
        return
    checked = LESSON_CHECKED_BY.get(quiz.pk, lambda: lesson_checked_by(quiz))
    if checked is not None:
        complete_lesson(attempt.student, *checked)


# Which lesson each quiz is the check quiz of (or None): published content alone decides it.
LESSON_CHECKED_BY = KeptPerGeneration(entries=512)


def lesson_checked_by(quiz):
    """(lesson id, lesson key) of the lesson this quiz is the check quiz of, or None. One query: the live public
    quizzes beside this one with the lesson above them (LessonPage.check_quiz's rule)."""
    parent_path = _parent_path(quiz)
    lesson = LessonPage.objects.filter(path=parent_path)
    restricted = PageViewRestriction.objects.filter(
        StartsWith(ExpressionWrapper(OuterRef("path"), output_field=CharField()), F("page__path"))
    )
    siblings = list(
        QuizPage.objects.live()
        .filter(path__startswith=parent_path, depth=quiz.depth)
        .exclude(Exists(restricted))  # LessonPage.child_quizzes: live and public
        .annotate(
            lesson_id=Subquery(lesson.values("pk")[:1]),
            lesson_key=Subquery(lesson.values("translation_key")[:1]),
            chosen_key=Subquery(lesson.values("check_quiz_page__translation_key")[:1]),
        )
        .only("path", "translation_key", "kind")
        .order_by("path")
    )
    if not siblings or siblings[0].lesson_id is None:  # a module's pre-test or post-test
        return None
    check = choose_check_quiz(siblings, siblings[0].chosen_key)
    if check is None or check.translation_key != quiz.translation_key:
        return None
    return siblings[0].lesson_id, siblings[0].lesson_key


def complete_lesson(student, lesson_id, lesson_key):
    """mark_completed in one query when the student opened the lesson (its row exists), two otherwise."""
    now = timezone.now()
    if LessonProgress.objects.filter(student=student, lesson_key=lesson_key, completed_at__isnull=True).update(
        completed_at=now
    ):
        return
    LessonProgress.objects.bulk_create(
        [LessonProgress(student=student, lesson_id=lesson_id, lesson_key=lesson_key, completed_at=now)],
        ignore_conflicts=True,  # already completed: nothing changes
    )


@dataclass
class Cell:
    status: str = Status.NOT_STARTED
    best: int | None = None
    max_score: int | None = None
    done: int = 0
    total: int = 0
    # A module's best check-quiz scores, one (best, max) per lesson quiz the student submitted.
    scores: list = field(default_factory=list)
    # Past due and not completed, but the student joined the class after the due date: not overdue.
    joined_after: bool = False
    is_module: bool = False
    # A guardian asked for the alternative activity, and the teacher recorded it: counts as completed.
    alternative: bool = False

    @property
    def shows_count(self):
        """done/total: always for a module (even of one lesson), never for a single lesson or quiz.

        Not for the alternative activity: "Completed (0/1)" would contradict itself.
        """
        return not self.alternative and (self.is_module or self.total > 1)

    @property
    def label(self):
        if self.alternative:
            return Status.ALTERNATIVE_LABEL
        return Status.LABELS[self.status]


@dataclass
class Column:
    assignment: object
    page: object
    kind: str
    lesson_keys: list = field(default_factory=list)
    quiz_key: object = None  # a lesson's check quiz, or the assigned quiz itself
    check_quiz_keys: list = field(default_factory=list)  # a module's lessons' check quizzes
    completed: int = 0

    @property
    def diagnostic(self):
        return self.kind == "quiz" and self.page.is_diagnostic


@dataclass
class Matrix:
    students: list
    columns: list
    rows: list  # (student, [Cell per column])


def _paths_under(pages):
    query = Q()
    for page in pages:
        query |= Q(path__startswith=page.path, depth=page.depth + 1)
    return query


def _parent_path(page):
    return page.path[: -Page.steplen]


def build_matrix(classroom, now=None, student=None, joined_at=None):
    """Students × assigned items for one class (or one student's row of it, joined at `joined_at`).

    A module means its lessons for the class's band (lessons_for_band); a lesson is completed by its
    one check quiz (choose_check_quiz). The number of queries does not depend on the number of
    students or assignments.
    """
    now = now or timezone.now()
    if student:
        students = [student]
        joined = {student.pk: joined_at}
    else:
        # Filter then annotate: the annotation reads the enrolment in this class, in the same query.
        students = list(classroom_students(classroom).annotate(joined_at=F("enrollments__joined_at")))
        joined = {each.pk: each.joined_at for each in students}
    assignments = list(classroom.assignments.select_related("page").order_by("due_at", "pk"))
    specific = {page.pk: page for page in Page.objects.filter(pk__in=[a.page_id for a in assignments]).specific()}
    modules = [page for page in specific.values() if isinstance(page, ModulePage)]
    assigned_lessons = [page for page in specific.values() if isinstance(page, LessonPage)]
    module_lessons = {}
    if modules:
        rows = (
            LessonPage.objects.live()
            .filter(_paths_under(modules))
            .only("path", "translation_key", "depth", "audience", "check_quiz_page")
            .annotate(chosen_quiz_key=F("check_quiz_page__translation_key"))
            .order_by("path")
        )
        for lesson in rows:
            module_lessons.setdefault(_parent_path(lesson), []).append(lesson)
        for path, lessons in module_lessons.items():
            module_lessons[path] = lessons_for_band(lessons, classroom.audience_band)
    lessons = assigned_lessons + [lesson for lessons in module_lessons.values() for lesson in lessons]
    check_quiz_keys = _check_quiz_keys(lessons)

    columns = []
    for assignment in assignments:
        page = specific[assignment.page_id]
        if isinstance(page, ModulePage):
            band_lessons = module_lessons.get(page.path, [])
            columns.append(
                Column(
                    assignment,
                    page,
                    "module",
                    lesson_keys=[lesson.translation_key for lesson in band_lessons],
                    check_quiz_keys=[
                        check_quiz_keys[lesson.path] for lesson in band_lessons if lesson.path in check_quiz_keys
                    ],
                )
            )
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
    quiz_keys |= {key for column in columns for key in column.check_quiz_keys}
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

    # One query, only when there is something assigned: the (assignment, student) pairs doing the alternative activity.
    alternatives = set()
    if assignments:
        alternatives = set(
            AlternativeActivity.objects.filter(assignment__in=assignments)
            .filter(Q(student=student) if student else Q())
            .values_list("assignment_id", "student_id")
        )

    rows = []
    for student in students:
        cells = []
        for column in columns:
            cell = _cell(student.pk, column, progress, attempts)
            if (column.assignment.pk, student.pk) in alternatives:
                cell.status = Status.COMPLETED
                cell.alternative = True
            _apply_due_date(cell, column.assignment, joined.get(student.pk), now)
            if cell.status == Status.COMPLETED:
                column.completed += 1
            cells.append(cell)
        rows.append((student, cells))
    return Matrix(students=students, columns=columns, rows=rows)


def _check_quiz_keys(lessons):
    """{lesson path: translation key of its check quiz}, in one query for all the lessons."""
    if not lessons:
        return {}
    children = {}
    quizzes = (
        QuizPage.objects.live()
        .filter(_paths_under(lessons))
        .only("path", "translation_key", "depth", "kind")
        .order_by("path")
    )
    for quiz in quizzes:
        children.setdefault(_parent_path(quiz), []).append(quiz)
    keys = {}
    for lesson in lessons:
        chosen_key = getattr(lesson, "chosen_quiz_key", None)
        if chosen_key is None and lesson.check_quiz_page_id:
            # An assigned lesson came without the annotation: its choice is one of its children.
            chosen_key = next(
                (q.translation_key for q in children.get(lesson.path, []) if q.pk == lesson.check_quiz_page_id), None
            )
        quiz = choose_check_quiz(children.get(lesson.path, []), chosen_key)
        if quiz is not None:
            keys[lesson.path] = quiz.translation_key
    return keys


def _apply_due_date(cell, assignment, joined_at, now):
    """Overdue only for what the student had before the due date; joining later is not their fault."""
    if cell.status == Status.COMPLETED or assignment.due_at >= now:
        return
    if joined_at is not None and joined_at >= assignment.due_at:
        cell.joined_after = True
    elif assignment.created_at is None or assignment.created_at < assignment.due_at:
        cell.status = Status.OVERDUE


def _cell(student_id, column, progress, attempts):
    cell = Cell(is_module=column.kind == "module")
    if column.lesson_keys:
        states = [progress.get((student_id, key), False) for key in column.lesson_keys]
        cell.total = len(states)
        cell.done = sum(1 for completed in states if completed)
        if cell.total and cell.done == cell.total:
            cell.status = Status.COMPLETED
        elif any(state is not False for state in states):
            cell.status = Status.IN_PROGRESS
    for key in column.check_quiz_keys:
        submitted = attempts.get((student_id, key, QuizAttempt.State.SUBMITTED))
        if submitted:
            cell.scores.append((submitted["best"], submitted["max_score"]))
        open_attempt = attempts.get((student_id, key, QuizAttempt.State.IN_PROGRESS))
        if cell.status == Status.NOT_STARTED and (submitted or open_attempt):
            cell.status = Status.IN_PROGRESS
    if column.quiz_key:
        submitted = attempts.get((student_id, column.quiz_key, QuizAttempt.State.SUBMITTED))
        open_attempt = attempts.get((student_id, column.quiz_key, QuizAttempt.State.IN_PROGRESS))
        if submitted:
            cell.best, cell.max_score = submitted["best"], submitted["max_score"]
        if column.kind == "quiz":
            # A diagnostic (pre-test) is complete once submitted; other quizzes once passed.
            if submitted and (column.diagnostic or submitted["passed"]):
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
    joined = (
        dict(
            Enrollment.objects.filter(student=student, classroom__in=list(by_classroom)).values_list(
                "classroom_id", "joined_at"
            )
        )
        if by_classroom
        else {}
    )
    for classroom in by_classroom:
        matrix = build_matrix(classroom, student=student, joined_at=joined.get(classroom.pk))
        for column, cell in zip(matrix.columns, matrix.rows[0][1], strict=True):
            page = column.page.get_translation_or_none(locale) or column.page
            items.append(StudentItem(column.assignment, page, cell, classroom))
    return sorted(items, key=lambda item: item.assignment.due_at)
