"""Read a quiz's questions as plain data and score answers against them."""

from dataclasses import dataclass, field

from .blocks import REFLECTION_TYPES, SCORED_TYPES


@dataclass
class Choice:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass
class Question:
    id: str
    type: str
    prompt: str
    story: str = ""
    explanation: str = ""
    law: object = None
    choices: list = field(default_factory=list)
    low_label: str = ""
    high_label: str = ""

    @property
    def scored(self):
        return self.type in SCORED_TYPES

    @property
    def many(self):
        return self.type == "multiple_choice"

    @property
    def correct_ids(self):
        return {choice.id for choice in self.choices if choice.correct}

    def choice(self, choice_id):
        return next((choice for choice in self.choices if choice.id == choice_id), None)


def questions_of(quiz_page):
    """The quiz's questions, with their stable block ids and choice ids."""
    questions = []
    for block in quiz_page.questions:
        value = block.value
        question = Question(id=block.id, type=block.block_type, prompt=value["prompt"])
        if block.block_type in SCORED_TYPES:
            question.explanation = value["explanation"]
            question.law = value.get("law")
            question.story = value.get("story", "")
            question.choices = [
                Choice(
                    id=item.id,
                    text=item.value["text"],
                    correct=bool(item.value["correct"]),
                    feedback=item.value["feedback"],
                )
                for item in value["choices"].bound_blocks
            ]
        elif block.block_type == "reflection_scale":
            question.low_label, question.high_label = value["low_label"], value["high_label"]
        questions.append(question)
    return questions


# A reflection is a few sentences; the form's textarea says so too (maxlength).
MAX_TEXT_ANSWER = 4000


class AnswerError(ValueError):
    """An answer that does not fit the quiz: nothing is saved."""


# Not a Django form built from the questions (as Wagtail's FormBuilder does): the questions come from a pinned
# revision's StreamField, the page renders its own fieldsets, and a refused id must change nothing (one pass here).
def clean_answers(questions, data, require_all=True):
    """Turn posted form data into {question id: choice ids or text}; raise on ids the quiz does not have.

    Returns (answers, missing question ids).
    """
    known = {question.id: question for question in questions}
    for key in data:
        if key.startswith("q-") and key[2:] not in known:
            raise AnswerError("unknown_question")
    answers, missing = {}, []
    for question in questions:
        name = f"q-{question.id}"
        if question.type in REFLECTION_TYPES:
            text = (data.get(name) or "").strip()
            if len(text) > MAX_TEXT_ANSWER:
                raise AnswerError("too_long")
            if question.type == "reflection_scale" and text and text not in {"1", "2", "3", "4", "5"}:
                raise AnswerError("bad_scale")
            answers[question.id] = text
            continue
        chosen = [value for value in data.getlist(name) if value] if hasattr(data, "getlist") else data.get(name, [])
        if any(question.choice(choice_id) is None for choice_id in chosen):
            raise AnswerError("unknown_choice")
        if len(chosen) > 1 and not question.many:
            raise AnswerError("unknown_choice")
        if not chosen and require_all:
            missing.append(question.id)
        answers[question.id] = list(dict.fromkeys(chosen))
    return answers, missing


def score(questions, answers):
    """(score, max score, {question id: correct or None})."""
    results, points, maximum = {}, 0, 0
    for question in questions:
        if not question.scored:
            results[question.id] = None
            continue
        maximum += 1
        right = set(answers.get(question.id) or []) == question.correct_ids
        results[question.id] = right
        points += int(right)
    return points, maximum, results


def passed(points, maximum, pass_mark):
    return maximum == 0 or points * 100 >= pass_mark * maximum
