"""A real server for browser and journey tests (shared by tests/browser/ and tests/journeys/, so the
whole run starts one server and one browser): its own database (SQLite file, or a fresh PostgreSQL database
when DATABASE_URL points at PostgreSQL), migrated and loaded with the demo, served by runserver,
driven by Debian's Chromium through Playwright."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from playwright.sync_api import expect

from tests.manage_forks import ManageForks

ROOT = Path(__file__).resolve().parent.parent

# Playwright's expect() retries for 5 s by default; as long as any other wait here (the contexts below), so that an
# assertion on the page a click leads to waits for that page on a busy machine instead of reading the old one.
expect.set_options(timeout=30_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _browser_database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.sqlite3'}"
    import psycopg2

    parsed = urlparse(url)
    # One database per pytest-xdist worker (gw0, gw1): each worker runs its own live server.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{parsed.path.lstrip('/') or 'dignity'}_browser" + (f"_{worker}" if worker else "")
    admin = psycopg2.connect(urlunparse(parsed._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunparse(parsed._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="website.settings.test",
        DATABASE_URL=_browser_database_url(tmp_path_factory),
        DIGNITY_VAR_DIR=str(tmp_path_factory.mktemp("browser-var")),
        PYTHONUNBUFFERED="1",
    )
    # The server runs tasks in-process, like `make run`.
    env.pop("CELERY_BROKER_URL", None)
    env.pop("REDIS_URL", None)
    return env


@pytest.fixture(scope="session")
def server_manage(server_env):
    """`server_manage("shell", "-c", script)` runs `manage.py shell -c script` against the live server's database,
    in a fork of one process that has set Django up already (tests/manage_forks.py): about a second less each."""
    forks = ManageForks(server_env, ROOT)
    yield forks
    forks.close()


@pytest.fixture(scope="session")
def live_site(server_env, server_manage, neutral_site):
    server_manage("migrate", "--noinput")
    server_manage("load_demo")
    # Quick Exit leads to the local stand-in from the start: set before the server runs, so no page
    # it caches for anonymous readers (its page cache is in its own memory) has another destination.
    server_manage(
        "shell",
        "-c",
        (
            "from wagtail.models import Site; from support.models import SafetySettings; "
            "s = SafetySettings.for_site(Site.objects.get(is_default_site=True)); "
            f"s.quick_exit_url = '{neutral_site}'; s.save()"
        ),
    )
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        cwd=ROOT,
        # PORT: WAGTAILADMIN_BASE_URL follows it, as under `make run` (the user bar links to the admin by it).
        env={**server_env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/ko/help/quick-exit/", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the test server did not start") from None
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context_factory(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        # Nothing in a test should wait long: fail within seconds instead of hanging the run. A page load may
        # take longer than an element: on the slowest machine of our kind (a bare Django view at a quarter of the
        # usual speed) submitting a quiz for review in Wagtail took more than 15 s under the full suite.
        context.set_default_timeout(30_000)
        context.set_default_navigation_timeout(45_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(context_factory):
    return context_factory().new_page()


def assert_accessible(page):
    """axe-core: no serious or critical violations on the page as it is now.

    axe runs as a script, so it needs a context with JavaScript on; no-JS tests check behaviour only.
    """
    from axe_playwright_python.sync_playwright import Axe

    # After a click that navigates, axe must run on the new page once it has loaded, not on a document
    # still being torn down or built.
    page.wait_for_load_state("load")
    results = Axe().run(page)
    violations = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(
            node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
            for node in violation["nodes"][:3]
        )
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


def log_in(page, live_site, username, password):
    """Sign in through the site's own login form, as a person would."""
    page.goto(live_site + "/en/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture(scope="session")
def neutral_site(tmp_path_factory):
    """A stand-in for Quick Exit's neutral destination (no outside network here): another local site.

    Shared by tests/browser/ and tests/journeys/."""
    folder = tmp_path_factory.mktemp("neutral")
    (folder / "index.html").write_text("<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()


@pytest.fixture(scope="session")
def exit_to_neutral_site(live_site, neutral_site):
    """Quick Exit's configured destination (SafetySettings.quick_exit_url) in the live server."""
    return neutral_site
