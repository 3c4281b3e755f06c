"""A school runs its year on Dignity (issue 19): the coordinator shares the school code, two teachers find the
school and join it, each creates a class there and imports its list from an Excel file (grade, class, number and a
nickname: no names), prints the sign-in cards; a student signs in with a card and completes a module; the
coordinator's annual report says what each class's progress table says, on screen and in its Excel file.

Shortcut: the coordinator role is given by staff in the admin (tests/test_schools.py walks that admin form); here it
is set up with the account, in the live server's database, like the account itself.
Walks the demo curriculum: module 03 ("딥페이크(허위영상물)와 AI"), middle-school lesson "What deepfakes are".
"""

import io
import json
import re
import textwrap

from openpyxl import Workbook, load_workbook

from .steps import answer_quiz, assign, demo_yaml, log_in_from_front_page, say

MODULE_DIR = "03-deepfakes-and-ai"


def class_list_file(grade, section, nicknames):
    workbook = Workbook()
    workbook.active.append(["학년", "반", "번호", "별명"])
    for number, nickname in enumerate(nicknames, start=1):
        workbook.active.append([grade, section, number, nickname])
    out = io.BytesIO()
    workbook.save(out)
    return {"name": f"{grade}-{section}.xlsx", "mimeType": "application/octet-stream", "buffer": out.getvalue()}


def make_coordinator(server_manage, username, school_name):
    script = textwrap.dedent(
        f"""
        import json
        from django.contrib.auth import get_user_model
        from classrooms.models import School
        from schools.models import SchoolMembership
        username, name = json.loads({json.dumps(json.dumps([username, school_name]))})
        school = School.objects.create(name=name, region="서울 성북구")
        SchoolMembership.objects.create(school=school, user=get_user_model().objects.get(username=username),
                                        role="coordinator")
        """
    )
    server_manage("shell", "-c", script)


def open_my_school(page):
    page.get_by_role("link", name=say("My classes"), exact=True).first.click()
    page.get_by_role("link", name="내 학교").click()


def teacher_joins_and_imports(person, create_account, unique, school_name, code, grade, section, nicknames, module):
    username, _password = create_account("teacher", unique("yt"))
    teacher = person(f"school-teacher-{section}")
    page = log_in_from_front_page(teacher, username)
    open_my_school(page)
    page.get_by_role("link", name="학교 찾기").click()
    page.get_by_label("학교 이름").fill(school_name)
    page.get_by_role("main").get_by_role("button", name="검색").click()
    page.get_by_label("학교 코드").fill(code)
    page.get_by_role("button", name=re.compile("이 학교에 참여하기")).click()
    page.get_by_text(f"{school_name}에 참여했어요.").wait_for()

    # The class goes to the school just joined: it is already chosen.
    page.get_by_role("link", name=say("My classes"), exact=True).first.click()
    page.get_by_role("link", name=say("Create a class")).click()
    class_name = f"{grade}학년 {section}반"
    page.get_by_label(say("Class name"), exact=True).fill(class_name)
    page.get_by_label(say("Audience band"), exact=True).select_option("middle_school")
    page.get_by_label("학년(선택)").fill(str(grade))
    page.get_by_label("반(선택)").fill(str(section))
    assert page.get_by_label(say("School"), exact=True).locator("option:checked").inner_text() == school_name
    page.get_by_role("button", name=say("Create class")).click()
    page.get_by_role("heading", name=class_name, level=1).wait_for()
    assign(page, f"단원 전체: {module['title']}")

    page.get_by_role("link", name="학급 명단 가져오기").click()
    page.get_by_label("학급 명단(CSV 또는 엑셀 .xlsx)").set_input_files(class_list_file(grade, section, nicknames))
    page.get_by_role("button", name="미리 보기").click()
    page.get_by_role("button", name="가져오기").wait_for()
    teacher.assert_fits()
    teacher.shot("roster-preview")
    page.get_by_role("button", name="가져오기").click()
    page.get_by_text(f"새 계정: {len(nicknames)}명").wait_for()
    page.get_by_role("button", name="로그인 카드 인쇄하기").click()
    page.locator(".sign-in-card").first.wait_for()
    teacher.shot("cards")
    assert page.locator(".sign-in-card").count() == len(nicknames)
    card = page.locator(".sign-in-card").filter(has_text=nicknames[0])
    link = card.get_by_role("link", name=re.compile("찍어서 로그인")).get_attribute("href")
    return teacher, page, class_name, link


