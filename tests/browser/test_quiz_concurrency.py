"""Two identical submissions of one quiz form at the same moment, against the real server (SQLite in
`make test`, PostgreSQL in CI): both end on the same result and exactly one submitted attempt is stored.

Since issue 16 opening the quiz opens no attempt: both requests race to start it from the form's signed
token (the unique index on attempts in progress and the submit's gate decide), posted to the submit URL."""

import re
import threading
from html.parser import HTMLParser

import pytest
import requests

pytestmark = pytest.mark.browser

QUIZ = "/en/curriculum/deepfakes-and-ai/deepfakes-and-the-law/check/"
TIMEOUT_S = 30


class FormFields(HTMLParser):
    """The quiz form's fields: hidden values, the choices of each question, the text boxes."""

    def __init__(self):
        super().__init__()
        self.hidden, self.choices, self.textareas = {}, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "textarea" and name:
            self.textareas.append(name)
        elif tag == "input" and name and attrs.get("type") == "hidden":
            self.hidden[name] = attrs.get("value", "")
        elif tag == "input" and name and attrs.get("type") in ("radio", "checkbox"):
            self.choices.setdefault(name, []).append(attrs.get("value"))


def fields_of(html):
    parser = FormFields()
    parser.feed(html)
    return parser


def csrf_token(session, response):
    return fields_of(response.text).hidden.get("csrfmiddlewaretoken") or session.cookies["csrftoken"]


def log_in_as_student(base):
    session = requests.Session()
    login_page = session.get(base + "/en/accounts/login/", timeout=TIMEOUT_S)
    response = session.post(
        base + "/en/accounts/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(session, login_page),
            "login": "student",
            "password": "dignity-student-2026",
        },
        # Where the login sends a student next is not this test's business: stop at the redirect.
        allow_redirects=False,
        timeout=TIMEOUT_S,
    )
    assert response.status_code == 302 and "sessionid" in session.cookies, "the demo student could not sign in"
    return session


def open_quiz_form(session, base):
    """The quiz form, fresh; posts "Try again" if the last attempt was submitted. Returns (fields, action)."""
    response = session.get(base + QUIZ, timeout=TIMEOUT_S)
    fields = fields_of(response.text)
    if "quiz_form" not in fields.hidden:
        response = session.post(
            base + QUIZ,
            data={"csrfmiddlewaretoken": csrf_token(session, response), "start_new": "1"},
            timeout=TIMEOUT_S,
        )
        fields = fields_of(response.text)
    assert "quiz_form" in fields.hidden, "no quiz form with a signed token"
    action = re.search(r'<form method="post" action="([^"]+)" class="quiz-form"', response.text).group(1)
    return fields, action


def complete_submission(fields):
    """Every question answered: the first choice of each, a sentence in each text box."""
    data = {name: fields.hidden[name] for name in ("csrfmiddlewaretoken", "quiz_form")}
    data.update({name: values[0] for name, values in fields.choices.items()})
    data.update({name: "Submitted twice at once." for name in fields.textareas})
    return data


def submitted_attempts(server_manage):
    """How many submitted attempts the demo student has of the quiz, and how many in progress (the server's DB)."""
    code = (
        "from quizzes.models import QuizAttempt; "
        f"mine = QuizAttempt.objects.filter(student__username='student', quiz__url_path__endswith='{QUIZ[3:]}'); "
        "print(mine.filter(state='submitted').count(), mine.filter(state='in_progress').count())"
    )
    return tuple(int(n) for n in server_manage("shell", "-c", code).stdout.strip().splitlines()[-1].split())


def post_together(session, url, data, senders=2):
    """POST the same data from several threads released at the same instant; the final responses."""
    barrier = threading.Barrier(senders)
    responses, errors = [None] * senders, []

    def send(index):
        # One session per thread, sharing the signed-in cookies: requests.Session is not thread-safe.
        own = requests.Session()
        own.cookies.update(session.cookies)
        try:
            barrier.wait(timeout=TIMEOUT_S)
            responses[index] = own.post(url, data=data, timeout=TIMEOUT_S)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=send, args=(index,)) for index in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S * 2)
    assert not errors, errors
    return responses


def test_the_same_submission_twice_at_once_records_one_attempt(live_site, server_manage):
    session = log_in_as_student(live_site)
    fields, action = open_quiz_form(session, live_site)
    assert action == "/en/learn/quizzes/" + action.split("/")[-3] + "/submit/"
    before, _in_progress = submitted_attempts(server_manage)

    first, second = post_together(session, live_site + action, complete_submission(fields))

    assert first.status_code == second.status_code == 200
    assert first.url == second.url and re.fullmatch(rf"{live_site}/en/learn/attempts/\d+/", first.url)
    result_page = session.get(first.url, timeout=TIMEOUT_S).text
    assert result_page.count("<h1>") == 1 and result_page.count("Your result") >= 1
    assert submitted_attempts(server_manage) == (before + 1, 0)


def test_the_same_submission_twice_at_once_after_an_autosave_records_one_attempt(live_site, server_manage):
    """With an autosaved attempt in progress both requests read the student's attempts before writing: on
    SQLite a deferred transaction then deadlocked with the other and one request failed (500)."""
    session = log_in_as_student(live_site)
    fields, action = open_quiz_form(session, live_site)
    data = complete_submission(fields)
    one_answer = {name: data[name] for name in ("csrfmiddlewaretoken", "quiz_form")}
    first_choice = next(iter(fields.choices))
    one_answer[first_choice] = data[first_choice]
    autosave = session.post(live_site + action.replace("/submit/", "/save/"), data=one_answer, timeout=TIMEOUT_S)
    assert autosave.status_code == 200 and autosave.json()["saved"] is True
    before, in_progress = submitted_attempts(server_manage)
    assert in_progress == 1

    first, second = post_together(session, live_site + action, data)

    assert (first.status_code, second.status_code) == (200, 200), second.text[:500]
    assert first.url == second.url and re.fullmatch(rf"{live_site}/en/learn/attempts/\d+/", first.url)
    assert submitted_attempts(server_manage) == (before + 1, 0)
