"""What a whole module means for a class: its lessons for the class's band, each with its check quiz.

The assign page shows these plans, and the progress matrix counts the same lessons (progress.lessons_for_band),
so what a teacher is told they assign is what the student's card and the matrix count.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from lessons.models import AudienceBand, LessonPage, ModulePage, choose_check_quiz
from quizzes.models import QuizPage

from .progress import lessons_for_band

BAND_FLAGS = {
    AudienceBand.MIDDLE_SCHOOL: ("for_middle_school",),
    AudienceBand.HIGH_SCHOOL: ("for_high_school",),
    # University classes fall back to a module's high-school lessons (lessons_for_band).
    AudienceBand.UNIVERSITY: ("for_university", "for_high_school"),
}


@dataclass
class LessonPlan:
    lesson: object
    check_quiz: object = None
    quizzes: list = field(default_factory=list)  # every live quiz under the lesson, for picking by hand


@dataclass
class ModulePlan:
    module: object
    lessons: list = field(default_factory=list)  # LessonPlan per lesson for the band, in page order
    module_quizzes: list = field(default_factory=list)  # pre-test and post-test: assigned on their own
    fell_back: bool = False  # a university class doing the high-school lessons


def module_plans(band, locale):
    """(modules offered to a class of `band` in `locale`, {module pk: ModulePlan}) in three queries."""
    offered = Q()
    for flag in BAND_FLAGS[band]:
        offered |= Q(**{flag: True})
    modules = list(ModulePage.objects.live().filter(offered, locale=locale).order_by("path"))
    if not modules:
        return [], {}
    by_path = {module.path: module for module in modules}
    # Lessons live only under modules and quizzes only under modules or lessons: a locale's whole
    # curriculum is a few dozen pages, read in one query each and grouped by parent here.
    lessons, quizzes = {}, {}
    for lesson in LessonPage.objects.live().filter(locale=locale).order_by("path"):
        lessons.setdefault(lesson.path[: -LessonPage.steplen], []).append(lesson)
    for quiz in QuizPage.objects.live().filter(locale=locale).order_by("path"):
        quizzes.setdefault(quiz.path[: -QuizPage.steplen], []).append(quiz)
    plans = {}
    for path, module in by_path.items():
        all_lessons = lessons.get(path, [])
        chosen = lessons_for_band(all_lessons, band)
        plans[module.pk] = ModulePlan(
            module=module,
            lessons=[
                LessonPlan(
                    lesson=lesson,
                    check_quiz=_check_quiz(lesson, quizzes.get(lesson.path, [])),
                    quizzes=quizzes.get(lesson.path, []),
                )
                for lesson in chosen
            ],
            module_quizzes=quizzes.get(path, []),
            fell_back=bool(chosen) and chosen[0].audience != band,
        )
    return modules, plans


def _check_quiz(lesson, children):
    chosen_key = next((quiz.translation_key for quiz in children if quiz.pk == lesson.check_quiz_page_id), None)
    return choose_check_quiz(children, chosen_key)
