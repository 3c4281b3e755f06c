"""Which quizzes explain each answer at once, and the "check" of one question without JavaScript.

A practice quiz (or any quiz whose editor chose "after each question") shows a question's feedback and
explanation as soon as it is answered: in the browser by quiz-feedback.js, and without JavaScript by a
per-question "Check" button that posts the form and gets the page back with that explanation and every
other answer kept. Assessed quizzes (check, pre-test, post-test) explain after the submission.
"""

from .models import QuizPage


def instant_feedback(quiz):
    return quiz.kind == QuizPage.Kind.PRACTICE or quiz.explanations == QuizPage.ExplanationTiming.AFTER_EACH


def checked_questions(questions, data, just_checked):
    """Ids of the scored questions whose explanation the page shows: those checked before (carried in the
    form as hidden `checked` fields) and the one just checked; ids the quiz does not have are dropped."""
    scored = {question.id for question in questions if question.scored}
    ids = [*data.getlist("checked"), just_checked]
    return [question_id for question_id in dict.fromkeys(ids) if question_id in scored]
