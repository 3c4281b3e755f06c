"""`make bench` and `make bench-smoke`: the site against a bare Django view, on one throwaway database.

One command, bounded in time, traffic to 127.0.0.1 only:

1. create a throwaway PostgreSQL database; migrate; load the demo; collect static files;
   seed the scale dataset (`manage.py seed_scale`, bulk inserts, timed); write sessions for the
   simulated students (bench/prepare.py);
2. start gunicorn (2 sync workers) with bench/settings.py: production settings plus /bench/hello/;
3. run Locust headless once per scenario against that one server (bench/locustfile.py): the bare
   hello view (the baseline), an anonymous lesson, a signed-in student's lesson, a quiz submission,
   the teacher's progress matrix for 30 and 300 students, a student login, then all of it at once
   with 100 users (the bell); sample every gunicorn worker's memory all along;
4. time each request in-process, one at a time, with its query count (bench/profile.py);
5. print the table with the targets, write JSON under var/bench/, stop gunicorn, drop the database.

Run with the project's virtualenv: `.venv/bin/python -m bench.run [--smoke]`.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

PROFILES = {
    "full": {
        "scale": 1.0,
        "seconds": 30,
        "matrix_seconds": 20,
        "school_seconds": 50,  # long enough to show whether allauth's per-address login limit bites
        "mixed_seconds": 90,
        "budget": 15 * 60,
    },
    "smoke": {
        "scale": 0.02,
        "seconds": 2,
        "matrix_seconds": 2,
        "school_seconds": 2,
        "mixed_seconds": 6,
        "budget": 3 * 60,
    },
}

# key, label, Locust user classes, the request whose numbers the row shows, concurrency ("users", "matrix" or
# "mixed"), and which duration of the profile applies
SCENARIOS = [
    ("baseline", "bare Django hello view (baseline)", ["Hello"], "baseline: hello", "users", "seconds"),
    ("anon_lesson", "lesson page, anonymous", ["AnonymousLesson"], "lesson: anonymous", "users", "seconds"),
    ("student_lesson", "lesson page, signed-in student", ["StudentLesson"], "lesson: student", "users", "seconds"),
    ("quiz", "quiz submission (open, then submit)", ["QuizSubmission"], "quiz: submit", "users", "seconds"),
    ("matrix30", "progress matrix, class of 30", ["Matrix30"], "matrix: 30 students", "matrix", "matrix_seconds"),
    ("matrix300", "progress matrix, class of 300", ["Matrix300"], "matrix: 300 students", "matrix", "matrix_seconds"),
    ("login", "student login (form, then sign in)", ["StudentLogin"], "login", "users", "seconds"),
    ("card_login", "student sign-in with a printed card", ["CardLogin"], "card: sign in", "users", "seconds"),
    (
        "login_school",
        "student login, one school address",
        ["StudentLoginOneSchool"],
        "login, one school address",
        "users",
        "school_seconds",
    ),
    (
        "mixed",
        "the bell: all of the above at once",
        ["MixedStudent", "MixedLogin", "MixedAnonymous", "MixedTeacher"],
        None,
        "mixed",
        "mixed_seconds",
    ),
]

# Throughput targets, as a fraction of the baseline's requests per second.
# Issue 16's targets (its stretch: student lesson 0.5x, quiz 0.3x, 60 logins/s, the bell in 10 s).
RATIO_TARGETS = {"anon_lesson": 0.8, "student_lesson": 0.3, "quiz": 0.15}
MATRIX_TARGET = 3.0
MATRIX300_P50_MS = 40
LOGIN_TARGET_RPS = 30
BELL_TARGET_S = 20
RSS_TARGET_MB = 200
MIXED_FAILURE_TARGET = 0.01


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Budget:
    def __init__(self, seconds):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def left(self, cap=None):
        left = self.deadline - time.monotonic()
        if left <= 5:
            raise TimeoutError(f"the run went over its {self.seconds:.0f} s budget")
        return left if cap is None else min(cap, left)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, env, timeout, what, capture=False):
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout, text=True, capture_output=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise RuntimeError(f"{what} failed with exit status {result.returncode}")
    seconds = time.monotonic() - started
    log(f"{what}: {seconds:.1f} s")
    return (result.stdout if capture else None), seconds


# ----------------------------------------------------------------------------- processes, CPU and memory


def read_processes():
    """pid -> (command name, parent pid, own CPU seconds, CPU seconds of its reaped children)."""
    processes = {}
    for process in psutil.process_iter(["name", "ppid", "cpu_times"]):
        info, times = process.info, process.info["cpu_times"]
        if times is None:  # gone or not ours to read
            continue
        own, reaped = times.user + times.system, times.children_user + times.children_system
        processes[process.pid] = (info["name"], info["ppid"], own, reaped)
    return processes


def children_of(pid, processes=None):
    processes = processes if processes is not None else read_processes()
    return [child for child, (_comm, parent, _own, _reaped) in processes.items() if parent == pid]


def status_kb(pid, field):
    # Read from /proc, not psutil: psutil has no peak resident size (VmHWM), and one reader serves both fields.
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def machine_busy_seconds():
    """CPU seconds all cores spent busy since boot (not idle, not waiting for disk)."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + times.irq + times.softirq + times.steal


