"""What a student's browser reads from a quiz page: the form's action, its signed token, its autosave URL."""

import re
from html import unescape

from django.urls import reverse

from quizzes.scoring import questions_of

FORM = re.compile(r'<form method="post" action="([^"]+)" class="quiz-form"[^>]*>')
TOKEN = re.compile(r'<input type="hidden" name="quiz_form" value="([^"]+)">')
AUTOSAVE = re.compile(r'data-autosave-url="([^"]+)"')


def submit_url(quiz, language="en"):
    return reverse("quizzes:submit", kwargs={"quiz_id": quiz.pk}).replace("/en/", f"/{language}/", 1)


def save_url(quiz):
    return reverse("quizzes:save", kwargs={"quiz_id": quiz.pk})


def open_quiz(client, quiz, again=False):
    """GET the quiz page as a browser would; returns the form's fields to send back ({"quiz_form": token})."""
    response = client.get(quiz.url + ("?again=1" if again else ""))
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    token = TOKEN.search(html)
    assert token, "the quiz page has no signed form token"
    action = FORM.search(html)
    assert action and unescape(action.group(1)) == submit_url(quiz, quiz.locale.language_code)
    return {"quiz_form": unescape(token.group(1))}


def answers(quiz, right=True):
    """{question id: answer} for every question: all right (or all wrong), the middle of each scale."""
    result = {}
    for question in questions_of(quiz):
        if not question.scored:
            result[question.id] = "3" if question.type == "reflection_scale" else ""
        elif right:
            result[question.id] = sorted(question.correct_ids)
        else:
            result[question.id] = [next(c.id for c in question.choices if not c.correct)]
    return result


def right_form(quiz):
    """The answer fields of a form with every scored question right, as a browser posts them ({"q-<id>": ...}; "3"
    for each unscored question, the middle of a scale)."""
    return {
        f"q-{question.id}": sorted(question.correct_ids) if question.scored else "3" for question in questions_of(quiz)
    }
