"""A pre-test is a diagnostic: taken with a low score it is "completed" (not failed, not overdue); after the
post-test the teacher sees the student's pre → post gain and the class average.

Walks the demo curriculum: module 03's pre-test and post-test.
"""

from tests.live import assert_accessible

from .steps import answer_quiz, assign, create_class, demo_yaml, join_with_code, log_in_from_front_page

MODULE_DIR = "03-deepfakes-and-ai"


def test_pre_test_with_a_low_score_is_completed_and_the_gain_shows(person, create_account, unique):
    module = demo_yaml(MODULE_DIR, "module")
    pre, post = module["pre_test"], module["post_test"]

    username, _password = create_account("teacher", unique("jd"))
    teacher = person("teacher")
    page = log_in_from_front_page(teacher, username)
    class_name = unique("진단반")
    code = create_class(page, class_name, unique("diagnostic school "))
    assign(page, "· " + pre["title"])
    assign(page, "· " + post["title"])

    student_name = unique("diagstu")
    learner = person("student")
    spage = join_with_code(learner, code, student_name)
    spage.get_by_role("link", name=pre["title"]).click()
    answer_quiz(spage, pre, right=False)
    result = spage.locator("main").inner_text()
    assert "완료" in result and "통과 기준이 없어요" in result and "아직 통과 전" not in result, result
    learner.shot("pre-test-result")

    spage.get_by_role("link", name="내 학습").first.click()
    card = spage.locator("li.card", has=spage.get_by_role("link", name=pre["title"]))
    assert "완료" in card.inner_text() and "기한 지남" not in card.inner_text(), card.inner_text()

    card = spage.locator("li.card", has=spage.get_by_role("link", name=post["title"]))
    card.get_by_role("link", name=post["title"]).click()
    answer_quiz(spage, post, right=True)
    spage.get_by_role("link", name="내 학습").first.click()
    learner.shot("after-post-test")

    page.get_by_role("link", name="내 학급").first.click()
    page.get_by_role("link", name=class_name).click()
    page.get_by_role("link", name="진도", exact=True).first.click()
    row = page.locator("tr", has=page.get_by_role("link", name=student_name))
    assert "기한 지남" not in row.inner_text()
    page.get_by_role("link", name="학습 향상: 사전 평가 → 사후 평가").click()
    section = page.get_by_role("region", name=module["title"])
    gain_row = " ".join(section.locator("tr", has_text=student_name).inner_text().split())
    teacher.shot("learning-gain")
    assert gain_row.endswith("0% 100% +100"), gain_row
    assert "학급 평균 향상: +100%p. 두 평가를 모두 본 학생: 1명." in section.inner_text()
    # The chart is an image with a text alternative a screen reader reads.
    chart = page.get_by_role("img", name="학급 평균: 사전 평가와 사후 평가")
    assert chart.count() == 1
    teacher.assert_fits()
    assert_accessible(page)
