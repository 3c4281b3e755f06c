"""The plan of the house (issue 17): the README's dependency sentence, the import-linter contracts in
pyproject.toml and the apps in INSTALLED_APPS say the same thing, and the code keeps to it.

These tests need no database.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from django.conf import settings

from tests.conftest import ROOT

pytestmark = pytest.mark.no_demo

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in PYPROJECT["contracts"]}


def readme_dependencies():
    """The paragraph that starts "Dependencies point one way", as (layers top first, users' line)."""
    text = (ROOT / "README.md").read_text()
    paragraph = re.search(r"^Dependencies point one way.*?(?=\n\n)", text, re.S | re.M).group(0)
    paragraph = " ".join(paragraph.split())
    chain = re.search(r": (`\w+`(?: (?:→|\|) `\w+`)+)\.", paragraph).group(1)
    layers = [{name.strip(" `") for name in layer.split("|")} for layer in chain.split("→")]
    return layers, paragraph


def contract_layers():
    """The layers contract, top first, each a set of app names; "(schools)" is an optional layer."""
    return [{name.strip(" ()") for name in layer.split("|")} for layer in CONTRACTS["layers"]["layers"]]


def test_the_readme_names_the_layers_of_the_contract_in_the_same_order():
    layers, _paragraph = readme_dependencies()
    assert layers == contract_layers()


def test_users_depends_on_nothing_of_ours_in_the_readme_and_the_contract():
    _layers, paragraph = readme_dependencies()
    assert "`users` → nothing of ours" in paragraph
    users = CONTRACTS["users"]
    assert users["type"] == "forbidden" and users["source_modules"] == ["users"]
    ours = set(PYPROJECT["root_packages"]) - {"users"}
    assert set(users["forbidden_modules"]) == ours


def test_every_app_of_ours_is_in_the_contracts():
    """A new app of ours must be placed in the plan: in root_packages and in a layer (or be users)."""
    ours = {
        app
        for app in settings.INSTALLED_APPS
        if "." not in app and (ROOT / app / "apps.py").exists() and (ROOT / app).resolve().parent == ROOT
    }
    assert ours <= set(PYPROJECT["root_packages"]), "add the new app to [tool.importlinter] root_packages"
    layered = set().union(*contract_layers()) | {"users"}
    assert set(PYPROJECT["root_packages"]) <= layered


def test_the_code_keeps_the_contracts():
    """What `make check` runs: lazy imports inside functions count too."""
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_quiz_kinds_lessons_spell_by_name_are_the_quiz_kinds():
    """lessons do not import quizzes, so they spell two QuizPage kinds themselves: they must stay equal."""
    from lessons.models import POST_TEST_KIND, PRACTICE_KIND
    from quizzes.models import QuizPage

    assert PRACTICE_KIND == QuizPage.Kind.PRACTICE
    assert POST_TEST_KIND == QuizPage.Kind.POST_TEST


# Test files that still read the demo content loaded for the session (issue 17: each is to build what it needs
# from tests/factories.py, be marked no_demo, and leave this list). The demo loader's own tests and the migration
# round trips (which load the demo themselves) stay here for good. Journeys and browser tests walk the demo site.
STILL_ON_THE_DEMO = {
    "test_demo_loader.py",
    "test_demo_content.py",
    "test_demo_schema.py",
    "test_migrations.py",
}


def test_every_other_test_file_builds_what_it_needs():
    """A new test file is marked no_demo (and `make test-without-demo` proves it); a converted one leaves the list."""
    unmarked, stale = [], []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        marked = "pytest.mark.no_demo" in path.read_text(encoding="utf-8")
        if not marked and path.name not in STILL_ON_THE_DEMO:
            unmarked.append(path.name)
        if marked and path.name in STILL_ON_THE_DEMO:
            stale.append(path.name)
    assert not unmarked, f"mark these no_demo (tests/factories.py builds what they need): {unmarked}"
    assert not stale, f"these are marked no_demo: take them off STILL_ON_THE_DEMO: {stale}"
