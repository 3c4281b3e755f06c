#!/usr/bin/env python3
"""No lost or doubled answer: N students submit one 10-question quiz at the same moment.

Two ways to point it at a site (traffic goes to 127.0.0.1 / localhost only):

  --base-url http://127.0.0.1:8000 --manage ".venv/bin/python manage.py"
      a server you started; the manage.py prefix must reach the same database as the server.
  --serve
      the script starts gunicorn (`website.wsgi -w 2`, production settings) on a throwaway
      PostgreSQL database it creates, migrates and fills with the demo content, and drops it after.
  --kill-worker   (implies --serve)
      as --serve, and SIGKILLs one gunicorn worker while the submissions are in flight.
  --both          (implies --serve)
      the plain run, then the kill-worker run, on one database and one gunicorn (CI: one setup, not two).

Steps: create N students enrolled nowhere and a published QuizPage with exactly 10 single-choice
questions under a demo lesson (bench_db.py through `manage.py shell -c`); log each student in with
requests.Session (GET /en/accounts/login/ for the csrftoken cookie, then POST); open the quiz; all
submit at once from threads, 20 % of them twice; then check through the database that there are
exactly N submitted attempts and N x 10 answers, each with the score its answers earn, and that every
student gets their result page (HTTP 200 at /en/learn/attempts/<id>/ showing their score).
With --kill-worker also: every submission that got its redirect is in the database, every one that
failed got a visible error (connection error or 5xx), and resending the same form succeeds without
doubling anything. Prints a table and writes var/bench/reliability.json (one entry per mode).

Exit status 0 only when every check passes. Bounded: --max-seconds (120) for the whole run.
"""

import argparse
import json
import os
import random
import re
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
BENCH_DB = Path(__file__).resolve().with_name("bench_db.py")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PASSWORD = "bench-" + secrets.token_hex(8)
QUESTIONS = 10


class Budget:
    """The whole run has --max-seconds; every wait and request timeout comes out of what is left."""

    def __init__(self, seconds):
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds

    def left(self, cap=30.0):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the run took longer than its {self.seconds:.0f} s budget")
        return min(cap, left)


