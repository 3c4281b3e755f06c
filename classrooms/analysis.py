"""Per-question analysis of a quiz for one class: the editors' statistics, narrowed to the class and
to every language of the quiz, with reflection totals only from five answers up, never per student."""

from collections import Counter

from quizzes.models import Answer, QuizAttempt
from quizzes.statistics import quiz_statistics

# Reflection answers are shown only as class totals, and only when at least this many answered.
REFLECTION_MINIMUM = 5
# Scale totals are released in batches of this size: the totals shown are those of the first 5, 10, 15 …
# answers, so a teacher who reads the totals before and after one student answers sees no change, and
# the difference between two releases is the sum of at least five answers, never one person's.
REFLECTION_BATCH = 5


def released_count(answered):
    """How many of `answered` scale answers the totals include: the last whole batch."""
    return answered - answered % REFLECTION_BATCH


def class_question_analysis(classroom, quiz):
    attempts = QuizAttempt.objects.filter(
        quiz__translation_key=quiz.translation_key, student__enrollments__classroom=classroom
    )
    statistics = quiz_statistics(quiz, attempts=attempts)
    scale_ids = [q.id for q in statistics.questions if q.type == "reflection_scale"]
    answers_by_question = {}
    if scale_ids:
        rows = (
            Answer.objects.filter(
                attempt__in=attempts.filter(state=QuizAttempt.State.SUBMITTED), question_id__in=scale_ids
            )
            .exclude(text="")
            # In the order they were submitted, so a batch is always the same answers.
            .order_by("attempt__submitted_at", "attempt_id")
        )
        for question_id, value in rows.values_list("question_id", "text"):
            answers_by_question.setdefault(question_id, []).append(value)
    for question in statistics.questions:
        question.reflection_hidden = not question.scored and question.responses < REFLECTION_MINIMUM
        question.scale_counts = None
        if question.type == "reflection_scale" and not question.reflection_hidden:
            values = answers_by_question.get(question.id, [])
            question.released = released_count(len(values))
            question.next_release = question.released + REFLECTION_BATCH
            counted = Counter(values[: question.released])
            question.scale_counts = {str(n): counted[str(n)] for n in range(1, 6)}
    return statistics
