"""Steps several journeys share: signing in from the front page, a teacher's new class, joining with a code,
answering a demo quiz, and the labels a person reads in their language (looked up in the site's own catalogue, so
a journey reads what the page says in Korean or English).

Journeys read the demo curriculum's YAML (titles, questions, which choices are right): they walk the demo.
"""

import datetime

import yaml

from django.utils import translation

from tests.live import ROOT


def say(text, language="ko"):
    """`text` as the site shows it in `language`."""
    with translation.override(language):
        return translation.gettext(text)


def sign_in(page, username, password, language="ko"):
    """From the front page: the header's "Log in" link, then the form."""
    page.get_by_role("link", name=say("Log in", language), exact=True).first.click()
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def create_class(page, name, school, band="middle_school", language="ko", under_14=False):
    """On "My classes": make a class for a new school; returns the code shown on the class page."""
    page.get_by_role("link", name=say("My classes", language), exact=True).first.click()
    page.get_by_role("link", name=say("Create a class", language)).click()
    page.get_by_label(say("Class name", language), exact=True).fill(name)
    page.get_by_label(say("Audience band", language), exact=True).select_option(band)
    if under_14:
        page.get_by_label(say("Some students in this class are under 14", language)).check()
    page.get_by_label(say("New school's name", language), exact=True).fill(school)
    page.get_by_role("button", name=say("Create class", language)).click()
    page.get_by_role("heading", name=name, level=1).wait_for()
    return page.locator("#join-code").inner_text().strip()


DEMO = ROOT / "demo" / "curriculum"
PASSWORD = "journey-pass-2026"


def demo_yaml(module_dir, name, language="ko"):
    return yaml.safe_load((DEMO / module_dir / f"{name}.{language}.yaml").read_text(encoding="utf-8"))


def log_in_from_front_page(person, username, password=PASSWORD):
    page = person.start("ko")
    sign_in(page, username, password)
    return page


def assign(page, option_label):
    """On the class page: Assign from the curriculum → pick one item → Assign."""
    page.get_by_role("link", name="교육과정에서 배정하기").click()
    page.get_by_label("배정할 항목").select_option(label=option_label)
    page.get_by_role("button", name="배정하기").click()
    page.get_by_text("배정했어요.").wait_for()


def join_with_code(person, code, username):
    """A new student: front page → Join a class → code → account. Lands on My learning."""
    page = person.start("ko")
    page.get_by_role("link", name="학급 참여하기").first.click()
    page.get_by_label("학급 코드").fill(code)
    page.get_by_role("button", name="계속하기").click()
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD)
    page.get_by_role("button", name="계정 만들고 참여하기").click()
    page.get_by_role("heading", name="내 학습", level=1).wait_for()
    return page


def answer_quiz(page, quiz, right=True):
    """Answer every scored question of a demo quiz (right or wrong) by clicking its choices, then submit."""
    questions = page.locator("ol.questions > li fieldset")
    for position, question in enumerate(quiz["questions"]):
        if question["type"].startswith("reflection"):
            continue
        fieldset = questions.nth(position)
        choices = [c for c in question["choices"] if bool(c.get("correct")) == right]
        if not right:
            choices = choices[:1]
        for choice in choices:
            fieldset.get_by_label(str(choice["text"]).strip(), exact=True).check()
    page.get_by_role("button", name="답 제출하기").click()
    page.wait_for_url("**/learn/attempts/*/")


def scored_count(quiz):
    return len([q for q in quiz["questions"] if not q["type"].startswith("reflection")])


def today():
    return datetime.date.today().isoformat()
