"""Journeys: a person walks a loop through the real UI, from the front page, by clicking and typing.

Rules every journey keeps (DESIGN.md, "Proof is a journey"):
- it starts at the site's front page (`person.start()`); no URL is typed beyond it;
- it only clicks and types; no direct POST, no ORM shortcut except `create_account` for the
  accounts a journey starts from (run inside the live server's own database);
- it runs at a phone (390×844, touch) and a desktop (1366×900) viewport: the `device` fixture is
  parametrised, so every journey runs twice;
- it asserts what the person sees at the end.

Screenshots land in var/journeys/ (`person.shot("name")`) so a reviewer can look at every step.
Journeys may read demo/ text (titles, questions), and say so: they walk the demo curriculum.
"""

import itertools
import json
import textwrap

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.live import ROOT

pytestmark = pytest.mark.browser

DEVICES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}

SHOTS = ROOT / "var" / "journeys"
_unique = itertools.count(1)


@pytest.fixture(params=list(DEVICES), ids=list(DEVICES))
def device(request):
    return request.param


class Person:
    """One person in their own browser (own cookies), at the journey's device."""

    def __init__(self, page, live_site, device, role):
        self.page = page
        self.live_site = live_site
        self.device = device
        self.role = role

    def start(self, language="ko"):
        """Open the front page: the only URL a journey types. Then switch language by clicking."""
        self.page.goto(self.live_site + f"/{language}/")
        return self.page

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        # A click that submits a form starts a navigation; a screenshot taken while the old
        # document is being torn down fails ("Unable to capture screenshot"). Wait for the new one.
        self.page.wait_for_load_state("load")
        self.page.screenshot(path=str(SHOTS / f"{self.role}-{name}-{self.device}.png"), full_page=False)

    def settled_evaluate(self, expression, tries=20):
        """Evaluate once the page has loaded. A click on a link returns before the next document commits:
        evaluated in between, the new document may have no root element yet, or the old one's context is
        gone. Wait for `load` and ask again (CI once failed on 'null (reading scrollWidth)')."""
        for attempt in range(tries):
            self.page.wait_for_load_state("load")
            try:
                ready = "document.documentElement && document.readyState === 'complete'"
                value = self.page.evaluate(f"{ready} ? ({expression}) : null")
            except PlaywrightError:
                if attempt == tries - 1:
                    raise
                value = None
            if value is not None:
                return value
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{self.page.url} never finished loading")

    def assert_fits(self):
        """Nothing on the page is wider than the viewport."""
        width = self.settled_evaluate("document.documentElement.scrollWidth")
        viewport = self.page.viewport_size["width"]
        assert width <= viewport, f"{self.page.url} is {width}px wide on a {viewport}px screen"


@pytest.fixture
def person(context_factory, live_site, device):
    """person("teacher") → a Person in a fresh browser context at the journey's device."""

    def make(role, locale="ko-KR", javascript=True):
        context = context_factory(locale=locale, java_script_enabled=javascript, **DEVICES[device])
        return Person(context.new_page(), live_site, device, role)

    return make


@pytest.fixture
def unique():
    """A short suffix that keeps names made by one journey apart from every other's."""
    return lambda prefix: f"{prefix}{next(_unique)}{id(object()) % 10_000}"


@pytest.fixture
def create_account(server_manage):
    """Create an account in the live server's database: the one shortcut a journey may take.

    kind: "student", "teacher" (verified email) or "editor"/"moderator" (Wagtail groups).
    """

    def create(kind, username, password="journey-pass-2026", **fields):
        script = textwrap.dedent(
            f"""
            import json
            from allauth.account.models import EmailAddress
            from django.contrib.auth import get_user_model
            from django.contrib.auth.models import Group
            kind, username, password, fields = json.loads({json.dumps(json.dumps([kind, username, password, fields]))})
            account_type = {{"editor": "staff", "moderator": "staff"}}.get(kind, kind)
            email = fields.pop("email", "" if kind == "student" else username + "@school.example")
            user = get_user_model()(username=username, account_type=account_type, email=email, **fields)
            user.set_password(password)
            user.save()
            if email:
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if kind in ("editor", "moderator"):
                user.groups.add(Group.objects.get(name=kind.capitalize() + "s"))
            """
        )
        server_manage("shell", "-c", script)
        return username, password

    return create
