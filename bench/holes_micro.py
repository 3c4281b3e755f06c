"""A micro-benchmark of hole punching (website/holes.py), in one process, not part of the tests.

Times N requests through django.test.Client for the same lesson read by an anonymous reader (the page
cache) and by a signed-in student (the cached page with the student's holes filled), and the same
student with the hole middleware taken out (the page rendered whole, as before issue 16). It builds a
throwaway SQLite test database with the demo content, so it needs nothing running:

    DJANGO_SETTINGS_MODULE=website.settings.test .venv/bin/python bench/holes_micro.py [-n 300]

The figures are per request in this process (no network, no gunicorn): compare them with each other,
not with `make bench`.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.test")


def timed(client, url, count):
    """Milliseconds per request: the median of `count` runs after one warm-up."""
    client.get(url)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="requests per scenario (default 300)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_demo", "--no-accounts", verbosity=0)
        from django.contrib.auth import get_user_model

        from lessons.models import LessonPage

        lesson = LessonPage.objects.live().get(slug="what-deepfakes-are", locale__language_code="ko")
        student = get_user_model().objects.create_user("bench-hole-student", password="x", account_type="student")
        signed_in = Client()
        signed_in.force_login(student)
        without_holes = [name for name in settings.MIDDLEWARE if name != "website.holes.StudentHoleMiddleware"]
        rows = [("lesson, anonymous (page cache)", Client(), None)]
        rows.append(("lesson, signed-in student (holes filled)", signed_in, None))
        rows.append(("lesson, signed-in student (whole render)", None, without_holes))
        print(f"{args.n} requests each, median and p95 in ms, queries per request")
        for name, client, middleware in rows:
            if middleware is not None:
                with override_settings(MIDDLEWARE=middleware):
                    client = Client()
                    client.cookies = signed_in.cookies
                    median, p95 = timed(client, lesson.url, args.n)
                    with CaptureQueriesContext(connection) as queries:
                        client.get(lesson.url)
            else:
                median, p95 = timed(client, lesson.url, args.n)
                with CaptureQueriesContext(connection) as queries:
                    client.get(lesson.url)
            print(f"  {name:45} {median:7.2f} {p95:7.2f}   {len(queries):3d} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
