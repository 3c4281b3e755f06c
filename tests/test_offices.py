"""The education office's view (issue 19 #5): a region's aggregates, never a student, every count under 5 hidden
with complementary suppression, the same rule in the CSV and XLSX, charts only for groups of 5 or more."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from classrooms.models import Classroom, Enrollment, School
from classrooms.progress import mark_completed
from offices.models import OfficeStaff, office_regions
from offices.report import REGION, region_report, school_key
from offices.suppression import COMPLEMENTARY, PRIMARY, VISIBLE
from quizzes.models import QuizPage
from tests.conftest import client_for
from tests.factories import LessonPageFactory, ModulePageFactory, QuizPageFactory
from tests.test_learning_loop import assign, take

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

REGION_NAME = "서울 강남"


def module_for_two_bands():
    """A Korean module for middle and high schools: its pre-test, one lesson for each band, its post-test."""
    module = ModulePageFactory(for_middle_school=True, for_high_school=True)
    QuizPageFactory(parent=module, kind=QuizPage.Kind.PRE_TEST, pass_mark=0)
    lesson = LessonPageFactory(parent=module, audience="middle_school")
    high_lesson = LessonPageFactory(parent=module, audience="high_school")
    QuizPageFactory(parent=module, kind=QuizPage.Kind.POST_TEST)
    return module, lesson, high_lesson


@pytest.fixture
def region(make_teacher, make_user):
    """Three middle schools with classes of 4, 6 and 7, a high school of 8, and a school in another region."""
    module, lesson, high_lesson = module_for_two_bands()
    teacher = make_teacher("office-teacher")
    schools, students = {}, {}
    plan = [
        ("Small Middle", "middle", "middle_school", 4, 3, lesson, REGION_NAME),
        ("Mid Middle", "middle", "middle_school", 6, 2, lesson, REGION_NAME),
        ("Big Middle", "middle", "middle_school", 7, 7, lesson, REGION_NAME),
        ("Only High", "high", "high_school", 8, 5, high_lesson, REGION_NAME),
        ("Elsewhere Middle", "middle", "middle_school", 9, 9, lesson, "부산"),
    ]
    for name, level, band, size, done, band_lesson, region_name in plan:
        school = School.objects.create(name=name, level=level, region=region_name)
        classroom = Classroom.objects.create(school=school, name=f"{name} 1반", audience_band=band)
        classroom.teachers.add(teacher)
        assign(classroom, module)
        members = [make_user(f"{name.replace(' ', '-').lower()}-{n}") for n in range(size)]
        for number, student in enumerate(members):
            Enrollment.objects.create(classroom=classroom, student=student)
            if number < done:
                mark_completed(student, band_lesson)
        schools[name], students[name] = school, members
    return module, schools, students


def staff(make_user, username, region_name):
    user = make_user(username, account_type="staff")
    OfficeStaff.objects.create(user=user, region=f" {region_name} ")
    return user


def test_office_staff_are_given_a_region_in_the_admin_model(make_user):
    user = staff(make_user, "office-a", REGION_NAME)
    assert office_regions(user) == [REGION_NAME]  # spaces around the region are dropped
    assert office_regions(make_user("nobody")) == []


def test_a_class_of_four_is_suppressed_and_so_is_its_complement(region):
    module, schools, _students = region
    report = region_report(REGION_NAME)
    key = module.translation_key
    small = report.completion[(school_key(schools["Small Middle"].pk), key)]
    partner = report.completion[(school_key(schools["Mid Middle"].pk), key)]
    big = report.completion[(school_key(schools["Big Middle"].pk), key)]
    assert (small.students, small.status) == (4, PRIMARY)
    # The level total (17) is shown: so the next smallest middle school is hidden too, and the 4 cannot be
    # worked out as 17 − 6 − 7.
    assert (partner.students, partner.status) == (6, COMPLEMENTARY)
    assert big.status == VISIBLE and (big.students, big.completed) == (7, 7)
    middle = report.completion[(("level", "middle"), key)]
    assert (middle.students, middle.completed, middle.status) == (17, 12, VISIBLE)
    whole = report.completion[(REGION, key)]
    assert (whole.students, whole.completed, whole.status) == (25, 17, VISIBLE)
    # The other region's school is not in this region's report at all.
    assert "Elsewhere Middle" not in [row.label for row in report.rows]


def test_the_page_shows_less_than_five_and_never_a_student(region, make_user):
    _module, _schools, students = region
    office = staff(make_user, "office-b", REGION_NAME)
    for language, heading in (("ko", "교육청"), ("en", "Education office")):
        response = client_for(office).get(f"/{language}/office/")
        html = response.content.decode()
        assert response.status_code == 200 and heading in html
        row = re.search(r"Small Middle</a></th>\s*<td>(.*?)</td>", html, re.S).group(1)
        assert "&lt; 5" in row
        partner = re.search(r"Mid Middle</a></th>\s*<td>(.*?)</td>", html, re.S).group(1)
        assert "✱" in partner and "6" not in partner and "2" not in partner
        assert "7 / 7" in html or "7명 중 7명" in html or "7 of 7" in html
        for members in students.values():
            for student in members:
                assert student.username not in html
        assert "Elsewhere Middle" not in html


def test_the_csv_and_xlsx_apply_the_same_rule(region, make_user):
    office = staff(make_user, "office-c", REGION_NAME)
    client = client_for(office)
    response = client.get("/en/office/export/csv/", {"region": REGION_NAME})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, *body = rows
    by_school = {row[2]: row for row in body}
    students = header.index("Students")
    assert by_school["Small Middle"][students : students + 3] == ["< 5", "< 5", "< 5"]
    assert by_school["Mid Middle"][students : students + 3] == ["hidden", "hidden", "hidden"]
    assert by_school["Big Middle"][students : students + 3] == ["7", "7", "100"]
    workbook = load_workbook(io.BytesIO(client.get("/en/office/export/xlsx/", {"region": REGION_NAME}).content))
    sheet = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    assert sheet[0] == header
    xlsx = {row[2]: row for row in sheet[1:]}
    assert xlsx["Small Middle"][students] == "< 5" and xlsx["Mid Middle"][students] == "hidden"
    assert xlsx["Big Middle"][students : students + 3] == [7, 7, 100]
    # No column names a student: the export is per school, level and region only.
    assert len(body) == len(sheet) - 1 == 7  # 4 schools, 2 levels and the region, for the one module
    # Another region is refused; so is a format that does not exist.
    assert client.get("/en/office/export/csv/", {"region": "부산"}).status_code == 404
    assert client.get("/en/office/export/pdf/").status_code == 404


def test_no_distribution_for_a_group_under_five(region, make_user):
    module, schools, students = region
    pre = QuizPage.objects.child_of(module).live().get(kind="pre_test")
    post = QuizPage.objects.child_of(module).live().get(kind="post_test")
    for classroom in Classroom.objects.filter(school__region=REGION_NAME):
        assign(classroom, pre)
        assign(classroom, post, due_in_days=14)
    # Four students in Small Middle took both tests; five in Big Middle.
    for student in students["Small Middle"]:
        take(student, pre, right=False)
        take(student, post, right=True)
    for student in students["Big Middle"][:5]:
        take(student, pre, right=False)
        take(student, post, right=True)
    report = region_report(REGION_NAME)
    gain = report.gain[(school_key(schools["Small Middle"].pk), module.translation_key)]
    assert (gain.students, gain.status) == (4, PRIMARY)
    middle = report.gain[(("level", "middle"), module.translation_key)]
    assert middle.students == 9
    office = staff(make_user, "office-d", REGION_NAME)
    html = client_for(office).get("/en/office/").content.decode()
    # The distributions shown are for groups of at least 5 only: the middle schools (9) and the region (9).
    captions = re.findall(r'<caption id="distribution-[^"]+">([^<]+)</caption>', html)
    assert len(captions) == 2 and all("Pre-test and post-test scores" in c for c in captions)
    # Each distribution table adds up to its group's size.
    tables = re.findall(
        r'<table class="chart__table matrix"><caption id="distribution-[^"]+">.*?<tbody>(.*?)</tbody>', html, re.S
    )
    for body in tables:
        counts = [list(map(int, re.findall(r"<td>(\d+)</td>", row))) for row in re.findall(r"<tr>(.*?)</tr>", body)]
        assert sum(c[0] for c in counts) == 9 and sum(c[1] for c in counts) == 9


def test_the_completion_chart_matches_the_visible_table(region, make_user):
    office = staff(make_user, "office-e", REGION_NAME)
    html = client_for(office).get("/en/office/").content.decode()
    figure = re.search(r'<figure class="chart" id="completion-1">(.*?)</figure>', html, re.S).group(1)
    assert 'role="img"' in figure and "<title" in figure and "<desc" in figure
    header = re.findall(r'<th scope="col">([^<]+)</th>', figure)
    # Schools whose numbers are hidden are not drawn: not Small Middle, not Mid Middle.
    assert header[1:] == ["Big Middle", "Only High", "Whole region"]
    last = re.findall(r"<tr>(.*?)</tr>", figure.split("<tbody>")[1])[-1]
    assert re.findall(r"<td>([^<]+)</td>", last) == ["100", str(round(100 * 5 / 8)), str(round(100 * 17 / 25))]


def test_a_school_page_for_the_office_of_its_region_only(region, make_user):
    _module, schools, _students = region
    mine, other = staff(make_user, "office-f", REGION_NAME), staff(make_user, "office-g", "부산")
    url = f"/en/office/schools/{schools['Big Middle'].pk}/"
    response = client_for(mine).get(url)
    assert response.status_code == 200 and "7 of 7 (100%)" in response.content.decode()
    assert client_for(other).get(url).status_code == 404
    small = client_for(mine).get(f"/en/office/schools/{schools['Small Middle'].pk}/").content.decode()
    assert "&lt; 5" in small and 'id="school-completion"' not in small


def test_the_role_is_given_in_the_wagtail_admin(make_user, client):
    admin = make_user("office-admin", account_type="staff", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/cms/snippets/offices/officestaff/").status_code == 200
    assert client.get("/cms/snippets/offices/officestaff/add/").status_code == 200
    # An editor without the permission does not see it.
    editor = make_user("office-editor", account_type="staff")
    client.force_login(editor)
    assert client.get("/cms/snippets/offices/officestaff/").status_code in (302, 403)


def test_a_student_can_download_their_certificates(make_teacher, make_user):
    from classrooms.certificates import issue_certificate
    from classrooms.models import AlternativeActivity

    teacher = make_teacher("data-teacher")
    school = School.objects.create(name="Data School")
    classroom = Classroom.objects.create(school=school, name="D", audience_band="middle_school")
    classroom.teachers.add(teacher)
    student = make_user("data-student")
    Enrollment.objects.create(classroom=classroom, student=student)
    assignment = assign(classroom, module_for_two_bands()[0])
    AlternativeActivity.objects.create(assignment=assignment, student=student)
    code = issue_certificate(student, assignment.pk).code
    data = client_for(student).get("/en/learn/my-data/", {"download": "1"}).json()
    assert data["certificates"][0]["code"] == code and data["certificates"][0]["school"] == "Data School"
