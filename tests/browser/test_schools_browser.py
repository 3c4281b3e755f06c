"""A school's pages in Chromium (issue 19): axe-core 0 serious/critical on every new page type, nothing wider than
a 320 px screen, the pages work without JavaScript, and the annual report prints to an A4 PDF with the school in it.
"""

import io
import re
import textwrap
import uuid
import zlib

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in

PASSWORD = "browser-pass-2026"


def make_school(server_manage, prefix, school_name, class_name, grade, section, then=""):
    """A coordinator (who signs in with PASSWORD) of a new school with one class they teach; `then` is run
    next in the same shell, with `User`, `user`, `school`, `room` and `suffix` defined."""
    suffix = uuid.uuid4().hex[:6]
    script = textwrap.dedent(
        f"""
        from datetime import timedelta
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model
        from django.utils import timezone
        from classrooms.models import Assignment, Classroom, Enrollment, School
        from lessons.models import LessonPage, ModulePage
        from schools.models import SchoolMembership
        suffix = "{suffix}"
        User = get_user_model()
        user = User(username="{prefix}-{suffix}", account_type="teacher", email="{prefix}-{suffix}@school.example")
        user.set_password("{PASSWORD}")
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        school = School.objects.create(name="{school_name} {suffix}", region="서울 마포구")
        SchoolMembership.objects.create(school=school, user=user, role="coordinator")
        room = Classroom.objects.create(
            school=school, name="{class_name}", audience_band="middle_school", grade={grade}, section={section}
        )
        room.teachers.add(user)
        """
    )
    server_manage("shell", "-c", script + textwrap.dedent(then))
    return {"username": f"{prefix}-{suffix}", "name": f"{school_name} {suffix}"}


@pytest.fixture
def school(server_manage):
    """A coordinator who also teaches a class of the school, with one module assigned this school year."""
    then = """
        student = User.objects.create(username=f"printed-{suffix}", display_name="별빛")
        Enrollment.objects.create(classroom=room, student=student)
        module = ModulePage.objects.live().get(slug="deepfakes-and-ai", locale__language_code="ko")
        Assignment.objects.create(classroom=room, page=module, opens_at=timezone.now() - timedelta(days=1),
                                  due_at=timezone.now() + timedelta(days=7))
        """
    return make_school(server_manage, "coord", "인쇄중학교", "2학년 1반", 2, 1, then)


def class_list():
    workbook = Workbook()
    for row in (("학년", "반", "번호", "별명"), (2, 1, 1, "달빛"), (2, 1, 2, None)):
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return {"name": "명단.xlsx", "mimeType": "application/octet-stream", "buffer": out.getvalue()}


def narrow_enough(page):
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 320)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    assert width <= 320, f"{page.url} is {width}px wide at 320px: {wide}"


def test_every_school_page_type_passes_axe_and_fits_320px(live_site, context_factory, school):
    page = context_factory(viewport={"width": 320, "height": 700}).new_page()
    log_in(page, live_site, school["username"], PASSWORD)
    checked = []

    def check(name):
        # A click that navigates returns once the new page has committed, not once it has loaded: wait for the
        # page itself before counting (CI once counted an empty document here).
        page.wait_for_load_state("load")
        expect(page.locator("[data-quick-exit]").first).to_be_attached()
        assert_accessible(page)
        narrow_enough(page)
        checked.append(name)

    page.goto(live_site + "/ko/teach/")
    page.get_by_role("link", name="내 학교").click()
    check("my schools")
    page.get_by_role("link", name=school["name"]).click()
    check("dashboard")
    dashboard = page.url
    page.get_by_role("link", name="연간 보고서").click()
    check("report")
    page.goto(dashboard)
    page.get_by_role("link", name=re.compile("학급 명단 가져오기")).first.click()
    check("roster upload")
    page.get_by_label("학급 명단(CSV 또는 엑셀 .xlsx)").set_input_files(class_list())
    page.get_by_role("button", name="미리 보기").click()
    page.get_by_role("button", name="가져오기").wait_for()
    check("roster preview")
    page.get_by_role("button", name="가져오기").click()
    page.get_by_role("button", name="로그인 카드 인쇄하기").wait_for()
    check("roster done")
    page.get_by_role("link", name="2학년 1반").first.click()
    page.goto(live_site + "/ko/teach/school/find/?q=인쇄중학교")
    assert page.get_by_role("heading", name=school["name"]).count() == 1
    check("find school")
    assert len(checked) == 7


def test_the_pages_work_without_javascript(live_site, context_factory, school):
    page = context_factory(java_script_enabled=False).new_page()
    log_in(page, live_site, school["username"], PASSWORD)
    page.goto(live_site + "/en/teach/school/")
    page.get_by_role("link", name=school["name"]).click()
    page.get_by_role("link", name="Annual report").click()
    page.get_by_label("Coordinator's name").fill("홍길동")
    page.get_by_label("Title", exact=True).fill("생활안전부장")
    page.get_by_role("button", name="Sign off the report").click()
    assert "Signed off by 홍길동 (생활안전부장)" in page.locator("#sign-off").inner_text()


