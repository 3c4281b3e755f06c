"""Each benchmarked request once at a time, in-process: its queries, SQL time and total time.

Run by bench/run.py after the load, on the same database and settings as the server:

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.profile FIXTURES OUT.json

Writes the median of five runs per request, the queries of a sixth run grouped by shape (an N+1
pattern shows up as one shape repeated) and that run's cProfile (OUT.txt; the profiled run is not
timed), so a miss in the table can be explained with numbers from the same data.
"""

import cProfile
import io
import json
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

RUNS = 5


def shape(sql):
    """The query without its column list and numbers, short enough to read: 'SELECT … FROM x WHERE …'."""
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, count=1, flags=re.S)
    return re.sub(r"\b\d+\b", "N", sql)[:400]


class QueryLog:
    """Every query a request runs, with its time (connection.execute_wrapper, like CaptureQueriesContext
    but without opening the connection first, so a request that connects pays for it as on the server)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, time.perf_counter() - started))


def main(fixtures_path, out_path):
    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from classrooms.models import Classroom, Enrollment

    fixtures = json.loads(Path(fixtures_path).read_text())
    User = get_user_model()
    # A view that raises is answered with the site's 500 page and counted, as gunicorn would.
    host = {"HTTP_HOST": "127.0.0.1", "raise_request_exception": False}
    teacher = User.objects.get(username="bench-teacher")
    template_student = User.objects.filter(username__startswith="scale-s").order_by("-pk").first()
    classroom = Classroom.objects.filter(enrollments__student=template_student).first()
    made = iter(range(1, 1000))

    def fresh_student():
        """A student who has never opened the bench quiz, in a seeded class."""
        student = User.objects.create(
            username=f"profile-s{next(made):03d}",
            password=template_student.password,
            account_type="student",
        )
        Enrollment.objects.create(classroom=classroom, student=student)
        return student

    def client_for(user=None):
        """A test client that has answered once already, so its handler has loaded the middleware."""
        client = Client(**host)
        if user:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.get("/bench/hello/")
        return client

    anonymous = client_for()
    student = client_for(template_student)
    teacher_client = client_for(teacher)
    lesson = fixtures["lessons"][0]
    counter = iter(range(1, 100000))
    choice = re.compile(r'<input type="(?:radio|checkbox)" name="(q-[^"]+)" value="([^"]*)"')
    hidden = re.compile(r'<input type="hidden" name="(quiz_form)" value="([^"]*)"')
    action = re.compile(r'<form method="post" action="([^"]+)" class="quiz-form"')

    def quiz_open():
        client = client_for(fresh_student())
        return lambda: client.get(fixtures["quiz"])

    def quiz_submit():
        client = client_for(fresh_student())
        page = client.get(fixtures["quiz"]).content.decode()
        fields = dict(hidden.findall(page))
        for name, value in choice.findall(page):
            fields.setdefault(name, value)
        return lambda: client.post(action.search(page).group(1), fields)

    def matrix(key):
        return lambda: lambda: teacher_client.get(fixtures["matrix"][key])

    # name -> a function that prepares (untimed) and returns the request to time
    requests = {
        "baseline: hello": lambda: lambda: anonymous.get("/bench/hello/"),
        "lesson: anonymous (cached)": lambda: lambda: anonymous.get(lesson),
        # A query string the cache has not seen: what the first reader after a publish pays.
        "lesson: anonymous (not cached)": lambda: lambda: anonymous.get(f"{lesson}?bench={next(counter)}"),
        "lesson: student": lambda: lambda: student.get(lesson),
        "quiz: open": quiz_open,
        "quiz: submit": quiz_submit,
        "matrix: 30 students": matrix("30"),
        "matrix: 300 students": matrix("300"),
        "login": lambda: (
            lambda: anonymous.post(
                fixtures["login"], {"login": template_student.username, "password": fixtures["password"]}
            )
        ),
    }

    results, profiles = {}, {}
    for name, prepare in requests.items():
        times, sql, counts, statuses = [], [], [], Counter()
        for run in range(RUNS + 1):
            call = prepare()
            anonymous.cookies.clear()  # the login leaves a session behind; anonymous readers carry none
            log = QueryLog()
            profiler = cProfile.Profile() if run == RUNS else None
            with connection.execute_wrapper(log):
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                response = call()
                if profiler:
                    profiler.disable()
                elapsed = time.perf_counter() - started
            if run == 0:
                continue  # warm-up
            statuses[response.status_code] += 1
            if profiler:
                stream = io.StringIO()
                pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(30)
                profiles[name] = stream.getvalue()
                shapes = Counter(shape(query) for query, _seconds in log.queries)
                continue  # the profiler slows this run down: its time is not counted
            times.append(elapsed * 1000)
            sql.append(sum(seconds for _query, seconds in log.queries) * 1000)
            counts.append(len(log.queries))
        results[name] = {
            "queries": int(statistics.median(counts)),
            "sql_ms": round(statistics.median(sql), 2),
            "total_ms": round(statistics.median(times), 2),
            "statuses": {str(code): count for code, count in statuses.items()},
            "query_shapes": [{"count": count, "sql": text} for text, count in shapes.most_common(20)],
        }
        row = results[name]
        print(f"{name:<40} {row['queries']:>4} queries {row['sql_ms']:>6.1f} ms SQL {row['total_ms']:>7.1f} ms")
    Path(out_path).write_text(json.dumps({"requests": results}, indent=1))
    Path(out_path).with_suffix(".txt").write_text(
        "\n\n".join(f"===== {name}\n{text}" for name, text in profiles.items())
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
