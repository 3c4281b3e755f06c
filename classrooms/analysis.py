"""Per-question analysis of a quiz for one class: the editors' statistics, narrowed to the class and
to every language of the quiz, with reflection totals only from five answers up, never per student."""

from collections import Counter

from quizzes.models import Answer, QuizAttempt
from quizzes.statistics import quiz_statistics

# Reflection answers are shown only as class totals, and only when at least this many answered.
REFLECTION_MINIMUM = 5


def class_question_analysis(classroom, quiz):
    attempts = QuizAttempt.objects.filter(
        quiz__translation_key=quiz.translation_key, student__enrollments__classroom=classroom
    )
    statistics = quiz_statistics(quiz, attempts=attempts)
    scale_ids = [q.id for q in statistics.questions if q.type == "reflection_scale"]
    scale_answers = Counter()
    if scale_ids:
        rows = Answer.objects.filter(
            attempt__in=attempts.filter(state=QuizAttempt.State.SUBMITTED), question_id__in=scale_ids
        ).exclude(text="")
        scale_answers.update(rows.values_list("question_id", "text"))
    for question in statistics.questions:
        question.reflection_hidden = not question.scored and question.responses < REFLECTION_MINIMUM
        question.scale_counts = None
        if question.type == "reflection_scale" and not question.reflection_hidden:
            question.scale_counts = {str(n): scale_answers[(question.id, str(n))] for n in range(1, 6)}
    return statistics
