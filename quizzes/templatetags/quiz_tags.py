from django import template

register = template.Library()


@register.filter
def answer_for(answers, question_id):
    """The stored answer (choice ids or text) for a question id."""
    return answers.get(question_id, "") if answers else ""


@register.filter
def is_chosen(answer, choice_id):
    return choice_id in answer if isinstance(answer, list) else str(answer) == str(choice_id)


@register.filter
def in_list(value, values):
    return value in (values or ())


@register.simple_tag
def practice_quizzes(page):
    """A lesson's practice quizzes (never its check quiz), for the links under the lesson."""
    from quizzes.models import QuizPage

    # One query: a view restriction on a single practice quiz is still enforced when its link is followed.
    return QuizPage.objects.child_of(page).live().filter(kind=QuizPage.Kind.PRACTICE).order_by("path")
