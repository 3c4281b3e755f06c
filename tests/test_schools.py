"""A school's year (issue 19, points 1-3): coordinators and teachers joining a school, class lists in (no real
names), the coordinator's read-only view and the annual report, whose numbers are the class matrices'."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from classrooms.gain import class_gains
from classrooms.models import AlternativeActivity, Assignment, Classroom, Enrollment, School, SignInCard
from classrooms.progress import Status, build_matrix
from quizzes.attempts import open_attempt, submit
from quizzes.models import QuizPage
from schools.models import ReportSignOff, RosterEntry, SchoolCode, SchoolMembership
from schools.report import annual_report, school_year_of
from tests.conftest import client_for
from tests.factories import LessonPageFactory, ModulePageFactory, QuizPageFactory
from tests.quiz_forms import answers

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]
User = get_user_model()


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def world(make_teacher, make_user):
    school = School.objects.create(name="한빛중학교", region="서울 강남구")
    other_school = School.objects.create(name="바다중학교", region="부산 해운대구")
    coordinator = make_teacher("coord-a")
    teacher = make_teacher("teacher-a")
    outsider = make_teacher("teacher-b")
    coordinator_b = make_teacher("coord-b")
    SchoolMembership.objects.create(school=school, user=coordinator, role="coordinator")
    SchoolMembership.objects.create(school=school, user=teacher, role="teacher")
    SchoolMembership.objects.create(school=other_school, user=coordinator_b, role="coordinator")
    SchoolMembership.objects.create(school=other_school, user=outsider, role="teacher")
    classroom = Classroom.objects.create(
        school=school, name="2학년 3반", audience_band="middle_school", grade=2, section=3
    )
    classroom.teachers.add(teacher)
    other = Classroom.objects.create(
        school=other_school, name="1-1", audience_band="middle_school", grade=1, section=1
    )
    other.teachers.add(outsider)
    return {
        "school": school,
        "other_school": other_school,
        "coordinator": coordinator,
        "teacher": teacher,
        "outsider": outsider,
        "coordinator_b": coordinator_b,
        "classroom": classroom,
        "other": other,
        "student": make_user("plain-student"),
    }


def csv_file(rows, name="list.csv", header=("학년", "반", "번호", "별명")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def xlsx_file(rows, header=("학년", "반", "번호", "별명")):
    workbook = Workbook()
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("list.xlsx", out.getvalue())


def upload(client, classroom, file, language="en"):
    return client.post(f"/{language}/teach/school/classes/{classroom.pk}/roster/", {"file": file})


def confirm_data(response):
    """The preview's form as the browser would post it back (every input's value)."""
    html = response.content.decode()
    form = html.split('/roster/confirm/"', 1)[1].split("</form>", 1)[0]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    return data


def confirm(client, classroom, data, language="en"):
    return client.post(f"/{language}/teach/school/classes/{classroom.pk}/roster/confirm/", data)


def counts():
    return (User.objects.count(), RosterEntry.objects.count(), Enrollment.objects.count())


# -- 1. coordinator role, finding and joining a school ---------------------------------------------------------------


def test_staff_grant_the_coordinator_role_in_the_admin_and_the_school_gets_a_code(world, make_user):
    admin = make_user("root", account_type="staff", is_superuser=True, is_staff=True)
    client = client_for(admin)
    new = School.objects.create(name="새학교")
    teacher = world["outsider"]
    listing = client.get("/cms/snippets/schools/schoolmembership/")
    assert listing.status_code == 200
    response = client.post(
        "/cms/snippets/schools/schoolmembership/add/", {"school": new.pk, "user": teacher.pk, "role": "coordinator"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SchoolMembership.objects.get(school=new, user=teacher).role == "coordinator"
    assert SchoolCode.objects.filter(school=new).exists()
    # A teacher whose address is not verified cannot be made a member.
    unverified = make_user("unverified", account_type="teacher", email="u@school.example")
    refused = client.post(
        "/cms/snippets/schools/schoolmembership/add/", {"school": new.pk, "user": unverified.pk, "role": "coordinator"}
    )
    assert refused.status_code == 200
    # The admin speaks Korean.
    assert "이메일 주소를 인증한 교사만 학교에 소속될 수 있어요." in refused.content.decode()
    assert not SchoolMembership.objects.filter(user=unverified).exists()
    # And the teacher now sees the school's dashboard.
    assert client_for(teacher).get(f"/en/teach/school/{new.pk}/").status_code == 200


def test_a_teacher_finds_the_school_by_name_and_region_and_joins_with_the_code(world, make_teacher):
    newcomer = make_teacher("newcomer")
    client = client_for(newcomer)
    school = world["school"]
    code = SchoolCode.objects.get(school=school)
    found = client.get("/ko/teach/school/find/", {"q": "한빛", "region": "강남"}).content.decode()
    assert "한빛중학교" in found and "바다중학교" not in found
    assert code.code not in found and code.formatted not in found  # the code is never shown in search
    elsewhere = client.get("/ko/teach/school/find/", {"q": "한빛", "region": "부산"}).content.decode()
    assert f'id="school-{school.pk}"' not in elsewhere and "맞는 학교가 없어요." in elsewhere

    wrong = client.post("/en/teach/school/find/", {"school": school.pk, "code": "WRONG-CODE"})
    assert wrong.status_code == 400
    assert "That is not this school&#x27;s code" in wrong.content.decode()
    assert not SchoolMembership.objects.filter(user=newcomer).exists()
    # The other school's code does not open this one.
    other_code = SchoolCode.objects.get(school=world["other_school"]).formatted
    assert client.post("/en/teach/school/find/", {"school": school.pk, "code": other_code}).status_code == 400

    joined = client.post("/en/teach/school/find/", {"school": school.pk, "code": code.formatted.lower()})
    assert joined.status_code == 302
    assert SchoolMembership.objects.get(user=newcomer).role == "teacher"
    # Creating a class now offers the school, chosen already: no duplicate school.
    form = client.get("/en/teach/classes/new/").content.decode()
    assert re.search(rf'<option value="{school.pk}" selected>한빛중학교</option>', form)
    before = School.objects.count()
    client.post(
        "/en/teach/classes/new/",
        {"name": "2-5", "audience_band": "middle_school", "school": school.pk, "grade": "2", "section": "5"},
    )
    assert School.objects.count() == before
    assert Classroom.objects.get(name="2-5", school=school).grade == 2


def test_a_coordinator_invites_a_verified_teacher_by_email_and_the_answer_never_tells_who_has_an_account(
    world, make_teacher, make_user
):
    invited = make_teacher("invited", email="invited@school.example")
    client = client_for(world["coordinator"])
    school = world["school"]
    answers = []
    for email in ("INVITED@school.example", "nobody@school.example"):
        response = client.post(f"/en/teach/school/{school.pk}/invite/", {"email": email}, follow=True)
        answers.append(response.content.decode().replace(email, "EMAIL"))
    assert SchoolMembership.objects.get(user=invited, school=school).role == "teacher"
    assert SchoolMembership.objects.filter(school=school).count() == 3
    message = re.compile(r"If a teacher with a verified account uses EMAIL[^<]*")
    assert message.search(answers[0]).group(0) == message.search(answers[1]).group(0)
    before = SchoolMembership.objects.count()
    response = client.post(f"/en/teach/school/{school.pk}/invite/", {"email": "not-an-address"}, follow=True)
    assert "Enter a valid email address." in response.content.decode()
    assert SchoolMembership.objects.count() == before


def test_the_coordinator_sees_every_class_read_only_and_another_school_is_404(world, make_user):
    school, classroom = world["school"], world["classroom"]
    student = make_user("dash-student", display_name="별빛")
    Enrollment.objects.create(classroom=classroom, student=student)
    lesson = LessonPageFactory()
    Assignment.objects.create(classroom=classroom, page=lesson, due_at=timezone.now() + timedelta(days=3))
    response = client_for(world["coordinator"]).get(f"/en/teach/school/{school.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2학년 3반" in html and "Grade 2" in html and "0/1" in html
    # Read-only: no link into the teacher's class page, no student names.
    assert f"/teach/classes/{classroom.pk}/" not in html.replace(f"/teach/school/classes/{classroom.pk}/", "")
    assert "별빛" not in html
    assert client_for(world["coordinator_b"]).get(f"/en/teach/school/{school.pk}/").status_code == 404
    assert client_for(world["teacher"]).get(f"/en/teach/school/{school.pk}/").status_code == 404
    assert client_for(world["coordinator_b"]).get(f"/en/teach/school/{school.pk}/report/2026/").status_code == 404


# -- 2. rosters in ----------------------------------------------------------------------------------------------------


def test_a_csv_list_is_previewed_then_imported_with_generated_usernames_and_no_names(world):
    client = client_for(world["teacher"])
    classroom = world["classroom"]
    before = counts()
    preview = upload(client, classroom, csv_file([(2, 3, 1, "별빛"), (2, 3, 2, ""), (2, 3, 3, "sky")]))
    assert preview.status_code == 200
    assert counts() == before  # a preview creates nothing
    html = preview.content.decode()
    assert 'value="별빛"' in html and "3 rows" in html
    done = confirm(client, classroom, confirm_data(preview))
    assert done.status_code == 200, done.content.decode()[-3000:]
    assert "New accounts: 3" in done.content.decode()
    entries = RosterEntry.objects.filter(school=world["school"]).order_by("number")
    assert [(e.grade, e.section, e.number) for e in entries] == [(2, 3, 1), (2, 3, 2), (2, 3, 3)]
    students = [entry.student for entry in entries]
    assert [s.display_name for s in students] == ["별빛", "", "sky"]
    for student in students:
        assert student.is_student and not student.email and not student.has_usable_password()
        assert re.fullmatch(r"[a-z]+-[a-z]+-\d+|student-[0-9a-f]+", student.username)
        assert Enrollment.objects.filter(classroom=classroom, student=student).exists()
    # The same list again: nothing changes.
    after = counts()
    again = confirm(
        client,
        classroom,
        confirm_data(upload(client, classroom, csv_file([(2, 3, 1, "별빛"), (2, 3, 2, ""), (2, 3, 3, "sky")]))),
    )
    assert "New accounts: 0" in again.content.decode() and "Already in the class: 3" in again.content.decode()
    assert counts() == after


def test_a_row_for_a_student_who_already_has_an_account_links_it(world):
    classroom = world["classroom"]
    client = client_for(world["coordinator"])  # the coordinator imports too, without teaching the class
    confirm(client, classroom, confirm_data(upload(client, classroom, csv_file([(2, 3, 7, "")]))))
    student = RosterEntry.objects.get(number=7).student
    # A second class of the same pupils (an elective) at the same school: the list links the same account.
    elective = Classroom.objects.create(
        school=world["school"], name="선택", audience_band="middle_school", grade=2, section=3
    )
    elective.teachers.add(world["teacher"])
    users = User.objects.count()
    done = confirm(client, elective, confirm_data(upload(client, elective, csv_file([(2, 3, 7, "")]))))
    assert "Existing accounts added to the class: 1" in done.content.decode()
    assert User.objects.count() == users
    assert Enrollment.objects.filter(classroom=elective, student=student).exists()


def test_an_xlsx_list_is_read_and_a_class_without_grade_takes_the_lists(world):
    client = client_for(world["teacher"])
    classroom = Classroom.objects.create(school=world["school"], name="새 반", audience_band="middle_school")
    classroom.teachers.add(world["teacher"])
    preview = upload(client, classroom, xlsx_file([(1, 4, 1, "달"), (1, 4, 2, None), (1.0, 4.0, 3.0, "해")]))
    assert preview.status_code == 200
    confirm(client, classroom, confirm_data(preview))
    classroom.refresh_from_db()
    assert (classroom.grade, classroom.section) == (1, 4)
    assert RosterEntry.objects.filter(school=world["school"], grade=1, section=4).count() == 3


def test_printing_cards_after_an_import_reuses_the_sign_in_cards(world):
    classroom = world["classroom"]
    client = client_for(world["coordinator"])
    confirm(client, classroom, confirm_data(upload(client, classroom, csv_file([(2, 3, 1, ""), (2, 3, 2, "")]))))
    response = client.post(f"/en/teach/school/classes/{classroom.pk}/cards/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert SignInCard.objects.filter(classroom=classroom).count() == 2
    assert response.content.decode().count('class="sign-in-card"') == 2


REFUSED = [
    (
        "not csv or xlsx",
        lambda: SimpleUploadedFile("list.txt", b"grade,class,number\n1,1,1\n"),
        "Upload a CSV (.csv) or Excel (.xlsx) file.",
    ),
    (
        "a fake xlsx",
        lambda: SimpleUploadedFile("list.xlsx", b"not a zip file"),
        "This file is not a readable Excel workbook.",
    ),
    (
        "over 2 MB",
        lambda: SimpleUploadedFile(
            "list.csv", b"\xed\x95\x99\xeb\x85\x84,\xeb\xb0\x98,\xeb\xb2\x88\xed\x98\xb8\n" + b"1,1,1\n" * 400_000
        ),
        "The file is larger than 2 MB.",
    ),
    ("61 rows", lambda: csv_file([(2, 3, n, "") for n in range(1, 62)]), "More than 60 rows for one class."),
    ("missing columns", lambda: csv_file([(2, 1)], header=("학년", "번호")), "Missing columns: 반."),
    ("empty", lambda: SimpleUploadedFile("list.csv", b""), "The submitted file is empty."),
]


@pytest.mark.parametrize("case, make_file, message", REFUSED, ids=[case[0] for case in REFUSED])
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_created(world, case, make_file, message):
    client = client_for(world["teacher"])
    before = counts()
    response = upload(client, world["classroom"], make_file())
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert counts() == before


def test_bad_files_are_refused_in_korean_too(world):
    response = upload(client_for(world["teacher"]), world["classroom"], SimpleUploadedFile("a.pdf", b"%PDF"), "ko")
    assert (
        response.status_code == 400 and "CSV(.csv) 또는 엑셀(.xlsx) 파일을 올려 주세요." in response.content.decode()
    )


def test_duplicate_numbers_are_marked_row_by_row_and_nothing_is_created_until_fixed(world):
    client = client_for(world["teacher"])
    classroom = world["classroom"]
    preview = upload(client, classroom, csv_file([(2, 3, 1, ""), (2, 3, 1, ""), (2, 3, 2, "")]))
    html = preview.content.decode()
    assert html.count("Number 1 appears twice.") == 2
    before = counts()
    data = confirm_data(preview)
    refused = confirm(client, classroom, data)
    assert refused.status_code == 400 and "Nothing was imported." in refused.content.decode()
    assert counts() == before
    data["rows-1-number"] = "3"  # fixed in the preview
    assert "New accounts: 3" in confirm(client, classroom, data).content.decode()


def test_a_row_of_another_class_and_a_bad_number_are_errors_on_their_row(world):
    client = client_for(world["teacher"])
    preview = upload(client, world["classroom"], csv_file([(2, 4, 1, ""), (2, 3, "x", "")]))
    html = preview.content.decode()
    assert "This row is for grade 2 class 4; this class is grade 2 class 3." in html or "Enter a whole number." in html
    before = counts()
    data = confirm_data(preview)
    assert confirm(client, world["classroom"], data).status_code == 400
    data["rows-1-number"] = "2"
    response = confirm(client, world["classroom"], data)
    assert response.status_code == 400
    assert "This row is for grade 2 class 4; this class is grade 2 class 3." in response.content.decode()
    assert counts() == before
    data["rows-0-DELETE"] = "on"  # removed in the preview
    assert "New accounts: 1" in confirm(client, world["classroom"], data).content.decode()


def test_a_column_of_real_names_is_dropped_and_never_shown_or_stored(world):
    client = client_for(world["teacher"])
    classroom = world["classroom"]
    by_header = upload(
        client, classroom, csv_file([(2, 3, 1, "Kim", "별빛")], header=("학년", "반", "번호", "name", "별명"))
    )
    html = by_header.content.decode()
    assert 'The column "name" looks like real names. It was dropped' in html.replace("&quot;", '"')
    assert "Kim" not in html
    by_values = upload(
        client,
        classroom,
        csv_file([(2, 3, 1, "김민준", "달"), (2, 3, 2, "이서연", "")], header=("학년", "반", "번호", "학생", "별명")),
    )
    html = by_values.content.decode()
    assert (
        "김민준" not in html
        and "이서연" not in html
        and 'The column "학생" looks like real names' in html.replace("&quot;", '"')
    )
    as_nicknames = upload(client, classroom, csv_file([(2, 3, 1, "박지훈"), (2, 3, 2, "최유진")]))
    html = as_nicknames.content.decode()
    assert "박지훈" not in html and "looks like real names, not nicknames" in html
    confirm(client, classroom, confirm_data(as_nicknames))
    assert set(RosterEntry.objects.values_list("student__display_name", flat=True)) == {""}
    # A real name typed into the preview is refused on its row.
    before = counts()
    data = confirm_data(upload(client, classroom, csv_file([(2, 3, 9, "")])))
    data["rows-0-nickname"] = "정하늘"
    refused = confirm(client, classroom, data)
    assert refused.status_code == 400 and "This looks like a real name." in refused.content.decode()
    assert counts() == before


def test_everyday_words_as_nicknames_are_kept(world):
    client = client_for(world["teacher"])
    nicknames = ["구름", "하늘", "장미", "나비", "하늘빛", "별빛"]
    preview = upload(client, world["classroom"], csv_file([(2, 3, n, name) for n, name in enumerate(nicknames, 1)]))
    html = preview.content.decode()
    assert "looks like real names" not in html and "This looks like a real name" not in html
    assert "New accounts: 6" in confirm(client, world["classroom"], confirm_data(preview)).content.decode()
    assert sorted(RosterEntry.objects.values_list("student__display_name", flat=True)) == sorted(nicknames)


def test_the_upload_page_says_why_there_are_no_names(world):
    for language, text in (("en", "Dignity never stores students' real names."), ("ko", "실명을 저장하지 않")):
        html = client_for(world["teacher"]).get(f"/{language}/teach/school/classes/{world['classroom'].pk}/roster/")
        assert text in html.content.decode().replace("&#x27;", "'")


def test_only_the_classes_teacher_or_its_schools_coordinator_may_import(world):
    url = f"/en/teach/school/classes/{world['classroom'].pk}/roster/"
    assert client_for(world["teacher"]).get(url).status_code == 200
    assert client_for(world["coordinator"]).get(url).status_code == 200
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert client_for(world["coordinator_b"]).get(url).status_code == 404
    assert client_for(world["student"]).get(url).status_code == 403


# -- 3. the annual report ------------------------------------------------------------------------------------------


def take(student, quiz, right=True):
    submit(open_attempt(student, quiz), answers(quiz, right))


def module_with_tests():
    """A Korean module as the curriculum has them: its pre-test, a middle-school lesson with its check quiz, a
    high-school lesson (not for a middle-school class), and its post-test; every quiz one single-choice question."""
    module = ModulePageFactory(for_high_school=True)
    pre = QuizPageFactory(parent=module, kind=QuizPage.Kind.PRE_TEST, pass_mark=0)
    lesson = LessonPageFactory(parent=module, duration_minutes=45)
    QuizPageFactory(parent=lesson)
    LessonPageFactory(parent=module, audience="high_school", duration_minutes=50)
    post = QuizPageFactory(parent=module, kind=QuizPage.Kind.POST_TEST)
    return module, pre, lesson, post


@pytest.fixture
def school_year(world, make_user, make_teacher, django_capture_on_commit_callbacks):
    """Two classes of the school with a module, its pre-test and post-test, in this school year; an alternative
    activity; and an assignment of last school year that the report must leave out."""
    school = world["school"]
    module, pre, lesson, post = module_with_tests()
    now = timezone.now()
    second = Classroom.objects.create(
        school=school, name="3학년 1반", audience_band="middle_school", grade=3, section=1
    )
    second.teachers.add(make_teacher("teacher-c"))
    rooms = [world["classroom"], second]
    students = {}
    for room, size in zip(rooms, (4, 3), strict=True):
        students[room.pk] = [make_user(f"r{room.pk}-{n}") for n in range(size)]
        for student in students[room.pk]:
            Enrollment.objects.create(classroom=room, student=student)
        for page, days in ((pre, 1), (module, 7), (post, 14)):
            Assignment.objects.create(
                classroom=room, page=page, opens_at=now - timedelta(days=2), due_at=now + timedelta(days=days)
            )
    # Last school year: opened before 1 March of this one.
    start = date(school_year_of(timezone.localdate()), 3, 1)
    old = timezone.make_aware(timezone.datetime(start.year - 1, 9, 1))
    Assignment.objects.create(classroom=world["classroom"], page=lesson, opens_at=old, due_at=old + timedelta(days=7))
    first = students[world["classroom"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        for student in first[:3]:
            take(student, pre, right=False)
            take(student, lesson.check_quiz())
            take(student, post)
        take(first[3], pre, right=True)
        for student in students[second.pk][:1]:
            take(student, pre)
            take(student, lesson.check_quiz())
            take(student, post, right=False)
    module_assignment = Assignment.objects.get(classroom=second, page=module)
    AlternativeActivity.objects.create(assignment=module_assignment, student=students[second.pk][2])
    return {
        "rooms": rooms,
        "year": school_year_of(timezone.localdate()),
        "students": students,
        "module": module,
        "pre": pre,
        "post": post,
    }


def expected_from_matrix(classroom, year):
    """What the report must say for one class, worked out from the class matrix and gain directly."""
    matrix = build_matrix(classroom)
    start = timezone.make_aware(timezone.datetime(year, 3, 1))
    positions = [i for i, column in enumerate(matrix.columns) if column.assignment.opens_at >= start]
    completed = sum(1 for _s, cells in matrix.rows if all(cells[i].status == Status.COMPLETED for i in positions))
    alternative = sum(1 for _s, cells in matrix.rows if any(cells[i].alternative for i in positions))
    paired = [row for gain in class_gains(classroom) for row in gain.paired]
    mean = lambda values: round(sum(values) / len(values)) if values else None  # noqa: E731
    return {
        "sessions": len(positions),
        "enrolled": len(matrix.students),
        "completed": completed,
        "alternative": alternative,
        "per_session": [matrix.columns[i].completed for i in positions],
        "pre": mean([row.pre for row in paired]),
        "post": mean([row.post for row in paired]),
    }


def test_the_report_numbers_are_the_class_matrices_exactly(world, school_year):
    year = school_year["year"]
    report = annual_report(world["school"], year)
    assert [row.classroom for row in report.classes] == school_year["rooms"]
    html = (
        client_for(world["coordinator"]).get(f"/en/teach/school/{world['school'].pk}/report/{year}/").content.decode()
    )
    totals = {"sessions": 0, "enrolled": 0, "completed": 0, "alternative": 0}
    for row in report.classes:
        expected = expected_from_matrix(row.classroom, year)
        got = {
            "sessions": len(row.sessions),
            "enrolled": row.enrolled,
            "completed": row.completed,
            "alternative": row.alternative,
            "per_session": [session.completed for session in row.sessions],
            "pre": row.pre_average,
            "post": row.post_average,
        }
        assert got == expected
        shown = html.split(f'data-class="{row.classroom.pk}"', 1)[1].split("</tr>", 1)[0]
        for field in ("sessions", "enrolled", "completed", "alternative", "pre", "post"):
            value = expected[field]
            assert f'data-field="{field}">{"—" if value is None else value}</td>' in shown, field
        for key in totals:
            totals[key] += expected[key]
    # The numbers themselves, so a matrix that changed its rules is noticed too.
    first, second = report.classes
    assert (first.enrolled, first.completed, first.alternative, len(first.sessions)) == (4, 3, 0, 3)
    assert (second.enrolled, second.completed, second.alternative) == (3, 0, 1)
    assert (first.pre_average, first.post_average) == (0, 100)
    assert (report.enrolled, report.completed, report.alternative, report.sessions) == (7, 3, 1, 6)
    footer = html.split('data-class="total"', 1)[1].split("</tr>", 1)[0]
    for key, value in totals.items():
        assert f'data-field="{key}">{value}</td>' in footer
    # Minutes: the module's band lessons' durations, per class.
    assert first.minutes == sum(s.minutes or 0 for s in first.sessions) and first.minutes > 0
    # Curriculum version: the assigned pages with their live revision ids.
    assert {item["revision_id"] for item in report.curriculum} == {
        session.page.live_revision_id for session in first.sessions
    }
    assert f"revision {first.sessions[0].page.live_revision_id}" in html


def test_the_report_xlsx_holds_the_same_numbers(world, school_year):
    year = school_year["year"]
    report = annual_report(world["school"], year)
    response = client_for(world["coordinator"]).get(f"/ko/teach/school/{world['school'].pk}/report/{year}/xlsx/")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("학년", "반", "학급 이름")
    for row, line in zip(report.classes, rows[1:], strict=False):
        assert line[4:11] == (
            len(row.sessions),
            row.minutes,
            row.enrolled,
            row.completed,
            row.alternative,
            row.pre_average,
            row.post_average,
        )
    assert rows[-1][4:9] == (report.sessions, report.minutes, report.enrolled, report.completed, report.alternative)
    sessions = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert len(sessions) == 1 + report.sessions


def test_the_coordinator_signs_off_and_bad_input_stores_nothing(world, school_year):
    year = school_year["year"]
    client = client_for(world["coordinator"])
    url = f"/en/teach/school/{world['school'].pk}/report/{year}/sign-off/"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for data, message in (
        ({"name": "", "title": "부장", "signed_on": timezone.localdate().isoformat()}, "This field is required."),
        ({"name": "홍길동", "title": "부장", "signed_on": tomorrow}, "The date cannot be in the future."),
        ({"name": "홍길동", "title": "부장", "signed_on": "not a date"}, "Enter a valid date."),
    ):
        response = client.post(url, data)
        assert response.status_code == 400 and message in response.content.decode()
    assert not ReportSignOff.objects.exists()
    today = timezone.localdate()
    assert (
        client.post(url, {"name": "홍길동", "title": "생활안전부장", "signed_on": today.isoformat()}).status_code
        == 302
    )
    sign_off = ReportSignOff.objects.get()
    assert (sign_off.name, sign_off.title, sign_off.signed_on, sign_off.signed_by) == (
        "홍길동",
        "생활안전부장",
        today,
        world["coordinator"],
    )
    html = client.get(f"/ko/teach/school/{world['school'].pk}/report/{year}/").content.decode()
    assert "홍길동" in html and today.isoformat() in html
    workbook = load_workbook(
        io.BytesIO(client.get(f"/en/teach/school/{world['school'].pk}/report/{year}/xlsx/").content)
    )
    assert list(workbook.worksheets[-1].iter_rows(values_only=True))[1][4:6] == ("홍길동", "생활안전부장")
    # Only the coordinator: the teacher of a class of the school cannot sign.
    assert (
        client_for(world["teacher"]).post(url, {"name": "x", "title": "y", "signed_on": today.isoformat()}).status_code
        == 404
    )


def test_a_year_outside_the_range_is_404(world):
    client = client_for(world["coordinator"])
    assert client.get(f"/en/teach/school/{world['school'].pk}/report/1999/").status_code == 404
    assert client.get(f"/en/teach/school/{world['school'].pk}/report/9999/").status_code == 404


# -- 4. who may open what ------------------------------------------------------------------------------------------

SCHOOL_ROLES = ["anonymous", "student", "coordinator", "teacher", "outsider", "coordinator_b", "staff"]


def school_expect(default, **overrides):
    table = dict.fromkeys(SCHOOL_ROLES, default)
    table.update(overrides)
    return table


# The coordinator of school A; a teacher of A (teaches the class, not a coordinator); a teacher of school B;
# the coordinator of school B; a student; a staff editor; anonymous.
COORDINATOR_ONLY = school_expect(404, anonymous=302, student=403, staff=403, coordinator=200)
CLASS_OR_COORDINATOR = school_expect(404, anonymous=302, student=403, staff=403, coordinator=200, teacher=200)
ANY_TEACHER = school_expect(200, anonymous=302, student=403, staff=403)
SCHOOL_MATRIX = [
    ("GET", "/en/teach/school/", ANY_TEACHER),
    ("GET", "/en/teach/school/find/?q=한빛", ANY_TEACHER),
    ("GET", "/en/teach/school/{school}/", COORDINATOR_ONLY),
    ("GET", "/en/teach/school/{school}/report/{year}/", COORDINATOR_ONLY),
    ("GET", "/en/teach/school/{school}/report/{year}/xlsx/", COORDINATOR_ONLY),
    ("POST", "/en/teach/school/{school}/report/{year}/sign-off/", {**COORDINATOR_ONLY, "coordinator": 400}),
    ("POST", "/en/teach/school/{school}/code/", {**COORDINATOR_ONLY, "coordinator": 302}),
    ("POST", "/en/teach/school/{school}/invite/", {**COORDINATOR_ONLY, "coordinator": 302}),
    ("GET", "/en/teach/school/classes/{classroom}/roster/", CLASS_OR_COORDINATOR),
    (
        "POST",
        "/en/teach/school/classes/{classroom}/roster/",
        {**CLASS_OR_COORDINATOR, "coordinator": 400, "teacher": 400},
    ),
    (
        "POST",
        "/en/teach/school/classes/{classroom}/roster/confirm/",
        {**CLASS_OR_COORDINATOR, "coordinator": 400, "teacher": 400},
    ),
    # No students in the class yet: back to the import page with a message.
    (
        "POST",
        "/en/teach/school/classes/{classroom}/cards/",
        {**CLASS_OR_COORDINATOR, "coordinator": 302, "teacher": 302},
    ),
]


@pytest.mark.parametrize("role", SCHOOL_ROLES)
def test_the_school_access_matrix(world, make_user, role):
    from django.db import transaction
    from django.test import Client

    users = {**world, "staff": make_user("staff-editor", account_type="staff")}
    client = Client() if role == "anonymous" else client_for(users[role])
    values = {
        "school": world["school"].pk,
        "classroom": world["classroom"].pk,
        "year": school_year_of(timezone.localdate()),
    }
    failures = []
    for method, url, expected in SCHOOL_MATRIX:
        url = url.format(**values)
        with transaction.atomic():
            response = client.post(url, {}) if method == "POST" else client.get(url)
            transaction.set_rollback(True)
        if response.status_code != expected[role]:
            failures.append(f"{method} {url} as {role}: {response.status_code}, expected {expected[role]}")
    assert not failures, "\n".join(failures)