class Sampler(threading.Thread):
    """Every 0.25 s: each gunicorn worker's VmRSS and VmHWM, and where the machine's CPU went.

    CPU is split into the gunicorn workers (live workers plus any the master has reaped), PostgreSQL
    (live backends plus those the postmaster has reaped: with DATABASE_CONN_MAX_AGE=0 every request
    has its own), Locust, and everything else on the machine (other people's tests, for one).
    """

    def __init__(self, master_pid):
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.locust_pid = None
        self.peaks = {}  # worker pid -> {"rss_kb": peak VmRSS seen, "hwm_kb": VmHWM}
        self.snapshots = []  # (epoch seconds, {"workers", "postgres", "locust", "busy"})
        self.stop_event = threading.Event()

    def sample(self):
        processes = read_processes()
        workers = children_of(self.master_pid, processes)
        for pid in workers:
            rss, hwm = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
            if rss is None:
                continue
            peak = self.peaks.setdefault(pid, {"rss_kb": 0, "hwm_kb": 0})
            peak["rss_kb"] = max(peak["rss_kb"], rss)
            peak["hwm_kb"] = max(peak["hwm_kb"], hwm or 0)
        master = processes.get(self.master_pid)
        postgres = [pid for pid, info in processes.items() if info[0] == "postgres"]
        postmasters = [pid for pid in postgres if processes.get(processes[pid][1], ("",))[0] != "postgres"]
        locust = processes.get(self.locust_pid) if self.locust_pid else None
        self.snapshots.append(
            (
                time.time(),
                {
                    "workers": sum(processes[pid][2] for pid in workers) + (master[3] if master else 0.0),
                    "postgres": sum(processes[pid][2] for pid in postgres)
                    + sum(processes[pid][3] for pid in postmasters),
                    "locust": locust[2] if locust else 0.0,
                    "busy": machine_busy_seconds(),
                },
            )
        )

    def run(self):
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(0.25)

    def stop(self):
        self.stop_event.set()
        self.join(timeout=5)
        self.sample()

    def cpu_percent(self, start, end):
        """% of one core used by each group between two epoch times (the load of one scenario)."""
        inside = [snapshot for snapshot in self.snapshots if start <= snapshot[0] <= end]
        if len(inside) < 2:
            return None
        (t0, first), (t1, last) = inside[0], inside[-1]
        wall = t1 - t0
        used = {key: max(0.0, last[key] - first[key]) for key in first}
        if "locust" in used and first["locust"] == 0.0:
            used["locust"] = 0.0  # Locust's pid was not known yet at the first snapshot
        others = used["busy"] - used["workers"] - used["postgres"] - used["locust"]
        return {
            "gunicorn_workers": round(100 * used["workers"] / wall),
            "postgres": round(100 * used["postgres"] / wall),
            "locust": round(100 * used["locust"] / wall),
            "everything_else": round(100 * max(0.0, others) / wall),
            "machine_busy": round(100 * used["busy"] / wall),
            "seconds": round(wall, 1),
        }


