from django import template

register = template.Library()


@register.filter
def answer_for(answers, question_id):
    """The stored answer (choice ids or text) for a question id."""
    return answers.get(question_id, "") if answers else ""


@register.filter
def is_chosen(answer, choice_id):
    return choice_id in answer if isinstance(answer, list) else str(answer) == str(choice_id)