class LocalSession(requests.Session):
    """Send Secure cookies over http://127.0.0.1 too: production settings mark the session and CSRF
    cookies Secure, and the TLS proxy that would sit in front of gunicorn is not part of this bench."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


def new_session():
    return LocalSession()


def run(command, env=None, timeout=60, what=None):
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise RuntimeError(f"{what or command[0]} failed ({result.returncode}):\n" + "\n".join(tail))
    return result.stdout


def django_side(manage, env, action, args, budget):
    """Run bench_db.py inside Django through `manage.py shell -c` and return what it printed."""
    code = f"import runpy; runpy.run_path({str(BENCH_DB)!r}, run_name='__main__')"
    env = {**(env or os.environ), "BENCH_ACTION": action, "BENCH_ARGS": json.dumps(args)}
    out = run(
        [*manage, "shell", "--no-imports", "-c", code], env=env, timeout=budget.left(90), what=f"bench_db {action}"
    )
    line = next(line for line in out.splitlines() if line.startswith("BENCH_JSON:"))
    return json.loads(line[len("BENCH_JSON:") :])


# ---------------------------------------------------------------------------------------------
# A gunicorn of our own on a throwaway PostgreSQL database
# ---------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid):
    """Pids whose parent is pid, read from /proc (gunicorn's workers are the master's children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


class OwnServer:
    def __init__(self, pg_url, workers, log_path, budget):
        parts = urlsplit(pg_url)
        if parts.hostname not in LOCAL_HOSTS:
            raise SystemExit(f"--pg-url must point at 127.0.0.1 or localhost, not {parts.hostname}")
        self.admin_url = pg_url
        self.db = f"dignity_bench_{os.getpid()}_{secrets.token_hex(3)}"
        self.database_url = parts._replace(path=f"/{self.db}").geturl()
        self.workers = workers
        self.log_path = log_path
        self.budget = budget
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.static_dir = tempfile.mkdtemp(prefix="dignity-bench-static-")
        self.master = None
        self.collect = None
        self.log = None
        self.env = {
            key: value
            for key, value in os.environ.items()
            # In-process tasks and a per-worker cache: the bench measures the site, not Redis.
            if key not in {"REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="website.settings.production",
            DJANGO_SECRET_KEY="bench-" + secrets.token_urlsafe(40),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DATABASE_URL=self.database_url,
            DJANGO_STATIC_ROOT=self.static_dir,
            PYTHONUNBUFFERED="1",
        )
        self.manage = [sys.executable, "manage.py"]
        self.timings = {}

    def _admin(self, sql):
        import psycopg2

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def start(self):
        # collectstatic needs no database: it runs beside migrate and load_demo.
        collect = self.collect = subprocess.Popen(
            [*self.manage, "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started = time.monotonic()
        self._admin(f'CREATE DATABASE "{self.db}"')
        run([*self.manage, "migrate", "--noinput", "-v0"], self.env, self.budget.left(90), "migrate")
        self.timings["migrate_s"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        run([*self.manage, "load_demo", "--no-accounts", "-v0"], self.env, self.budget.left(90), "load_demo")
        self.timings["load_demo_s"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        _out, errors = collect.communicate(timeout=self.budget.left(90))
        if collect.returncode != 0:
            raise RuntimeError(f"collectstatic failed ({collect.returncode}): {errors.strip()[-500:]}")
        self.timings["collectstatic_wait_s"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.master = subprocess.Popen(
            [
                str(gunicorn),
                "website.wsgi",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        while True:
            if self.master.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.master.returncode}; see {self.log_path}")
            try:
                if requests.get(self.base_url + "/en/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            self.budget.left()
            time.sleep(0.2)
        self.timings["gunicorn_boot_s"] = round(time.monotonic() - started, 1)

    def worker_pids(self):
        return children_of(self.master.pid)

    def stop(self):
        if self.collect and self.collect.poll() is None:
            self.collect.kill()
            self.collect.wait(timeout=10)
        if self.master and self.master.poll() is None:
            self.master.send_signal(signal.SIGTERM)
            try:
                self.master.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.master.kill()
                self.master.wait(timeout=5)
        if self.log:
            self.log.close()
        try:
            self._admin(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        finally:
            subprocess.run(["rm", "-rf", self.static_dir], check=False)


# ---------------------------------------------------------------------------------------------
# Students
# ---------------------------------------------------------------------------------------------

HIDDEN = re.compile(r'<input type="hidden" name="(csrfmiddlewaretoken|quiz_form)" value="([^"]*)"')
# Since issue 16 the quiz form posts to the quiz's own submit URL, and opening it opens no attempt: the
# attempt's id is learnt from the first redirect to its result.
ACTION = re.compile(r'<form method="post" action="([^"]+)" class="quiz-form"')
RESULT = re.compile(r"/learn/attempts/(\d+)/$")
QUESTION_NAME = re.compile(r'name="q-([0-9a-f-]{36})"')


class Student:
    def __init__(self, username, answers, expected):
        self.username = username
        self.answers = answers  # {question id: choice id}
        self.expected = expected
        self.session = None
        self.form = None
        self.attempt = None
        self.submit_url = None
        self.questions_seen = 0
        self.submits = []  # one dict per POST, in the order they were sent
        self.result = None


def log_in_and_open(student, base_url, quiz_url, budget):
    session = new_session()
    page = session.get(base_url + "/en/accounts/login/", timeout=budget.left())
    token = HIDDEN.search(page.text)
    if page.status_code != 200 or token is None or "csrftoken" not in session.cookies:
        raise RuntimeError(f"login page: HTTP {page.status_code}, no CSRF token")
    response = session.post(
        base_url + "/en/accounts/login/",
        data={"login": student.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(2)},
        allow_redirects=False,
        timeout=budget.left(),
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {student.username}: HTTP {response.status_code}")
    page = session.get(base_url + quiz_url, timeout=budget.left())
    fields = dict(HIDDEN.findall(page.text))
    action = ACTION.search(page.text)
    if page.status_code != 200 or "quiz_form" not in fields or action is None:
        raise RuntimeError(f"quiz page for {student.username}: HTTP {page.status_code}, no quiz form with a token")
    student.session = session
    student.submit_url = action.group(1)
    student.questions_seen = len(set(QUESTION_NAME.findall(page.text)))
    student.form = {
        "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
        "quiz_form": fields["quiz_form"],
        **{f"q-{question}": choice for question, choice in student.answers.items()},
    }


def post_submit(student, session, base_url, quiz_url, budget, label):
    """One POST of the quiz form; returns what happened, never raises for network trouble."""
    started = time.monotonic()
    outcome = {"label": label, "sent_at": round(started, 3)}
    try:
        response = session.post(
            base_url + student.submit_url, data=student.form, allow_redirects=False, timeout=budget.left()
        )
    except requests.RequestException as error:
        outcome.update(kind="connection_error", detail=type(error).__name__)
    else:
        location = response.headers.get("Location", "")
        result = RESULT.search(location) if response.status_code == 302 else None
        if result and student.attempt in (None, int(result.group(1))):
            student.attempt = int(result.group(1))  # a second post of the form must land on the same one
            outcome.update(kind="ok", status=302)
        elif response.status_code >= 500:
            outcome.update(kind="server_error", status=response.status_code)
        else:
            outcome.update(kind="unexpected", status=response.status_code, detail=location or response.text[:200])
    outcome["seconds"] = round(time.monotonic() - started, 3)
    return outcome


def clone_session(session):
    twin = new_session()
    for cookie in session.cookies:
        twin.cookies.set_cookie(cookie)
    return twin


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 3)


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def bench(options):
    """Start our own server if asked, run each mode against it, and tear everything down."""
    budget = Budget(options.max_seconds)
    modes = ["normal", "kill_worker"] if options.both else ["kill_worker"] if options.kill_worker else ["normal"]
    server, reports = None, []
    if options.serve or options.kill_worker or options.both:
        Path("var/bench").mkdir(parents=True, exist_ok=True)
        server = OwnServer(options.pg_url, options.workers, ROOT / "var/bench/gunicorn.log", budget)
        base_url, manage, env = server.base_url, server.manage, server.env
        described = f"gunicorn website.wsgi -w {options.workers}, production settings, PostgreSQL {server.db}"
    else:
        base_url, manage, env = options.base_url.rstrip("/"), shlex.split(options.manage), None
        described = base_url
    host = urlsplit(base_url).hostname
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"refusing to send traffic to {host}: this bench talks to 127.0.0.1 only")
    try:
        if server:
            server.start()
        for number, mode in enumerate(modes):
            report = {
                "mode": mode,
                "students": options.students,
                "double_ratio": options.double_ratio,
                "server": described,
                "budget_s": options.max_seconds,
                "checks": [],
            }
            if server and number == 0:
                report.update(server.timings)  # the database and server were set up once, for the first mode
            reports.append(report)
            run_mode(mode, report, options, base_url, manage, env, server, budget)
    finally:
        if server:
            try:
                server.stop()
            except Exception as error:  # noqa: BLE001 - report, never hide the run's own outcome
                (reports[-1] if reports else {}).setdefault("teardown_errors", []).append(str(error))
    return reports


def run_mode(mode, report, options, base_url, manage, env, server, budget):
    """One run: students, quiz, log in, submit all at once (and kill a worker in kill_worker mode), check."""
    wall = time.monotonic()
    prefix = f"bench-{secrets.token_hex(3)}"
    setup = None
    try:
        started = time.monotonic()
        setup = django_side(
            manage, env, "setup", {"prefix": prefix, "students": options.students, "password": PASSWORD}, budget
        )
        report["setup_s"] = round(time.monotonic() - started, 1)
        report["quiz"] = {"id": setup["quiz_id"], "url": setup["quiz_url"], "under_lesson": setup["lesson"]}
        questions = setup["questions"]
        rng = random.Random(options.seed)
        students = []
        for username in setup["usernames"]:
            answers = {question["id"]: rng.choice(question["choices"]) for question in questions}
            expected = sum(answers[question["id"]] == question["correct"] for question in questions)
            students.append(Student(username, answers, expected))
        doubles = set(rng.sample(range(len(students)), round(options.double_ratio * len(students))))

        # 1. Log in and open the quiz (a few at a time: each login is one PBKDF2 check on the server).
        started = time.monotonic()
        with ThreadPoolExecutor(options.login_concurrency) as pool:
            failures = [
                error
                for error in pool.map(
                    lambda student: _catch(log_in_and_open, student, base_url, setup["quiz_url"], budget), students
                )
                if error
            ]
        report["login_and_open_s"] = round(time.monotonic() - started, 1)
        check(
            report, "every student logged in and got the quiz form", not failures, f"{len(failures)} failed", failures
        )
        if failures:
            return report
        seen = {student.questions_seen for student in students}
        check(report, f"the quiz form has exactly {QUESTIONS} questions", seen == {QUESTIONS}, f"saw {sorted(seen)}")

        # 2. Everyone submits at the same moment; the doubles send the same form twice at once.
        jobs = [(student, student.session, "first") for student in students]
        jobs += [(students[index], clone_session(students[index].session), "double") for index in sorted(doubles)]
        barrier = threading.Barrier(len(jobs))
        done = {"count": 0}
        lock = threading.Lock()
        kill = {}

        def submit_job(job):
            student, session, label = job
            barrier.wait(timeout=budget.left())
            outcome = post_submit(student, session, base_url, setup["quiz_url"], budget, label)
            with lock:
                student.submits.append(outcome)
                done["count"] += 1
            return outcome

        killer = None
        if mode == "kill_worker":
            kill_after = max(1, len(jobs) // 5)
            killer = threading.Thread(
                target=kill_one_worker, args=(server, done, kill_after, kill, budget), name="killer", daemon=True
            )
            killer.start()
        started = time.monotonic()
        with ThreadPoolExecutor(len(jobs)) as pool:
            outcomes = list(pool.map(submit_job, jobs))
        report["submit_burst_s"] = round(time.monotonic() - started, 2)
        if killer:
            killer.join(timeout=budget.left())
            report["kill"] = kill
        latencies = [outcome["seconds"] for outcome in outcomes if outcome["kind"] == "ok"]
        report["submit_latency_s"] = {
            "p50": percentile(latencies, 0.5),
            "p95": percentile(latencies, 0.95),
            "max": max(latencies) if latencies else None,
            "mean": round(statistics.mean(latencies), 3) if latencies else None,
        }
        kinds = {}
        for outcome in outcomes:
            kinds[outcome["kind"]] = kinds.get(outcome["kind"], 0) + 1
        report["posts"] = {"sent": len(outcomes), "first": len(students), "double": len(doubles), **kinds}

        # 3. What the database holds right after the burst, before any retry.
        failed = [student for student in students if not any(o["kind"] == "ok" for o in student.submits)]
        stored = django_side(manage, env, "verify", {"quiz_id": setup["quiz_id"]}, budget)
        ok_missing = [
            student.username
            for student in students
            if any(o["kind"] == "ok" for o in student.submits)
            and not _submitted(stored["by_student"].get(student.username), student.expected)
        ]
        check(
            report,
            "every submission that got its redirect (3xx) is in the database",
            not ok_missing,
            f"{len(students) - len(failed)} answered, {len(ok_missing)} missing",
            ok_missing,
        )
        invisible = [
            (student.username, outcome)
            for student in students
            for outcome in student.submits
            if outcome["kind"] == "unexpected"
        ]
        check(
            report,
            "every failed submission failed visibly (connection error or 5xx)",
            not invisible,
            f"{len(invisible)} answered with something else",
            invisible,
        )
        failed_posts = [(student, o) for student in students for o in list(student.submits) if o["kind"] != "ok"]
        if failed_posts:
            report["failed_before_retry"] = [
                {
                    "student": student.username,
                    "post": outcome["label"],
                    "error": outcome.get("detail") or outcome.get("status"),
                    # Whether the killed request had committed before its worker died.
                    "state_in_db": [a["state"] for a in stored["by_student"].get(student.username, [])],
                }
                for student, outcome in failed_posts
            ]

        # 4. Every POST that failed is sent again (the same form, as a student pressing Submit again would):
        # it must end on the result page, whether or not its twin or the killed request got through.
        retried = []
        for student, failed_outcome in failed_posts:
            for attempt_number in range(1, 6):
                outcome = post_submit(student, student.session, base_url, setup["quiz_url"], budget, "retry")
                outcome["try"] = attempt_number
                student.submits.append(outcome)
                if outcome["kind"] == "ok":
                    break
                time.sleep(0.5)
            retried.append((student.username, failed_outcome["label"], student.submits[-1]["kind"]))
        report["retries"] = retried
        if mode == "kill_worker" or failed_posts:
            check(
                report,
                "a retry of every failed submission succeeds",
                all(kind == "ok" for _name, _label, kind in retried),
                f"{len(retried)} failed post(s) sent again",
                retried,
            )
        if mode == "normal":
            check(report, "no submission failed (no fault injected)", not failed_posts, f"{len(failed_posts)} failed")

        # 5. Everyone sees their own result with their score.
        started = time.monotonic()
        with ThreadPoolExecutor(options.login_concurrency) as pool:
            results = list(pool.map(lambda student: _result_page(student, base_url, budget), students))
        report["result_pages_s"] = round(time.monotonic() - started, 1)
        wrong_pages = [result for result in results if result]
        check(
            report,
            "every student got their result page (200) with their score",
            not wrong_pages,
            f"{len(students) - len(wrong_pages)}/{len(students)}",
            wrong_pages,
        )

        # 6. Exactly N submitted attempts and N x 10 answers, nothing doubled, nothing lost.
        stored = django_side(manage, env, "verify", {"quiz_id": setup["quiz_id"]}, budget)
        report["database"] = {key: stored[key] for key in ("attempts", "submitted", "in_progress", "answers")}
        n = len(students)
        check(report, "exactly N submitted attempts", stored["submitted"] == n, f"{stored['submitted']} of {n}")
        check(report, "no attempt left in progress", stored["in_progress"] == 0, f"{stored['in_progress']}")
        check(
            report,
            "exactly N x 10 answers",
            stored["answers"] == n * QUESTIONS,
            f"{stored['answers']} of {n * QUESTIONS}",
        )
        wrong = [
            student.username
            for student in students
            if not (
                len(stored["by_student"].get(student.username, [])) == 1
                and _submitted(stored["by_student"][student.username], student.expected)
            )
        ]
        check(
            report,
            "one attempt per student, scored from the answers sent",
            not wrong,
            f"{n - len(wrong)}/{n}",
            wrong,
        )
        if mode == "kill_worker":
            check(report, "a gunicorn worker was SIGKILLed mid-run", bool(kill.get("killed")), kill.get("note", ""))
        return report
    finally:
        if setup is not None and server is None and not options.keep:
            try:
                django_side(manage, env, "cleanup", {"prefix": prefix, "quiz_id": setup["quiz_id"]}, Budget(60))
            except Exception as error:  # noqa: BLE001 - report, never hide the run's own outcome
                report.setdefault("teardown_errors", []).append(str(error))
        report["wall_s"] = round(time.monotonic() - wall, 1)


def _catch(function, *args):
    try:
        function(*args)
    except Exception as error:  # noqa: BLE001 - collected and reported as a failed check
        return f"{args[0].username}: {error}"
    return None


def _submitted(attempts, expected):
    return bool(attempts) and all(
        a["state"] == "submitted" and a["score"] == expected and a["answers"] == QUESTIONS for a in attempts
    )


def _result_page(student, base_url, budget):
    try:
        page = student.session.get(f"{base_url}/en/learn/attempts/{student.attempt}/", timeout=budget.left())
    except requests.RequestException as error:
        return f"{student.username}: {type(error).__name__}"
    if page.status_code != 200 or f"{student.expected} of {QUESTIONS} right" not in page.text:
        return f"{student.username}: HTTP {page.status_code}, score {student.expected} not shown"
    return None


def kill_one_worker(server, done, kill_after, kill, budget):
    """SIGKILL one gunicorn worker once kill_after submissions have been answered (others still in flight)."""
    while done["count"] < kill_after:
        if time.monotonic() > budget.deadline:
            return
        time.sleep(0.002)
    workers = server.worker_pids()
    if not workers:
        kill.update(killed=False, note="no worker found")
        return
    victim = workers[0]
    os.kill(victim, signal.SIGKILL)
    kill.update(killed=True, pid=victim, workers_before=workers, after_answers=done["count"])
    for _ in range(100):
        time.sleep(0.1)
        now = server.worker_pids()
        if victim not in now and len(now) == len(workers):
            kill.update(workers_after=now, respawned_after_s=round(0.1 * (_ + 1), 1))
            break
    kill["note"] = f"pid {victim} after {kill['after_answers']} answered"


def check(report, name, passed, detail="", evidence=None):
    entry = {"check": name, "passed": bool(passed), "detail": detail}
    if evidence and not passed:
        entry["evidence"] = evidence[:20]
    report["checks"].append(entry)


def print_summary(report):
    print(f"\n== concurrent submit: {report['mode']}, {report['students']} students · {report['server']}")
    rows = [
        ("create database + migrate", report.get("migrate_s"), "s"),
        ("load_demo --no-accounts", report.get("load_demo_s"), "s"),
        ("collectstatic (beside them), wait", report.get("collectstatic_wait_s"), "s"),
        ("gunicorn boot", report.get("gunicorn_boot_s"), "s"),
        ("bench setup (students, quiz)", report.get("setup_s"), "s"),
        ("log in + open quiz (all)", report.get("login_and_open_s"), "s"),
        ("submit burst (all posts)", report.get("submit_burst_s"), "s"),
        ("submit latency p50 / p95 / max", _triple(report.get("submit_latency_s")), "s"),
        ("result pages (all)", report.get("result_pages_s"), "s"),
        ("posts sent / ok / failed", _posts(report.get("posts")), ""),
        ("this mode, from setup to checks", report.get("wall_s"), "s"),
    ]
    for label, value, unit in rows:
        if value is not None:
            print(f"  {label:<34} {value}{(' ' + unit) if unit else ''}")
    if report.get("kill"):
        print(f"  {'worker killed':<34} {report['kill'].get('note', '')}")
    if report.get("database"):
        print(f"  {'database after':<34} {report['database']}")
    width = max(len(entry["check"]) for entry in report["checks"]) if report["checks"] else 10
    print()
    for entry in report["checks"]:
        mark = "PASS" if entry["passed"] else "FAIL"
        print(f"  {mark}  {entry['check']:<{width}}  {entry['detail']}")
        if not entry["passed"] and entry.get("evidence"):
            for item in entry["evidence"][:5]:
                print(f"        {item}")
    for error in report.get("teardown_errors", []):
        print(f"  teardown: {error}")


def _triple(latency):
    if not latency or latency.get("p50") is None:
        return None
    return f"{latency['p50']} / {latency['p95']} / {latency['max']}"


def _posts(posts):
    if not posts:
        return None
    failed = posts.get("connection_error", 0) + posts.get("server_error", 0) + posts.get("unexpected", 0)
    return f"{posts['sent']} / {posts.get('ok', 0)} / {failed}"


def write_json(report, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data.setdefault("runs", {})[report["mode"]] = {**report, "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_argument_group("where")
    target.add_argument("--base-url", default="http://127.0.0.1:8000", help="a running server (127.0.0.1 only)")
    target.add_argument("--manage", default=f"{sys.executable} manage.py", help="manage.py prefix, same database")
    target.add_argument("--serve", action="store_true", help="start gunicorn on a throwaway PostgreSQL database")
    target.add_argument("--kill-worker", action="store_true", help="--serve, and SIGKILL a worker mid-run")
    target.add_argument(
        "--both", action="store_true", help="--serve, then run the normal and the kill-worker mode on one database"
    )
    target.add_argument(
        "--pg-url",
        default=os.environ.get("DIGNITY_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL server for --serve (a database on it to connect to for CREATE/DROP DATABASE)",
    )
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--double-ratio", type=float, default=0.2, help="share of students who submit twice")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers with --serve")
    parser.add_argument("--login-concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--json", default="var/bench/reliability.json")
    parser.add_argument("--keep", action="store_true", help="keep the bench students and quiz (external server)")
    options = parser.parse_args(argv)
    os.chdir(ROOT)
    started = time.monotonic()
    try:
        reports = bench(options)
    except (TimeoutError, RuntimeError) as error:
        print(f"concurrent_submit: {error}", file=sys.stderr)
        return 2
    for report in reports:
        print_summary(report)
        write_json(report, options.json)
    print(f"\n  whole script: {time.monotonic() - started:.1f} s; written to {options.json}")
    passed = all(report["checks"] and all(entry["passed"] for entry in report["checks"]) for report in reports)
    return 0 if reports and passed else 1


if __name__ == "__main__":
    sys.exit(main())
