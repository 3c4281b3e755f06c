"""An education office's staff member signs in from the front page, opens the office view and sees their region
with "< 5" where a class of 4 is, then downloads the CSV, which hides the same cells.

The class is made the way a school makes it: a teacher creates it with the school's region and assigns a module,
four students join with the code. The office role is given in the admin; like create_account, that is the one
shortcut (the admin's snippet form is tested in tests/test_offices.py).
"""

import csv
import io
import textwrap

import pytest

from tests.live import assert_accessible

from .steps import PASSWORD, assign, demo_yaml, join_with_code, log_in_from_front_page, say, sign_in

MODULE_DIR = "03-deepfakes-and-ai"


@pytest.fixture
def give_office_role(server_manage):
    def give(username, region):
        script = textwrap.dedent(
            f"""
            from django.contrib.auth import get_user_model
            from offices.models import OfficeStaff
            OfficeStaff.objects.create(user=get_user_model().objects.get(username={username!r}), region={region!r})
            """
        )
        server_manage("shell", "-c", script)

    return give


def create_class_in_region(page, name, school, region):
    """steps.create_class, with the new school's region filled in."""
    page.get_by_role("link", name=say("My classes"), exact=True).first.click()
    page.get_by_role("link", name=say("Create a class")).click()
    page.get_by_label(say("Class name"), exact=True).fill(name)
    page.get_by_label(say("Audience band"), exact=True).select_option("middle_school")
    page.get_by_label(say("New school's name"), exact=True).fill(school)
    page.get_by_label(say("New school's region"), exact=True).fill(region)
    page.get_by_role("button", name=say("Create class")).click()
    page.get_by_role("heading", name=name, level=1).wait_for()
    return page.locator("#join-code").inner_text().strip()


def test_office_staff_see_their_region_with_a_class_of_four_suppressed(
    person, create_account, give_office_role, unique, device
):
    module = demo_yaml(MODULE_DIR, "module")
    region = unique("교육지원청 ")
    school = unique("넷중학교 ")

    teacher_name, _password = create_account("teacher", unique("ot"))
    teacher = person("teacher")
    page = log_in_from_front_page(teacher, teacher_name)
    code = create_class_in_region(page, unique("넷반"), school, region)
    assign(page, f"단원 전체: {module['title']}")
    for _n in range(4):
        join_with_code(person("student"), code, unique("ofstu"))

    office_name, _password = create_account("staff", unique("office"))
    give_office_role(office_name, region)
    officer = person("office")
    opage = officer.start("ko")
    sign_in(opage, office_name, PASSWORD)
    opage.get_by_role("link", name=say("Education office"), exact=True).first.click()
    opage.get_by_role("heading", name=say("Region: %(region)s") % {"region": region}).wait_for()
    row = opage.locator("tr", has=opage.get_by_role("link", name=school))
    assert "< 5" in row.inner_text(), row.inner_text()
    # The level and the region are a class of 4 too: also "< 5"; no number 4 anywhere in the completion table.
    table = opage.locator("table.office-table").first.inner_text()
    assert "4" not in table.replace(school, "").replace(region, "").replace(module["title"], ""), table
    officer.shot("region")
    officer.assert_fits()
    assert_accessible(opage)

    with opage.expect_download() as download:
        opage.get_by_role("link", name=say("Download CSV")).first.click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    header, *body = rows
    (school_row,) = [line for line in body if line[2] == school]
    students = header.index(say("Students"))
    assert school_row[students : students + 3] == ["< 5", "< 5", "< 5"], (header, school_row)
    assert all(line[students] == "< 5" for line in body), body

    # The school's own page says the same.
    opage.get_by_role("link", name=school).click()
    opage.get_by_role("heading", name=school, level=1).wait_for()
    assert "< 5" in opage.locator("main table").inner_text()
    officer.shot("school")
    assert_accessible(opage)