def pdf_title(data):
    """The document title Chromium writes into the PDF's Info dictionary (UTF-16 with a BOM, literal or hex)."""
    match = re.search(rb"/Title\s*<([0-9A-Fa-f]+)>", data)
    if match:
        raw = bytes.fromhex(match.group(1).decode())
    else:
        match = re.search(rb"/Title\s*\((.*?)(?<!\\)\)", data, re.S)
        raw = re.sub(rb"\\(.)", rb"\1", match.group(1))
    return raw.decode("utf-16") if raw[:2] in (b"\xfe\xff", b"\xff\xfe") else raw.decode("latin-1")


def test_the_annual_report_prints_to_an_a4_pdf_with_the_school_in_it(live_site, context_factory, school):
    page = context_factory().new_page()
    log_in(page, live_site, school["username"], PASSWORD)
    page.goto(live_site + "/ko/teach/school/")
    page.get_by_role("link", name=school["name"]).click()
    page.get_by_role("link", name="연간 보고서").click()
    page.emulate_media(media="print")
    # Printing hides the site's header, the help bar and the sign-off form; the report itself stays.
    expect(page.locator(".site-header")).not_to_be_visible()
    expect(page.get_by_role("button", name="보고서 결재하기")).not_to_be_visible()
    expect(page.locator("table.report-classes")).to_be_visible()
    # Print the page once it and its fonts have loaded (a PDF printed earlier held no text once, on a busy machine).
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")
    data = page.pdf(prefer_css_page_size=True)
    assert data.startswith(b"%PDF")
    assert school["name"] in pdf_title(data)
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert 1 <= pages <= 4
    # A4 is 595 x 842 points.
    sizes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert sizes and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in sizes)
    # The text is there too: the content streams hold glyphs, and there is more than an empty page of them.
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)
    text_ops = 0
    for stream in streams:
        try:
            text_ops += zlib.decompress(stream).count(b"Tj")
        except zlib.error:
            continue
    assert text_ops > 20


@pytest.fixture
def scored_school(server_manage):
    """A coordinator's school whose class has a module assigned and 6 students: 5 took its pre-test and post-test
    (enough for a distribution) and 3 completed it."""
    then = """
        from quizzes.attempts import open_attempt, submit
        from quizzes.models import QuizPage
        from tests.quiz_forms import answers
        module = ModulePage.objects.live().get(slug="deepfakes-and-ai", locale__language_code="ko")
        pre = QuizPage.objects.child_of(module).live().get(kind="pre_test")
        post = QuizPage.objects.child_of(module).live().get(kind="post_test")
        lesson = LessonPage.objects.live().get(slug="what-deepfakes-are", locale__language_code="ko")
        for page in (pre, module, post):
            Assignment.objects.create(classroom=room, page=page, opens_at=timezone.now() - timedelta(days=1),
                                      due_at=timezone.now() + timedelta(days=7))

        for n in range(6):
            student = User.objects.create(username=f"chart-{suffix}-{n}", display_name=f"학생{n}")
            Enrollment.objects.create(classroom=room, student=student)
            if n < 5:
                submit(open_attempt(student, pre), answers(pre, right=n % 2 == 0))
                submit(open_attempt(student, post), answers(post, True))
            if n < 3:
                submit(open_attempt(student, lesson.check_quiz()), answers(lesson.check_quiz(), True))
        """
    return make_school(server_manage, "chart", "그래프중학교", "1학년 2반", 1, 2, then)


def test_the_dashboard_charts_pass_axe_and_fit_320px(live_site, context_factory, scored_school):
    page = context_factory(viewport={"width": 320, "height": 700}, has_touch=True).new_page()
    log_in(page, live_site, scored_school["username"], PASSWORD)
    page.goto(live_site + "/ko/teach/")
    page.get_by_role("link", name="내 학교").click()
    page.get_by_role("link", name=scored_school["name"]).click()
    completion = page.locator("figure#school-completion")
    distribution = page.locator("figure#school-distribution-1")
    assert completion.locator("svg[role=img]").count() == 1
    assert distribution.locator("svg[role=img]").count() == 1
    # The fallback tables: this week 3 of 6 completed; 5 students in each of the pre and post distributions.
    assert completion.locator("tbody tr").last.locator("td").inner_text() == "50"
    post_counts = distribution.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert sum(int(count) for count in post_counts) == 5
    page.screenshot(path="var/journeys/school-dashboard-charts-320.png", full_page=True)
    assert_accessible(page)
    narrow_enough(page)
