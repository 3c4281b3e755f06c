"""Every migration of our apps goes back to zero and forward again on a seeded database.

Runs in subprocesses against throwaway databases, never the test session's database (which holds
the demo content the other tests read): one database is migrated and seeded with the full demo
(content, accounts and the demo class with its quiz attempts) once, then each app gets its own copy
to take to zero (with everything that depends on it) and forward again. Data in the apps that were
not touched must come through unchanged.

The throwaway databases are SQLite files, or PostgreSQL databases (copies made with CREATE DATABASE
… TEMPLATE) when DATABASE_URL points at PostgreSQL, so CI's two runs cover both. docs/reliability.md
lists what each migration would lock on PostgreSQL.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT

OUR_APPS = ["users", "support", "lessons", "quizzes", "classrooms", "schools", "website"]

# app: (the error that stops its round trip today, why). Each is an xfail(strict): when it is fixed the
# test says so, and the entry goes.
KNOWN_IRREVERSIBLE = {
    "users": (
        r'Cannot query "Permission object',
        "users to zero takes every Wagtail app back with it, and Wagtail's own wagtailimages.0023 reverse fails "
        "(ValueError: Cannot query 'Permission object': Must be 'Permission' instance)",
    ),
}


class KnownIrreversible(Exception):
    """The round trip failed with exactly the error KNOWN_IRREVERSIBLE expects for this app."""


ROUND_TRIP = r"""
import json, sys
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

app = APP

def counts():
    found = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if table in connection.introspection.table_names():
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                found[model._meta.label] = cursor.fetchone()[0]
    return found

def plan(targets):
    return [f"{m.app_label}.{m.name}" for m, _backwards in MigrationExecutor(connection).migration_plan(targets)]

loader = MigrationExecutor(connection).loader
before = counts()
backwards = plan([(app, None)])
report = {"backwards": backwards}
try:
    call_command("migrate", app, "zero", verbosity=0, interactive=False)
    report["zero_ok"] = True
    call_command("migrate", verbosity=0, interactive=False)
    report["forward_ok"] = True
except Exception as error:
    chain = []
    while error is not None:  # the first error, not only the TransactionManagementError it leaves behind
        chain.append(f"{type(error).__name__}: {str(error)[:300]}")
        error = error.__cause__ or error.__context__
    report["error"] = " <- ".join(chain)
    print("ROUND_TRIP:" + json.dumps(report))
    raise SystemExit(0)
report["pending"] = plan(loader.graph.leaf_nodes())
after = counts()
touched = {label.split(".")[0] for label in backwards}
report["changed_elsewhere"] = {
    label: [before[label], after.get(label)]
    for label in before
    if apps.get_model(label)._meta.app_label not in touched and before[label] != after.get(label)
}
report["rows_before"] = sum(before.values())
call_command("check", verbosity=0)
print("ROUND_TRIP:" + json.dumps(report))
"""


def manage(env, *args, timeout=240):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def base_env():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "website.settings.test"
    return env


class SQLiteFiles:
    def __init__(self, folder):
        self.folder = folder

    def seed_url(self):
        return f"sqlite:///{self.folder / 'seeded.sqlite3'}"

    def copy(self, name):
        shutil.copyfile(self.folder / "seeded.sqlite3", self.folder / f"{name}.sqlite3")
        return f"sqlite:///{self.folder / name}.sqlite3"

    def close(self):
        pass


class PostgresCopies:
    def __init__(self, url):
        import psycopg2

        self.url = urlsplit(url)
        self.prefix = f"dignity_migtest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.admin = psycopg2.connect(self.url._replace(path="/postgres").geturl())
        self.admin.autocommit = True
        self.made = []

    def create(self, name, template=None):
        with self.admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.made.append(name)
        return self.url._replace(path=f"/{name}").geturl()

    def seed_url(self):
        return self.create(f"{self.prefix}_seed")

    def copy(self, name):
        return self.create(f"{self.prefix}_{name}", template=f"{self.prefix}_seed")

    def close(self):
        with self.admin.cursor() as cursor:
            for name in reversed(self.made):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.close()


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """Where the seeded database lives, and how to get a fresh copy of it for one app."""
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme in {"postgres", "postgresql"}:
        store = PostgresCopies(url)
    else:
        store = SQLiteFiles(tmp_path_factory.mktemp("migrations"))
    try:
        env = {**base_env(), "DATABASE_URL": store.seed_url()}
        for args in (("migrate", "--noinput", "-v0"), ("load_demo", "-v0")):
            result = manage(env, *args)
            assert result.returncode == 0, result.stderr[-2000:]
        yield store
    finally:
        store.close()


@pytest.mark.parametrize(
    "app",
    [
        pytest.param(
            app, marks=pytest.mark.xfail(strict=True, raises=KnownIrreversible, reason=KNOWN_IRREVERSIBLE[app][1])
        )
        if app in KNOWN_IRREVERSIBLE
        else app
        for app in OUR_APPS
    ],
)
def test_app_migrates_to_zero_and_back_on_a_seeded_database(app, databases):
    env = {**base_env(), "DATABASE_URL": databases.copy(app)}
    result = manage(env, "shell", "--no-imports", "-c", ROUND_TRIP.replace("APP", repr(app)))
    assert result.returncode == 0, result.stderr[-3000:]
    line = next((line for line in result.stdout.splitlines() if line.startswith("ROUND_TRIP:")), None)
    assert line, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(line[len("ROUND_TRIP:") :])
    if app in KNOWN_IRREVERSIBLE and re.search(KNOWN_IRREVERSIBLE[app][0], report.get("error", "")):
        raise KnownIrreversible(report["error"])
    assert "error" not in report, report["error"]
    assert any(name.startswith(f"{app}.") for name in report["backwards"]), report
    assert report["zero_ok"] and report["forward_ok"]
    assert report["pending"] == [], f"still unapplied after going forward: {report['pending']}"
    assert report["changed_elsewhere"] == {}, f"rows changed in apps that were not migrated: {report}"
    assert report["rows_before"] > 1000  # it really was seeded
