"""axe-core and layout on the education office's page with its charts drawn (issue 19 #5, #6): a region of three
middle schools (classes of 4, 6 and 7) whose students took the pre-test and post-test, seeded in the live
server's database; then the page at a phone's width, with and without JavaScript."""

import textwrap

import pytest

from tests.browser.conftest import assert_accessible, log_in

REGION = "브라우저 시험 지역"
SEED = textwrap.dedent(
    f"""
    from django.contrib.auth import get_user_model
    from classrooms.models import Classroom, Enrollment, School
    from classrooms.progress import mark_completed
    from lessons.models import LessonPage, ModulePage
    from offices.models import OfficeStaff
    from quizzes.models import QuizPage
    from tests.test_learning_loop import assign, take

    User = get_user_model()
    if not School.objects.filter(region={REGION!r}).exists():
        module = ModulePage.objects.live().get(slug="deepfakes-and-ai", locale__language_code="ko")
        lesson = LessonPage.objects.live().get(slug="what-deepfakes-are", locale__language_code="ko")
        pre = QuizPage.objects.child_of(module).live().get(kind="pre_test")
        post = QuizPage.objects.child_of(module).live().get(kind="post_test")
        teacher = User.objects.create(username="browser-office-teacher", account_type="teacher")
        for name, size, done in (("작은중학교", 4, 3), ("중간중학교", 6, 2), ("큰중학교", 7, 7)):
            school = School.objects.create(name=name, level="middle", region={REGION!r})
            classroom = Classroom.objects.create(school=school, name=name + " 1반", audience_band="middle_school")
            classroom.teachers.add(teacher)
            for page in (module, pre, post):
                assign(classroom, page)
            for number in range(size):
                student = User.objects.create(username=f"bo-{{school.pk}}-{{number}}")
                Enrollment.objects.create(classroom=classroom, student=student)
                take(student, pre, right=number % 2 == 0)
                take(student, post, right=True)
                if number < done:
                    mark_completed(student, lesson)
        office = User(username="browser-office", account_type="staff")
        office.set_password("browser-office-2026")
        office.save()
        OfficeStaff.objects.create(user=office, region={REGION!r})
    """
)


@pytest.fixture
def seeded(live_site, server_manage):
    server_manage("shell", "-c", SEED)
    return live_site


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_office_page_with_charts_passes_axe_and_fits_a_phone(seeded, context_factory, javascript):
    context = context_factory(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, java_script_enabled=javascript
    )
    page = context.new_page()
    log_in(page, seeded, "browser-office", "browser-office-2026")
    page.goto(seeded + "/ko/office/")
    main = page.locator("main")
    assert "< 5" in main.inner_text()
    # The completion chart and the region's and level's pre/post distributions are drawn, each with its table.
    assert page.locator("figure.chart svg[role=img]").count() >= 3
    assert (
        page.locator("figure.chart table.chart__table").count() == page.locator("figure.chart svg.chart__svg").count()
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="var/journeys/office-charts-phone.png", full_page=True)
    if javascript:
        assert_accessible(page)
    school = page.get_by_role("link", name="큰중학교").first
    school.click()
    page.get_by_role("heading", name="큰중학교", level=1).wait_for()
    assert page.locator("figure.chart svg[role=img]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if javascript:
        assert_accessible(page)