def matrix_numbers(page, class_name):
    """From the teacher's progress table: students, and how many completed the (only) assigned module."""
    page.get_by_role("link", name=say("My classes"), exact=True).first.click()
    page.get_by_role("link", name=class_name).click()
    page.get_by_role("link", name="진도", exact=True).first.click()
    # count() does not wait: wait for this class's progress page and its table before reading it.
    page.wait_for_url("**/progress/")
    page.wait_for_load_state("load")
    page.locator("table.matrix thead th small").nth(1).wait_for()
    students = page.locator("table.matrix tbody tr").count()
    completed, total = page.locator("table.matrix thead th small").nth(1).inner_text().split("/")
    assert int(total) == students
    return {"enrolled": students, "completed": int(completed), "sessions": 1}


def test_a_school_year_from_the_code_to_the_annual_report(person, create_account, server_manage, unique):
    module = demo_yaml(MODULE_DIR, "module")
    lesson = demo_yaml(MODULE_DIR, "what-deepfakes-are")
    school_name = unique("성북중학교 ")
    coordinator_name, _password = create_account("teacher", unique("coord"))
    make_coordinator(server_manage, coordinator_name, school_name)

    coordinator = person("coordinator")
    cpage = log_in_from_front_page(coordinator, coordinator_name)
    open_my_school(cpage)
    cpage.get_by_role("link", name=school_name).click()
    code = cpage.locator("#school-code").inner_text().strip()
    coordinator.shot("school-code")

    first, first_page, first_class, card_link = teacher_joins_and_imports(
        person, create_account, unique, school_name, code, 2, 1, ["달빛", "별빛"], module
    )
    _second, second_page, second_class, _link = teacher_joins_and_imports(
        person, create_account, unique, school_name, code, 2, 2, ["해님", "구름", "바람"], module
    )

    # The student scans the card (opening its link stands for the camera) and taps once, then does the module.
    student = person("school-student")
    spage = student.page
    spage.goto(card_link)
    spage.get_by_role("main").get_by_role("button", name="로그인", exact=True).click()
    card = spage.locator("li.card", has=spage.get_by_role("link", name=module["title"]))
    card.get_by_role("link", name=module["title"]).click()
    spage.get_by_role("link", name=lesson["title"]).click()
    spage.get_by_role("link", name="잘 이해했는지 확인해 봐요").click()
    answer_quiz(spage, lesson["quiz"], right=True)
    assert "통과" in spage.locator("main").inner_text()

    expected = {
        first_class: matrix_numbers(first_page, first_class),
        second_class: matrix_numbers(second_page, second_class),
    }
    assert expected[first_class] == {"enrolled": 2, "completed": 1, "sessions": 1}
    assert expected[second_class] == {"enrolled": 3, "completed": 0, "sessions": 1}

    # The coordinator's dashboard and annual report say the same.
    cpage.get_by_role("link", name="내 학교", exact=True).first.click()
    cpage.get_by_role("link", name=school_name).click()
    assert "1/2" in cpage.get_by_role("main").inner_text()
    cpage.get_by_role("link", name="연간 보고서").click()
    cpage.locator("table.report-classes").wait_for()
    coordinator.assert_fits()
    coordinator.shot("annual-report")
    for class_name, numbers in expected.items():
        row = cpage.locator("table.report-classes tbody tr").filter(
            has=cpage.get_by_role("rowheader", name=class_name)
        )
        for field, value in numbers.items():
            assert row.locator(f'[data-field="{field}"]').inner_text() == str(value), (class_name, field)
    total = cpage.locator('tfoot [data-class="total"]')
    assert total.locator('[data-field="enrolled"]').inner_text() == "5"
    assert total.locator('[data-field="completed"]').inner_text() == "1"

    with cpage.expect_download() as download:
        cpage.get_by_role("link", name=say("Download Excel (.xlsx)")).click()
    with open(download.value.path(), "rb") as handle:
        sheet = list(load_workbook(io.BytesIO(handle.read())).worksheets[0].iter_rows(values_only=True))
    by_class = {line[2]: line for line in sheet[1:]}
    for class_name, numbers in expected.items():
        assert by_class[class_name][4] == numbers["sessions"]
        assert by_class[class_name][6:8] == (numbers["enrolled"], numbers["completed"])