# ----------------------------------------------------------------------------- the server under test


class Server:
    def __init__(self, args, workdir, budget):
        parts = urlsplit(args.pg_url)
        if parts.hostname not in LOCAL_HOSTS:
            raise SystemExit(f"--pg-url must point at 127.0.0.1 or localhost, not {parts.hostname}")
        redis = urlsplit(args.redis_url)
        if redis.hostname not in LOCAL_HOSTS:
            raise SystemExit(f"--redis-url must point at 127.0.0.1 or localhost, not {redis.hostname}")
        self.args = args
        self.admin_url = args.pg_url
        self.db = f"dignity_perf_{os.getpid()}_{secrets.token_hex(3)}"
        self.database_url = parts._replace(path=f"/{self.db}").geturl()
        self.workdir = workdir
        self.budget = budget
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.static_dir = workdir / "static"
        self.master = None
        self.log = None
        self.db_created = False
        self.fixtures = workdir / "fixtures.json"
        keep = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
        for key in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DIGNITY_VAR_DIR"):
            keep.pop(key, None)
        self.env = {
            **keep,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(self.static_dir),
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": args.redis_url,
            "BENCH_CACHE_PREFIX": f"{self.db}-cache",
            "PYTHONUNBUFFERED": "1",
        }
        if os.environ.get("DATABASE_CONN_MAX_AGE"):
            self.env["DATABASE_CONN_MAX_AGE"] = os.environ["DATABASE_CONN_MAX_AGE"]
        self.manage = [sys.executable, "manage.py"]

    def _admin(self, sql):
        import psycopg2

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def delete_cache_keys(self):
        """Only this run's keys: the Redis may be shared, so nothing else in it is touched."""
        import redis

        client = redis.Redis.from_url(self.args.redis_url)
        keys = list(client.scan_iter(match=f"{self.env['BENCH_CACHE_PREFIX']}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
        return len(keys)

    def prepare(self, scale):
        timings = {}
        started = time.monotonic()
        self._admin(f'CREATE DATABASE "{self.db}"')
        self.db_created = True
        _, timings["migrate_s"] = run(
            [*self.manage, "migrate", "--noinput", "-v0"], self.env, self.budget.left(180), "migrate"
        )
        _, timings["load_demo_s"] = run(
            [*self.manage, "load_demo", "-v0"], self.env, self.budget.left(180), "load_demo"
        )
        _, timings["collectstatic_s"] = run(
            [*self.manage, "collectstatic", "--noinput", "-v0"], self.env, self.budget.left(120), "collectstatic"
        )
        self.manifest = self.workdir / "manifest.json"
        output, timings["seed_s"] = run(
            [*self.manage, "seed_scale", "--scale", str(scale), "--manifest", str(self.manifest)],
            self.env,
            self.budget.left(600),
            f"seed_scale --scale {scale}",
            capture=True,
        )
        print(output.rstrip(), flush=True)
        output, timings["sessions_s"] = run(
            [sys.executable, "-m", "bench.prepare", str(self.manifest), str(self.fixtures)],
            self.env,
            self.budget.left(120),
            "sessions",
            capture=True,
        )
        timings["database_total_s"] = round(time.monotonic() - started, 1)
        return timings

    def start(self):
        started = time.monotonic()
        self.log = open(self.workdir / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.master = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "website.wsgi",
                "--workers",
                str(self.args.workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        while True:
            if self.master.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.master.returncode}; see {self.workdir}/gunicorn.log")
            try:
                with urllib.request.urlopen(self.base_url + "/bench/hello/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            self.budget.left()
            time.sleep(0.2)
        seconds = time.monotonic() - started
        log(f"gunicorn ({self.args.workers} sync workers) answering on {self.base_url} after {seconds:.1f} s")
        return seconds

    def warm_up(self):
        """Load every template and code path in both workers before anything is measured."""
        fixtures = json.loads(self.fixtures.read_text())
        teacher = {"Cookie": f"sessionid={fixtures['teacher_session']}"}
        student = {"Cookie": f"sessionid={fixtures['sessions']['mixed'][-1]}"}
        urls = [("/bench/hello/", {}), (fixtures["login"], {})]
        urls += [(url, {}) for url in fixtures["lessons"]] + [(url, student) for url in fixtures["lessons"][:3]]
        urls += [(url, teacher) for url in fixtures["matrix"].values()]
        for _round in range(4):
            for url, headers in urls:
                request = urllib.request.Request(self.base_url + url, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        response.read()
                except OSError:
                    pass  # an error page warms up too; the scenarios count errors

    def stop(self):
        if self.master and self.master.poll() is None:
            self.master.send_signal(signal.SIGTERM)
            try:
                self.master.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.master.kill()
                self.master.wait(timeout=5)
        if self.log:
            self.log.close()

    def drop(self):
        if self.db_created:
            self._admin(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            self.db_created = False
            log(f"dropped database {self.db}")
        shutil.rmtree(self.static_dir, ignore_errors=True)
        shutil.rmtree(self.workdir / "media", ignore_errors=True)
        if self.fixtures.exists():
            self.fixtures.unlink()  # session keys of a database that no longer exists
        try:
            log(f"deleted this run's {self.delete_cache_keys()} cache keys from Redis")
        except Exception as error:  # noqa: BLE001 - cleanup goes on
            log(f"could not delete this run's cache keys from Redis: {error}")


# ----------------------------------------------------------------------------- Locust


def run_scenario(server, scenario, settings, sampler, budget):
    key, label, classes, _main, users_kind, seconds_kind = scenario
    users = {"users": settings["users"], "matrix": settings["matrix_users"], "mixed": settings["mixed_users"]}[
        users_kind
    ]
    seconds = settings[seconds_kind]
    result_file = server.workdir / f"{key}.json"
    env = {
        **server.env,
        "BENCH_FIXTURES": str(server.fixtures),
        "BENCH_RESULT": str(result_file),
        "BENCH_MIXED_WAIT": settings["mixed_wait"],
    }
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        server.base_url,
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--json-file",
        str(server.workdir / f"{key}.locust"),
        *classes,
    ]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler.locust_pid = process.pid
    try:
        output, _ = process.communicate(timeout=min(seconds + 60, budget.left()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise TimeoutError(f"Locust did not finish {key} in time") from None
    finally:
        sampler.locust_pid = None
    (server.workdir / f"{key}.log").write_text(output or "")
    if not result_file.exists():
        sys.stderr.write(output[-4000:])
        raise RuntimeError(f"Locust wrote no result for {key} (exit status {process.returncode})")
    result = json.loads(result_file.read_text())
    result.update(
        key=key,
        label=label,
        users=users,
        seconds=seconds,
        wall_seconds=round(time.monotonic() - started, 1),
        cpu_percent=sampler.cpu_percent(result["window"]["start"], result["window"]["end"])
        if result.get("window")
        else None,
    )
    main = result["rows"].get(scenario[3]) if scenario[3] else result["total"]
    total = result["total"]
    if main:
        log(
            f"{label}: {main['rps']:.1f} req/s, p50 {main['p50_ms']:.0f} ms, p95 {main['p95_ms']:.0f} ms, "
            f"{total['failures']} failed of {total['requests']}, {total['server_errors']} server errors"
        )
    else:
        log(f"{label}: no request of that name succeeded or failed; see {server.workdir}/{key}.log")
    return result


# ----------------------------------------------------------------------------- the table


def verdict(ok):
    return "pass" if ok else "MISS"


def evaluate(results, memory):
    base = results["baseline"]["rows"].get("baseline: hello")
    base_rps = base["rps"] if base else 0.0
    rows, targets = [], []

    def main_row(key):
        scenario = next(item for item in SCENARIOS if item[0] == key)
        result = results.get(key)
        if not result:
            return None, None
        return result, (result["rows"].get(scenario[3]) if scenario[3] else result["total"])

    for key, label, *_rest in SCENARIOS:
        result, row = main_row(key)
        if result is None:
            continue
        total = result["total"]
        entry = {
            "key": key,
            "scenario": label,
            "users": result["users"],
            "rps": row["rps"] if row else 0.0,
            "p50_ms": row["p50_ms"] if row else None,
            "p95_ms": row["p95_ms"] if row else None,
            "requests": total["requests"],
            "failed": total["failures"],
            "server_errors": total["server_errors"],
            "ratio": (row["rps"] / base_rps) if row and base_rps else None,
            "target": "",
            "result": "",
        }
        if key in RATIO_TARGETS:
            entry["target"] = f">= {RATIO_TARGETS[key]}x baseline"
            entry["result"] = verdict(
                entry["ratio"] is not None and entry["ratio"] >= RATIO_TARGETS[key] and not total["failures"]
            )
            targets.append((f"{label} >= {RATIO_TARGETS[key]}x baseline", entry["result"]))
        if key == "mixed":
            failed_share = total["failures"] / total["requests"] if total["requests"] else 1.0
            ok = total["server_errors"] == 0 and failed_share < MIXED_FAILURE_TARGET
            entry["target"] = "0 5xx, < 1% failed"
            entry["result"] = verdict(ok)
            entry["failed_share"] = failed_share
            targets.append(
                (
                    f"{result['users']} users: 0 server errors and < 1 % failed "
                    f"({total['server_errors']} server errors, {100 * failed_share:.2f} % failed)",
                    entry["result"],
                )
            )
        rows.append(entry)

    small, large = results.get("matrix30"), results.get("matrix300")
    if small and large:
        label = "progress matrix"
        _, small_row = main_row("matrix30")
        _, large_row = main_row("matrix300")
        broken = small["total"]["failures"] or large["total"]["failures"]
        ratio = large_row["p50_ms"] / small_row["p50_ms"] if small_row and large_row and small_row["p50_ms"] else None
        ok = ratio is not None and ratio <= MATRIX_TARGET and not broken
        note = f"p50 {ratio:.2f}x" if ratio is not None else "not measured"
        if broken:
            note += ", but the pages failed"
        targets.append((f"{label}: 300 students <= {MATRIX_TARGET:.0f}x the time of 30 ({note})", verdict(ok)))
        rows.append(
            {
                "key": "matrix_ratio",
                "scenario": f"{label}: 300 / 30 (p50)",
                "ratio_300_30": ratio,
                "target": f"<= {MATRIX_TARGET:.0f}x",
                "result": verdict(ok),
            }
        )

    _, large_row = main_row("matrix300")
    if large_row and large_row["p50_ms"] is not None:
        ok = large_row["p50_ms"] <= MATRIX300_P50_MS and not results["matrix300"]["total"]["failures"]
        targets.append(
            (f"progress matrix, 300 students: p50 <= {MATRIX300_P50_MS} ms ({large_row['p50_ms']} ms)", verdict(ok))
        )
    _, login_row = main_row("login")
    if login_row:
        ok = login_row["rps"] >= LOGIN_TARGET_RPS and not results["login"]["total"]["failures"]
        targets.append((f"password sign-in >= {LOGIN_TARGET_RPS}/s ({login_row['rps']:.1f}/s)", verdict(ok)))

    peak_mb = max((peak["rss_kb"] for peak in memory.values()), default=0) / 1024
    hwm_mb = max((peak["hwm_kb"] for peak in memory.values()), default=0) / 1024
    worst = max(peak_mb, hwm_mb)
    targets.append(
        (f"gunicorn worker peak RSS <= {RSS_TARGET_MB} MB (worst {worst:.0f} MB)", verdict(worst <= RSS_TARGET_MB))
    )
    rows.append(
        {
            "key": "rss",
            "scenario": "worker peak RSS (MB)",
            "rss_mb": round(worst, 1),
            "target": f"<= {RSS_TARGET_MB} MB",
            "result": verdict(worst <= RSS_TARGET_MB),
        }
    )
    return rows, targets, base_rps


def fmt(value, pattern="{:.0f}"):
    return "-" if value is None else pattern.format(value)


def print_table(rows, targets, memory, results, seeding, scale, bell):
    header = (
        f"{'scenario':<38} {'users':>5} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'failed':>12} {'5xx':>5} "
        f"{'x base':>7}  {'target':<22} result"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        if "rps" in row:
            failed = f"{row['failed']}/{row['requests']}"
            print(
                f"{row['scenario']:<38} {row['users']:>5} {row['rps']:>8.1f} {fmt(row['p50_ms']):>7} "
                f"{fmt(row['p95_ms']):>7} {failed:>12} {row['server_errors']:>5} {fmt(row['ratio'], '{:.3f}'):>7}  "
                f"{row['target']:<22} {row['result']}"
            )
        elif "ratio_300_30" in row:
            print(
                f"{row['scenario']:<38} {'':>5} {'':>8} {'':>7} {'':>7} {'':>12} {'':>5} "
                f"{fmt(row['ratio_300_30'], '{:.2f}'):>7}  {row['target']:<22} {row['result']}"
            )
        else:
            print(
                f"{row['scenario']:<38} {'':>5} {row['rss_mb']:>8.1f} {'':>7} {'':>7} {'':>12} {'':>5} {'':>7}  "
                f"{row['target']:<22} {row['result']}"
            )
    print()
    print("Targets:")
    for text, result in targets:
        print(f"  [{result:^4}] {text}")
    print()
    print("Gunicorn workers (peak over the whole run):")
    for pid, peak in sorted(memory.items()):
        print(f"  pid {pid}: peak VmRSS {peak['rss_kb'] / 1024:.1f} MB, VmHWM {peak['hwm_kb'] / 1024:.1f} MB")
    print()
    print(f"CPU while each scenario's load ran (% of one core; {os.cpu_count()} cores = {100 * os.cpu_count()} %):")
    for key, *_rest in SCENARIOS:
        cpu = results.get(key, {}).get("cpu_percent")
        if cpu:
            print(
                f"  {key:<20} gunicorn workers {cpu['gunicorn_workers']:>4} %, postgres {cpu['postgres']:>4} %, "
                f"locust {cpu['locust']:>4} %, everything else {cpu['everything_else']:>4} %"
            )
    errors = [(key, error) for key, result in results.items() for error in result.get("errors", [])]
    if errors:
        print()
        print("Failures:")
        for key, error in errors[:20]:
            print(f"  {key}: {error['method']} {error['name']}: {error['error']} x{error['occurrences']}")
    wraps = {key: result["pool_wraps"] for key, result in results.items() if result.get("pool_wraps")}
    if wraps:
        print(f"  (student pools came round again, so some students retook the quiz: {wraps})")
    print()
    counts = seeding.get("counts", {})
    print(
        f"Data: scale {scale}: {counts.get('schools')} schools, {counts.get('classes')} classes, "
        f"{counts.get('students', 0):,} students, {counts.get('lesson_progress', 0):,} lesson-progress rows, "
        f"{counts.get('quiz_attempts', 0):,} quiz attempts; seeded in {seeding.get('seconds')} s."
    )
    if bell:
        print(
            f"A school of {bell['students']} at the bell, one step after another on this server: sign in "
            f"{bell['login_s']:.0f} s, open the lesson {bell['lesson_s']:.0f} s, open and submit the quiz "
            f"{bell['quiz_s']:.0f} s: about {bell['total_s']:.0f} s. Behind one school address, allauth's "
            f"login limit ({bell['login_limit']}/min per IP) {_limit_effect(bell)}."
        )
        if "card_login_s" in bell:
            print(
                f"With printed sign-in cards (no password hash): sign in {bell['card_login_s']:.0f} s, "
                f"about {bell['total_with_cards_s']:.0f} s in all, and no per-address login limit applies."
            )
        one = bell.get("one_address")
        if one:
            print(
                f"Measured behind one address: {one['signed_in']} of {one['attempts']} sign-ins went through in "
                f"{one['seconds']:.0f} s, {one['refused_429']} were refused with 429 Too Many Requests."
            )


def _limit_effect(bell):
    if bell["login_limit_s"] >= 0.5:
        return f"alone makes sign-in take at least {bell['login_limit_s']:.0f} s"
    return f"does not hold it back: {bell['students']} sign-ins fit in one minute's allowance"


def _login_limit_per_minute():
    """allauth's per-address login limit as the site sets it ("600/m/ip" -> 600)."""
    from website.settings.base import ACCOUNT_RATE_LIMITS

    for part in ACCOUNT_RATE_LIMITS["login"].split(","):
        amount, period, *scope = part.split("/")
        if scope == ["ip"] and period == "m":
            return int(amount)
    raise ValueError(f"no per-minute, per-address login limit in {ACCOUNT_RATE_LIMITS['login']!r}")


LOGIN_LIMIT_PER_MINUTE = _login_limit_per_minute()


def bell_estimate(results, seeding):
    counts = seeding.get("counts", {})
    if not counts.get("schools"):
        return None
    students = round(counts["students"] / counts["schools"])

    def rps(key, name):
        row = results.get(key, {}).get("rows", {}).get(name)
        return row["rps"] if row and row["rps"] and not results[key]["total"]["failures"] else None

    login, lesson, quiz = rps("login", "login"), rps("student_lesson", "lesson: student"), rps("quiz", "quiz: submit")
    if not (login and lesson and quiz):
        return None
    estimate = {
        "students": students,
        "login_s": students / login,
        "lesson_s": students / lesson,
        "quiz_s": students / quiz,
        "login_limit": LOGIN_LIMIT_PER_MINUTE,
        "login_limit_s": max(0, students - LOGIN_LIMIT_PER_MINUTE) / LOGIN_LIMIT_PER_MINUTE * 60,
    }
    estimate["total_s"] = estimate["login_s"] + estimate["lesson_s"] + estimate["quiz_s"]
    card = rps("card_login", "card: sign in")
    if card:  # the same school signing in with printed cards: no password hash at all
        estimate["card_login_s"] = students / card
        estimate["total_with_cards_s"] = estimate["card_login_s"] + estimate["lesson_s"] + estimate["quiz_s"]
    school = results.get("login_school")
    row = school["rows"].get("login, one school address") if school else None
    if row and school.get("window"):
        seconds = school["window"]["end"] - school["window"]["start"]
        estimate["one_address"] = {
            "signed_in": row["statuses"].get("302", 0),
            "refused_429": row["statuses"].get("429", 0),
            "attempts": row["requests"],
            "seconds": round(seconds, 1),
        }
    return estimate


def machine():
    model = ""  # psutil does not name the CPU model: /proc/cpuinfo does
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version()}


# ----------------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny scale and ~20 s of load, for a quick check")
    parser.add_argument("--scale", type=float, help="seed_scale --scale (default 1, or 0.02 with --smoke)")
    parser.add_argument("--seconds", type=int, help="seconds per scenario")
    parser.add_argument("--mixed-seconds", type=int, help="seconds for the mixed run")
    parser.add_argument("--users", type=int, default=10, help="simulated users per single scenario")
    parser.add_argument("--matrix-users", type=int, default=2, help="teachers at once (2: one per worker)")
    parser.add_argument("--mixed-users", type=int, default=100, help="simulated users in the mixed run")
    parser.add_argument("--mixed-wait", default="0.5,2.5", help="think time range of mixed users, seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--only", help="comma-separated scenario keys to run (the baseline always runs)")
    parser.add_argument("--budget", type=int, help="abort after this many seconds (default 900, smoke 180)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a database on the local PostgreSQL to connect to for CREATE/DROP DATABASE (BENCH_PG_URL)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="the local Redis for the cache; only this run's keys are deleted afterwards (BENCH_REDIS_URL)",
    )
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"), help="where the JSON goes")
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process query counts")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)

    profile = dict(PROFILES["smoke" if args.smoke else "full"])
    for name in ("scale", "seconds", "mixed_seconds", "budget"):
        if getattr(args, name) is not None:
            profile[name] = getattr(args, name)
    if args.seconds is not None:
        profile["matrix_seconds"] = profile["school_seconds"] = args.seconds
    settings = {
        **profile,
        "users": args.users,
        "matrix_users": args.matrix_users,
        "mixed_users": args.mixed_users,
        "mixed_wait": args.mixed_wait,
        "workers": args.workers,
    }
    kind = "smoke" if args.smoke else "bench"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out)
    workdir = out / f"{kind}-{stamp}"
    workdir.mkdir(parents=True, exist_ok=True)
    budget = Budget(profile["budget"])
    chosen = [item for item in SCENARIOS if not args.only or item[0] == "baseline" or item[0] in args.only.split(",")]
    log(f"{kind}: scale {profile['scale']}, budget {profile['budget']} s, work files in {workdir}")

    server = Server(args, workdir, budget)
    memory, results, seeding, timings, in_process = {}, {}, {}, {}, {}
    sampler = None
    started = time.monotonic()
    try:
        timings = server.prepare(profile["scale"])
        seeding = json.loads(server.manifest.read_text())
        seeding.pop("pool_students", None)
        timings["gunicorn_boot_s"] = round(server.start(), 1)
        sampler = Sampler(server.master.pid)
        sampler.start()
        server.warm_up()
        for scenario in chosen:
            results[scenario[0]] = run_scenario(server, scenario, settings, sampler, budget)
        sampler.stop()
        memory = sampler.peaks
        if not args.no_profile:
            try:
                run(
                    [sys.executable, "-m", "bench.profile", str(server.fixtures), str(workdir / "profile.json")],
                    server.env,
                    budget.left(180),
                    "in-process profile",
                )
                in_process = json.loads((workdir / "profile.json").read_text())
            except (RuntimeError, subprocess.TimeoutExpired, OSError) as error:
                log(f"in-process profile skipped: {error}")
    finally:
        if sampler and sampler.is_alive():
            sampler.stop()
            memory = sampler.peaks
        server.stop()
        server.drop()

    rows, targets, base_rps = evaluate(results, memory)
    bell = bell_estimate(results, seeding)
    if bell:
        fastest = min(bell["total_s"], bell.get("total_with_cards_s", bell["total_s"]))
        targets.append(
            (
                f"a school of {bell['students']} at the bell <= {BELL_TARGET_S} s "
                f"({bell['total_s']:.0f} s with passwords, {bell.get('total_with_cards_s', 0):.0f} s with cards)",
                verdict(fastest <= BELL_TARGET_S),
            )
        )
    print_table(rows, targets, memory, results, seeding, profile["scale"], bell)
    if in_process:
        print()
        print("One request at a time, in-process (bench/profile.py): median of 5")
        print(f"  {'request':<40} {'queries':>7} {'SQL ms':>7} {'total ms':>8}")
        for name, row in in_process["requests"].items():
            print(f"  {name:<40} {row['queries']:>7} {row['sql_ms']:>7.1f} {row['total_ms']:>8.1f}")
    report = {
        "kind": kind,
        "started_utc": stamp,
        "command": "make bench-smoke" if args.smoke else "make bench",
        "machine": machine(),
        "settings": settings,
        "scale": profile["scale"],
        "seeding": seeding,
        "setup_seconds": timings,
        "baseline_rps": base_rps,
        "table": rows,
        "targets": [{"target": text, "result": result} for text, result in targets],
        "worker_memory": {str(pid): peak for pid, peak in memory.items()},
        "bell": bell,
        "scenarios": results,
        "in_process": in_process,
        "wall_seconds": round(time.monotonic() - started, 1),
    }
    path = out / f"{kind}-{stamp}.json"
    path.write_text(json.dumps(report, indent=1, default=str))
    shutil.copyfile(path, out / f"{kind}-latest.json")
    print()
    log(f"wrote {path} (and {kind}-latest.json); whole run {report['wall_seconds']:.0f} s")
    missed = [text for text, result in targets if result != "pass"]
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
