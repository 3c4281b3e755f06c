"""N students open the bench quiz and submit it, in-process through django.test.Client: time per round.

Not a load test (one request at a time, no server, no network): it isolates what one quiz costs the
application, so a change to the quiz path can be compared before and after on the same machine.

    DJANGO_SETTINGS_MODULE=website.settings.test .venv/bin/python -m bench.quiz_micro [ROUNDS] [DATABASE FILE]

Uses its own SQLite file (default var/quiz_micro.sqlite3; migrated and loaded with the demo the first
time) unless DATABASE_URL is set. Each round is a new student: GET the quiz page, then POST the form it
contains (to whatever URL the form's action names) with one choice per question; a 302 to a result
page counts. Prints the median and p90 of the round, of each request, and the queries of each request.
"""

import os
import re
import statistics
import sys
import time
import uuid
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORM = re.compile(r'<form method="post" action="([^"]+)" class="quiz-form".*?</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="(q-[^"]+)" value="([^"]*)"')
TEXT = re.compile(r'<textarea id="[^"]*" name="(q-[^"]+)"')
RESULT = re.compile(r"/learn/attempts/\d+/")


def setup(database_file):
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{database_file}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host name, in-memory email

    from lessons.models import LessonPage

    call_command("migrate", verbosity=0)
    if not LessonPage.objects.exists():
        call_command("load_demo", "--no-accounts", verbosity=0)


def one_round(client, quiz_url, queries):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the query log holds 9,000 at most: a long run would count 0
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as opened:
        page = client.get(quiz_url)
    middle = time.perf_counter()
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    form = FORM.search(html)
    assert form, "the quiz page has no quiz form"
    body = form.group(0)
    fields = {name: unescape(value) for name, value in HIDDEN.findall(body)}
    for name, value in CHOICE.findall(body):
        fields.setdefault(name, value)  # the first choice of each question
    for name in TEXT.findall(body):
        fields[name] = "I would tell a teacher I trust."
    reset_queries()
    with CaptureQueriesContext(connection) as submitted:
        response = client.post(unescape(form.group(1)), fields)
    ended = time.perf_counter()
    assert response.status_code == 302 and RESULT.search(response["Location"]), (response.status_code, fields)
    queries.append((len(opened), len(submitted)))
    return middle - started, ended - middle


def main(rounds=200, database_file=ROOT / "var" / "quiz_micro.sqlite3"):
    setup(database_file)
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from lessons.models import LessonPage
    from quizzes.models import QuizPage

    lesson = LessonPage.objects.live().get(slug="what-deepfakes-are", locale__language_code="ko")
    quiz = QuizPage.objects.child_of(lesson).live().get()
    user_model = get_user_model()
    run = uuid.uuid4().hex[:6]
    opens, submits, totals, queries = [], [], [], []
    with transaction.atomic():
        for number in range(rounds + 5):
            student = user_model.objects.create(username=f"micro-{run}-{number}", account_type="student")
            client = Client()
            client.force_login(student)
            opened, submitted = one_round(client, quiz.url, queries)
            if number >= 5:  # the first rounds warm caches and the interpreter
                opens.append(opened)
                submits.append(submitted)
                totals.append(opened + submitted)
        transaction.set_rollback(True)  # leave the database as it was

    def ms(values, q):
        return 1000 * (statistics.median(values) if q == 50 else statistics.quantiles(values, n=10)[-1])

    print(f"{rounds} rounds, quiz {quiz.url}")
    for name, values in (("open + submit", totals), ("open (GET)", opens), ("submit (POST)", submits)):
        print(f"  {name:14} median {ms(values, 50):6.1f} ms   p90 {ms(values, 90):6.1f} ms")
    print(f"  queries: open {queries[-1][0]}, submit {queries[-1][1]}")
    print(f"  rounds per second (one process): {len(totals) / sum(totals):.1f}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 200,
        Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "var" / "quiz_micro.sqlite3",
    )
