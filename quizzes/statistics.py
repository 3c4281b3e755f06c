"""Per-question statistics of a quiz for editors: how many answer each question right, and which wrong
choice is picked most, so a confusing question or a common misconception shows up.

Only aggregates leave this module: no student, no attempt and no reflection text. The work is a fixed
number of queries however many attempts there are (counted in the database, plus one pass over the
chosen ids of wrong answers).
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

from .models import Answer, QuizAttempt
from .scoring import questions_of


@dataclass
class QuestionStatistics:
    number: int
    id: str
    type: str
    prompt: str
    scored: bool
    answered: int = 0
    right: int = 0
    responses: int = 0  # reflections: how many wrote or chose something, never what
    top_wrong_text: str = ""
    top_wrong_count: int = 0

    @property
    def share_right(self):
        """Percent of those who answered that got it right, or None when nobody has answered yet."""
        return round(100 * self.right / self.answered) if self.answered else None


@dataclass
class QuizStatistics:
    attempts: int
    questions: list


def quiz_statistics(quiz, attempts=None):
    """Statistics of a quiz's submitted attempts, described by the quiz as it is live now.

    Attempts were scored against the revision each student saw, so "right" is the stored result.
    Which choice counts as wrong, and its text, come from the live revision (what the editor sees and
    would change); choices that no longer exist are left out. `attempts` narrows the attempts counted
    (a class's, for its teacher); by default every submitted attempt of this quiz.
    """
    if attempts is None:
        attempts = QuizAttempt.objects.filter(quiz=quiz)
    attempts = attempts.filter(state=QuizAttempt.State.SUBMITTED)
    submitted = Answer.objects.filter(attempt__in=attempts)
    counts = _counts_by_question(submitted)
    wrong_choices = _wrong_choice_counts(submitted)
    questions = [
        _question_statistics(number, question, counts.get(question.id, {}), wrong_choices.get(question.id))
        for number, question in enumerate(questions_of(quiz), start=1)
    ]
    return QuizStatistics(attempts=attempts.count(), questions=questions)


def _counts_by_question(answers):
    """{question id: {"answered", "right", "responses"}}, counted by the database in one query."""
    rows = (
        answers.order_by()
        .values("question_id")
        .annotate(
            answered=Count("pk", filter=Q(correct__isnull=False)),
            right=Count("pk", filter=Q(correct=True)),
            responses=Count("pk", filter=~Q(text="")),
        )
    )
    return {row["question_id"]: row for row in rows}


def _wrong_choice_counts(answers):
    """{question id: Counter of choice ids} over answers marked wrong, in one pass over two columns.

    Counting inside JSON lists differs between SQLite and PostgreSQL, so the ids are counted here;
    only question ids and choice ids are read, never who chose them.
    """
    counted = {}
    for question_id, choice_ids in answers.filter(correct=False).values_list("question_id", "choice_ids").iterator():
        counted.setdefault(question_id, Counter()).update(choice_ids or [])
    return counted


def _question_statistics(number, question, counts, chosen):
    stats = QuestionStatistics(
        number=number, id=question.id, type=question.type, prompt=question.prompt, scored=question.scored
    )
    if not question.scored:
        stats.responses = counts.get("responses", 0)
        return stats
    stats.answered, stats.right = counts.get("answered", 0), counts.get("right", 0)
    top = _most_chosen_wrong(question, chosen or Counter())
    if top:
        stats.top_wrong_text, stats.top_wrong_count = top
    return stats


def _most_chosen_wrong(question, chosen):
    """(text, count) of the wrong choice picked most; ties go to the one listed first. None if none."""
    candidates = [
        (chosen[choice.id], -index, choice.text)
        for index, choice in enumerate(question.choices)
        if not choice.correct and chosen[choice.id]
    ]
    if not candidates:
        return None
    count, _order, text = max(candidates)
    return text, count
