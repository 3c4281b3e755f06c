"""A student completes a module and prints the certificate; someone else checks its code at /verify/, reached from
the footer of the front page, and sees it confirmed with the module, level, date and school, and not the student.

Walks the demo curriculum: module 03 ("딥페이크(허위영상물)와 AI"), one lesson for the middle-school band.
"""

import re

from playwright.sync_api import expect

from tests.live import assert_accessible

from .conftest import SHOTS
from .steps import answer_quiz, assign, create_class, demo_yaml, join_with_code, log_in_from_front_page, today

MODULE_DIR = "03-deepfakes-and-ai"


def test_a_student_prints_a_certificate_and_a_stranger_verifies_it(person, create_account, unique, device):
    module = demo_yaml(MODULE_DIR, "module")
    lesson = demo_yaml(MODULE_DIR, "what-deepfakes-are")

    username, _password = create_account("teacher", unique("ct"))
    teacher = person("teacher")
    page = log_in_from_front_page(teacher, username)
    school = unique("수료중학교 ")
    code = create_class(page, unique("수료반"), school, band="middle_school")
    assign(page, f"단원 전체: {module['title']}")

    learner = person("student")
    student_name = unique("certstu")
    spage = join_with_code(learner, code, student_name)
    card = spage.locator("li.card", has=spage.get_by_role("link", name=module["title"]))
    # Not completed yet: no certificate to take.
    assert "수료증 받기" not in card.inner_text()
    card.get_by_role("link", name=module["title"]).click()
    spage.get_by_role("link", name=lesson["title"]).click()
    spage.get_by_role("link", name="잘 이해했는지 확인해 봐요").click()
    answer_quiz(spage, lesson["quiz"], right=True)
    spage.get_by_role("link", name="내 학습").first.click()
    card = spage.locator("li.card", has=spage.get_by_role("link", name=module["title"]))
    card.get_by_role("button", name="수료증 받기").click()

    spage.get_by_role("heading", name="수료증", level=1).wait_for()
    certificate = spage.locator("article.certificate").inner_text()
    for expected in (student_name, module["title"], "중학교", school, today()):
        assert expected in certificate, (expected, certificate)
    printed_code = spage.locator("#certificate-code").inner_text().strip()
    assert len(printed_code.replace("-", "")) == 16
    learner.shot("certificate")
    learner.assert_fits()
    assert_accessible(spage)
    # Printed on A4 through Chromium's own print-to-PDF (headless Chromium prints): one page.
    pdf = spage.pdf(format="A4", print_background=True)
    (SHOTS / f"student-certificate-{device}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1

    # Back on "My learning" the card now links to the certificate instead of making a new one.
    spage.get_by_role("link", name="내 학습").first.click()
    card = spage.locator("li.card", has=spage.get_by_role("link", name=module["title"]))
    expect(card.get_by_role("link", name="내 수료증")).to_have_count(1)  # waits for "My learning" to load

    # Someone else — a parent, another school — checks the code: front page, the footer's link, type, check.
    checker = person("verifier")
    vpage = checker.start("ko")
    vpage.get_by_role("link", name="수료증 확인하기").click()
    vpage.get_by_label("수료증 코드").fill(printed_code.lower())
    vpage.get_by_role("button", name="확인하기").click()
    vpage.get_by_role("heading", name="진짜 수료증이에요.").wait_for()
    main = vpage.locator("main").inner_text()
    for expected in (module["title"], "중학교", school, today(), printed_code):
        assert expected in main, (expected, main)
    assert student_name not in vpage.content()
    checker.shot("verified")
    checker.assert_fits()
    assert_accessible(vpage)

    # A code with one symbol changed is not a certificate.
    wrong = printed_code[:-1] + ("A" if printed_code[-1] != "A" else "B")
    vpage.get_by_label("수료증 코드").fill(wrong)
    vpage.get_by_role("button", name="확인하기").click()
    vpage.get_by_role("heading", name="이 코드의 수료증은 없어요.").wait_for()
    checker.shot("not-found")
    assert_accessible(vpage)
