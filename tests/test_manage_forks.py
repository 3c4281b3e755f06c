"""tests/manage_forks.py, which the browser tests and journeys use to run manage.py commands: each command behaves as
if `manage.py` had been started for it alone (its output, its exit code, no state from the command before)."""

import os
import subprocess

import pytest

from tests.conftest import ROOT
from tests.manage_forks import ManageForks

pytestmark = pytest.mark.no_demo


@pytest.fixture
def forks(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "website.settings.test"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'forks.sqlite3'}"
    running = ManageForks(env, ROOT)
    yield running
    running.close()


def test_a_command_gives_its_output_and_exit_code(forks):
    done = forks("shell", "-c", "import sys; print('to stdout'); print('to stderr', file=sys.stderr)")
    assert done.returncode == 0
    assert done.stdout.strip().splitlines()[-1] == "to stdout"
    assert "to stderr" in done.stderr

    with pytest.raises(subprocess.CalledProcessError) as failed:
        forks("shell", "-c", "raise SystemExit(3)")
    assert failed.value.returncode == 3

    crashed = forks("shell", "-c", "raise ValueError('broken on purpose')", check=False)
    assert crashed.returncode == 1
    assert "ValueError: broken on purpose" in crashed.stderr


def test_each_command_starts_from_the_same_clean_state(forks):
    """A module attribute set, a random number drawn and a database connection opened by one command are not
    there for the next, and each command runs in a process of its own."""
    script = (
        "import os, random, django.conf; from django.db import connection;"
        "print(getattr(django.conf, 'left_by_an_earlier_command', None), connection.connection is None,"
        " os.getpid(), random.random());"
        "django.conf.left_by_an_earlier_command = 'yes'; connection.ensure_connection()"
    )
    first = forks("shell", "-c", script).stdout.strip().splitlines()[-1].split()
    second = forks("shell", "-c", script).stdout.strip().splitlines()[-1].split()
    assert first[:2] == second[:2] == ["None", "True"]
    assert first[2] != second[2]  # two processes
    assert first[3] != second[3]  # not the same pseudo-random sequence


def test_a_management_command_runs_against_the_database_of_its_environment(forks, tmp_path):
    forks("migrate", "--noinput", "users")
    count = forks("shell", "-c", "from users.models import User; print(User.objects.count())")
    assert count.stdout.strip().splitlines()[-1] == "0"
    assert (tmp_path / "forks.sqlite3").exists()
