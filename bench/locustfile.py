"""Locust scenarios for `make bench`: each class is one row of the table, the Mixed* classes run together.

bench/run.py starts Locust once per scenario against the same gunicorn, naming the user classes on the
command line, with BENCH_FIXTURES (written by bench/prepare.py) and BENCH_RESULT (where the summary
goes) in the environment. Traffic goes to --host only, which run.py sets to http://127.0.0.1:<port>.

Requests that count as failures: a network error, any status not listed as expected for that request
(a redirect to the login page, a 4xx or a 5xx), or a form that is not on a page that should have one.
"""

import itertools
import json
import os
import random
import re
from collections import Counter, defaultdict
from http.cookiejar import Cookie, DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant, events, task

FIXTURES = json.loads(Path(os.environ["BENCH_FIXTURES"]).read_text()) if os.environ.get("BENCH_FIXTURES") else {}
MIXED_WAIT = tuple(float(x) for x in os.environ.get("BENCH_MIXED_WAIT", "0.5,2.5").split(","))
FORM = "application/x-www-form-urlencoded"

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(quiz_form)" value="([^"]*)"')
# Issue 16: the quiz form posts to the quiz's own URL (/<lang>/learn/quizzes/<id>/submit/), outside page routing.
ACTION = re.compile(r'<form method="post" action="([^"]+)" class="quiz-form"')
CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="(q-[^"]+)" value="([^"]*)"')
TEXT = re.compile(r'<textarea id="[^"]*" name="(q-[^"]+)"')
RESULT = re.compile(r"/learn/attempts/\d+/")

statuses = defaultdict(Counter)  # request name -> status code -> count
pool_wraps = Counter()  # pool name -> how often a pool ran out and started again from its first student


@events.request.add_listener
def count_status(name, response=None, exception=None, **kwargs):
    code = getattr(response, "status_code", 0) or 0
    statuses[name][code] += 1


class Pool:
    """Hands out items in order to every simulated user of this Locust process, round and round."""

    def __init__(self, name, items):
        self.name, self.items, self.next = name, items, itertools.count()

    def take(self):
        n = next(self.next)
        if n and n % len(self.items) == 0:
            pool_wraps[self.name] += 1
        return self.items[n % len(self.items)]


POOLS = {}


def pool(name, items):
    if name not in POOLS:
        POOLS[name] = Pool(name, items)
    return POOLS[name]


addresses = itertools.count(1)


class TlsProxyCookiePolicy(DefaultCookiePolicy):
    """Send the site's Secure cookies over http://127.0.0.1, as the TLS proxy in front of gunicorn would
    receive them over HTTPS: production settings mark the session and CSRF cookies Secure."""

    def return_ok_secure(self, cookie, request):
        return True


class BenchUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    # One TCP connection per simulated user, as one browser would keep.
    concurrency = 1

    def on_start(self):
        self.client.cookiejar.set_policy(TlsProxyCookiePolicy())
        self.host_name = urlsplit(self.host).hostname
        n = next(addresses)
        # Each simulated user is one client behind the TLS proxy (198.18.0.0/15 is the benchmarking range;
        # the address is only a header value here, never a destination).
        self.headers = {"X-Forwarded-For": f"198.18.{n // 250 % 250}.{n % 250 + 1}"}

    # -- cookies: the jar keeps what the site sets; these put a known session in it
    def sign_in_as(self, session_key):
        self.client.cookiejar.clear()
        if session_key:
            self.client.cookiejar.set_cookie(
                Cookie(
                    version=0,
                    name="sessionid",
                    value=session_key,
                    port=None,
                    port_specified=False,
                    domain=self.host_name,
                    domain_specified=False,
                    domain_initial_dot=False,
                    path="/",
                    path_specified=True,
                    secure=False,
                    expires=None,
                    discard=True,
                    comment=None,
                    comment_url=None,
                    rest={},
                )
            )

    def get_page(self, url, name, must_contain=None):
        with self.client.get(url, name=name, headers=self.headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return None
            text = response.text or ""
            if must_contain and must_contain not in text:
                response.failure(f"page without {must_contain!r}")
                return None
            return text

    def post_form(self, url, name, fields, expect_location):
        headers = {**self.headers, "Content-Type": FORM, "Referer": self.host + url}
        with self.client.post(
            url,
            name=name,
            data=urlencode(fields, doseq=True),
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("location", "") if response.headers else ""
            if response.status_code != 302 or not expect_location(location):
                response.failure(f"status {response.status_code}, location {location!r}")
                return None
            return location

    # -- the things people do
    def read_lesson(self, name, anonymous=False):
        if anonymous:
            # A reader with no cookie at all, as a first visit from a search result or a shared link.
            self.sign_in_as(None)
        self.get_page(random.choice(FIXTURES["lessons"]), name, must_contain="</main>")

    def take_quiz(self, prefix):
        """Open the bench quiz and submit it once, answering every question."""
        quiz = FIXTURES["quiz"]
        page = self.get_page(quiz, f"{prefix}quiz: open", must_contain="csrfmiddlewaretoken")
        if page is None:
            return
        if 'name="quiz_form"' not in page:
            # This student already finished it (a pool that came round again): take it again, as they could.
            token = CSRF.search(page).group(1)
            if not self.post_form(
                quiz, f"{prefix}quiz: try again", {"csrfmiddlewaretoken": token, "start_new": "1"}, bool
            ):
                return
            page = self.get_page(f"{quiz}?again=1", f"{prefix}quiz: open", must_contain='name="quiz_form"')
            if page is None:
                return
        fields = {"csrfmiddlewaretoken": CSRF.search(page).group(1), **dict(HIDDEN.findall(page))}
        choices = defaultdict(list)
        for field, value in CHOICE.findall(page):
            choices[field].append(value)
        for field, values in choices.items():
            fields[field] = random.choice(values)
        for field in TEXT.findall(page):
            fields[field] = "I would tell a teacher I trust."
        self.post_form(ACTION.search(page).group(1), f"{prefix}quiz: submit", fields, RESULT.search)

    def log_in(self, username, name):
        self.sign_in_as(None)
        page = self.get_page(FIXTURES["login"], f"{name} form", must_contain="csrfmiddlewaretoken")
        if page is None:
            return
        fields = {
            "csrfmiddlewaretoken": CSRF.search(page).group(1),
            "login": username,
            "password": FIXTURES["password"],
        }
        self.post_form(FIXTURES["login"], name, fields, lambda location: location.endswith("/learn/"))


# ----------------------------------------------------------------------------- one scenario each


class Hello(BenchUser):
    @task
    def hello(self):
        self.get_page("/bench/hello/", "baseline: hello")


class AnonymousLesson(BenchUser):
    @task
    def lesson(self):
        self.read_lesson("lesson: anonymous", anonymous=True)


class StudentLesson(BenchUser):
    @task
    def lesson(self):
        self.sign_in_as(pool("reading", FIXTURES["sessions"]["quiz"]).take())
        self.read_lesson("lesson: student")


class QuizSubmission(BenchUser):
    @task
    def quiz(self):
        self.sign_in_as(pool("quiz", FIXTURES["sessions"]["quiz"]).take())
        self.take_quiz("")


class Teacher(BenchUser):
    """The bench teacher, signed in (a verified email address, as teacher pages require)."""

    abstract = True

    def on_start(self):
        super().on_start()
        self.sign_in_as(FIXTURES["teacher_session"])

    def matrix(self, key, name):
        self.get_page(FIXTURES["matrix"][key], name, must_contain="</table>")


class Matrix30(Teacher):
    @task
    def matrix30(self):
        self.matrix("30", "matrix: 30 students")


class Matrix300(Teacher):
    @task
    def matrix300(self):
        self.matrix("300", "matrix: 300 students")


class StudentLogin(BenchUser):
    @task
    def login(self):
        self.log_in(pool("login", FIXTURES["logins"]["login"]).take(), "login")


class CardLogin(BenchUser):
    """A student scans their printed sign-in card: the page asks, one tap signs in (no password hash)."""

    @task
    def login(self):
        self.sign_in_as(None)
        link = pool("cards", FIXTURES["cards"]).take()
        page = self.get_page(link, "card: open", must_contain="csrfmiddlewaretoken")
        if page is not None:
            fields = {"csrfmiddlewaretoken": CSRF.search(page).group(1)}
            self.post_form(link, "card: sign in", fields, lambda location: "/learn/" in location)


class StudentLoginOneSchool(BenchUser):
    """The same, with every student behind one address, as a school's network shows them to the site."""

    def on_start(self):
        super().on_start()
        self.headers = {"X-Forwarded-For": "198.19.0.1"}

    @task
    def login(self):
        self.log_in(pool("login", FIXTURES["logins"]["login"]).take(), "login, one school address")


# ----------------------------------------------------------------------------- the bell: all at once


class MixedStudent(BenchUser):
    """A student who was already signed in: opens the lesson, then takes its quiz."""

    weight = 14
    wait_time = between(*MIXED_WAIT)

    @task
    def lesson_then_quiz(self):
        self.sign_in_as(pool("mixed", FIXTURES["sessions"]["mixed"]).take())
        self.read_lesson("mixed: lesson: student")
        self.wait()
        self.take_quiz("mixed: ")


class MixedLogin(BenchUser):
    weight = 2
    wait_time = between(*MIXED_WAIT)

    @task
    def login(self):
        self.log_in(pool("mixed-login", FIXTURES["logins"]["mixed"]).take(), "mixed: login")


class MixedAnonymous(BenchUser):
    weight = 3
    wait_time = between(*MIXED_WAIT)

    @task
    def lesson(self):
        self.read_lesson("mixed: lesson: anonymous", anonymous=True)


class MixedTeacher(Teacher):
    weight = 1
    wait_time = between(*MIXED_WAIT)

    @task
    def progress(self):
        size = random.choice(["30", "300"])
        self.matrix(size, f"mixed: matrix: {size} students")


# ----------------------------------------------------------------------------- the summary run.py reads


@events.quitting.add_listener
def write_summary(environment, **kwargs):
    target = os.environ.get("BENCH_RESULT")
    if not target:
        return
    stats = environment.stats
    rows = {}
    for (name, method), entry in stats.entries.items():
        if not entry.num_requests:
            continue
        rows[name] = {
            "method": method,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": entry.total_rps,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "mean_ms": entry.avg_response_time,
            "max_ms": entry.max_response_time,
            "statuses": {str(code): count for code, count in sorted(statuses[name].items())},
            "server_errors": sum(count for code, count in statuses[name].items() if code >= 500),
        }
    total = stats.total
    summary = {
        "window": {"start": total.start_time, "end": total.last_request_timestamp},
        "rows": rows,
        "total": {
            "requests": total.num_requests,
            "failures": total.num_failures,
            "rps": total.total_rps,
            "p50_ms": total.get_response_time_percentile(0.5),
            "p95_ms": total.get_response_time_percentile(0.95),
            "server_errors": sum(row["server_errors"] for row in rows.values()),
        },
        "errors": [
            {"name": error.name, "method": error.method, "error": str(error.error), "occurrences": error.occurrences}
            for error in stats.errors.values()
        ],
        "pool_wraps": dict(pool_wraps),
    }
    Path(target).write_text(json.dumps(summary, indent=1))
