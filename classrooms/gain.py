"""Learning gain: each student's pre-test → post-test score for a module, and the class's average gain.

A pre-test is a diagnostic taken once before the module (its first submission counts); the post-test is
scored (its best submission counts). Attempts are matched by translation key, so a student who took the
English pre-test and the Korean post-test still has a gain. Queries do not depend on the class size.
"""

from dataclasses import dataclass, field

from django.db.models import Max

from wagtail.models import Page

from lessons.models import ModulePage
from quizzes.models import QuizAttempt, QuizPage

from .access import classroom_students


@dataclass
class StudentGain:
    student: object
    pre: int | None = None  # percent
    post: int | None = None

    @property
    def gain(self):
        return None if self.pre is None or self.post is None else self.post - self.pre


@dataclass
class ModuleGain:
    module: object
    pre_test: object
    post_test: object
    rows: list = field(default_factory=list)

    @property
    def paired(self):
        return [row for row in self.rows if row.gain is not None]

    def _average(self, values):
        values = list(values)
        return round(sum(values) / len(values)) if values else None

    @property
    def average_pre(self):
        return self._average(row.pre for row in self.paired)

    @property
    def average_post(self):
        return self._average(row.post for row in self.paired)

    @property
    def average_gain(self):
        return self._average(row.gain for row in self.paired)


def _percent(score, maximum):
    return round(100 * score / maximum) if maximum else 0


def class_gains(classroom):
    """One ModuleGain per module of which the class has the pre-test, the post-test or the module assigned."""
    page_ids = list(classroom.assignments.values_list("page_id", flat=True))
    pages = list(Page.objects.filter(pk__in=page_ids).specific())
    module_paths = set()
    for page in pages:
        if isinstance(page, ModulePage):
            module_paths.add(page.path)
        elif isinstance(page, QuizPage) and page.kind in (QuizPage.Kind.PRE_TEST, QuizPage.Kind.POST_TEST):
            module_paths.add(page.path[: -Page.steplen])
    if not module_paths:
        return []
    modules = {module.path: module for module in ModulePage.objects.filter(path__in=module_paths)}
    tests = {}
    for quiz in (
        QuizPage.objects.live()
        .filter(
            path__regex="^(" + "|".join(sorted(module_paths)) + ")[0-9A-Z]{4}$",
            kind__in=[QuizPage.Kind.PRE_TEST, QuizPage.Kind.POST_TEST],
        )
        .order_by("path")
    ):
        tests.setdefault((quiz.path[: -Page.steplen], quiz.kind), quiz)
    gains = []
    for path in sorted(module_paths):
        pre, post = tests.get((path, QuizPage.Kind.PRE_TEST)), tests.get((path, QuizPage.Kind.POST_TEST))
        if path in modules and pre and post:
            gains.append(ModuleGain(modules[path], pre, post))
    if not gains:
        return []
    students = list(classroom_students(classroom))
    best = {
        (row["student_id"], row["quiz__translation_key"]): row
        for row in QuizAttempt.objects.filter(
            student__enrollments__classroom=classroom,
            quiz__translation_key__in={gain.post_test.translation_key for gain in gains},
            state=QuizAttempt.State.SUBMITTED,
        )
        .values("student_id", "quiz__translation_key")
        .annotate(best=Max("score"), max_score=Max("max_score"))
    }
    firsts = _first_scores(classroom, {gain.pre_test.translation_key for gain in gains})
    for gain in gains:
        for student in students:
            pre = firsts.get((student.pk, gain.pre_test.translation_key))
            post = best.get((student.pk, gain.post_test.translation_key))
            gain.rows.append(
                StudentGain(
                    student,
                    pre=pre,
                    post=_percent(post["best"], post["max_score"]) if post else None,
                )
            )
    return gains


def _first_scores(classroom, keys):
    """{(student id, quiz key): percent of the first submitted attempt}: a diagnostic counts once."""
    firsts = {}
    attempts = (
        QuizAttempt.objects.filter(
            student__enrollments__classroom=classroom,
            quiz__translation_key__in=keys,
            state=QuizAttempt.State.SUBMITTED,
        )
        .order_by("submitted_at", "pk")
        .values_list("student_id", "quiz__translation_key", "score", "max_score")
    )
    for student_id, key, score, maximum in attempts:
        firsts.setdefault((student_id, key), _percent(score, maximum))
    return firsts
