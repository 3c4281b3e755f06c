"""Per-question analysis of a quiz for one class: aggregated, never per student for reflections."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from quizzes.models import Answer, QuizAttempt
from quizzes.scoring import questions_of

# Reflection answers are shown only as class totals, and only when at least this many answered.
REFLECTION_MINIMUM = 5


@dataclass
class QuestionSummary:
    question: object
    answered: int = 0
    right: int = 0
    wrong_choices: Counter = field(default_factory=Counter)
    scale_counts: dict | None = None
    reflection_hidden: bool = False

    @property
    def share_right(self):
        return round(100 * self.right / self.answered) if self.answered else 0

    @property
    def most_common_wrong(self):
        if not self.wrong_choices:
            return None
        choice_id, count = self.wrong_choices.most_common(1)[0]
        choice = self.question.choice(choice_id)
        return (choice.text if choice else choice_id, count)


def class_question_analysis(classroom, quiz):
    """Summaries per question of the quiz (all its languages) for the class's submitted attempts."""
    answers = Answer.objects.filter(
        attempt__state=QuizAttempt.State.SUBMITTED,
        attempt__quiz__translation_key=quiz.translation_key,
        attempt__student__enrollments__classroom=classroom,
    ).values("question_id", "choice_ids", "text", "correct", "attempt__student_id")
    by_question = defaultdict(list)
    for row in answers:
        by_question[row["question_id"]].append(row)
    summaries = []
    for question in questions_of(quiz):
        rows = by_question.get(question.id, [])
        summary = QuestionSummary(question=question)
        if question.scored:
            summary.answered = len(rows)
            summary.right = sum(1 for row in rows if row["correct"])
            for row in rows:
                if not row["correct"]:
                    summary.wrong_choices.update(cid for cid in row["choice_ids"] if cid not in question.correct_ids)
        else:
            responders = {row["attempt__student_id"] for row in rows if row["text"]}
            summary.answered = len(responders)
            if summary.answered < REFLECTION_MINIMUM:
                summary.reflection_hidden = True
            elif question.type == "reflection_scale":
                counts = Counter(row["text"] for row in rows if row["text"])
                summary.scale_counts = {str(value): counts.get(str(value), 0) for value in range(1, 6)}
        summaries.append(summary)
    return summaries
