"""Settings come from the environment with safe embedded defaults; production refuses to start
without its secrets, in one line."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.no_demo

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "prepare": settings.DATABASES["default"].get("PREPARE_STATEMENTS"),
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "media": str(settings.MEDIA_ROOT),
    "user_model": settings.AUTH_USER_MODEL,
    "image_model": settings.WAGTAILIMAGES_IMAGE_MODEL,
    "i18n": settings.WAGTAIL_I18N_ENABLED,
    "languages": [code for code, _ in settings.LANGUAGES],
}))
"""

DEPLOYMENT_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "EMAIL_HOST",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DIGNITY_VAR_DIR",
    "DJANGO_MEDIA_ROOT",
)


def clean_env(**overrides):
    env = {key: value for key, value in os.environ.items() if key not in DEPLOYMENT_VARIABLES}
    env.update(overrides)
    return env


def settings_in(module, **overrides):
    env = clean_env(DJANGO_SETTINGS_MODULE=module, **overrides)
    code = "import django; django.setup();" + PRINT_SETTINGS
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_defaults_need_nothing_installed():
    values = settings_in("website.settings.dev")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].startswith(str(ROOT / "var"))
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True
    assert values["email"].endswith("console.EmailBackend")
    assert values["media"] == str(ROOT / "var" / "media")


def test_day_one_decisions():
    values = settings_in("website.settings.dev")
    assert values["user_model"] == "users.User"
    assert values["image_model"] == "lessons.CurriculumImage"
    assert values["i18n"] is True
    assert values["languages"] == ["ko", "en"]


def test_database_url_switches_to_postgresql():
    values = settings_in("website.settings.dev", DATABASE_URL="postgres://someone@db.invalid:5432/dignity")
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "dignity"


def production_on_postgresql(**extra):
    return settings_in(
        "website.settings.production",
        DATABASE_URL="postgres://someone@db.invalid:5432/dignity",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="dignity.example",
        **extra,
    )


def test_production_uses_the_postgresql_backend_that_skips_needless_health_checks():
    # website/db/postgresql: no SELECT 1 before a request on a connection that answered a moment ago.
    values = production_on_postgresql()
    assert values["engine"] == "website.db.postgresql"
    assert values["prepare"] is True  # the lesson state's statement, planned once per connection


@pytest.mark.parametrize(
    "setting",
    [{"DATABASE_PGBOUNCER_TRANSACTION": "1"}, {"DATABASE_CONN_MAX_AGE": "0"}],
    ids=["behind PgBouncer in transaction mode", "a connection per request"],
)
def test_production_prepares_no_statement_where_the_session_does_not_last(setting):
    values = production_on_postgresql(**setting)
    assert values["engine"] == "website.db.postgresql"
    assert values["prepare"] is False


def test_redis_url_switches_cache_and_broker():
    values = settings_in("website.settings.dev", REDIS_URL="redis://127.0.0.1:6379/3")
    assert values["cache"].endswith("RedisCache")
    assert values["broker"] == "redis://127.0.0.1:6379/3"
    assert values["eager"] is False


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_without_secret_key():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="website.settings.production", DJANGO_ALLOWED_HOSTS="dignity.example"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_refuses_without_allowed_hosts():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="website.settings.production", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_starts_with_both():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="website.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="dignity.example",
    )
    assert result.returncode == 0, result.stderr


def test_unreachable_database_is_one_clear_line():
    # Port 9 (discard) on loopback: nothing listens there.
    result = run_manage(
        "check_database",
        DJANGO_SETTINGS_MODULE="website.settings.dev",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
