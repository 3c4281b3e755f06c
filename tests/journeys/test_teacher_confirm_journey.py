"""A teacher makes a new class code and archives a class, each through its confirm page, and sees on
that page what will happen before anything does (issue 12, "Teacher screens")."""

from playwright.sync_api import expect

from tests.journeys.steps import create_class, say, sign_in


def test_teacher_makes_a_new_code_and_archives_through_confirm_pages(person, create_account, unique):
    username, password = create_account("teacher", unique("confirm-teacher"))
    teacher = person("teacher")
    page = teacher.start("ko")
    sign_in(page, username, password)
    class_name = unique("2-")
    old_code = create_class(page, class_name, unique("확인중학교"))

    # "New code" opens a page that says what happens, and changes nothing yet.
    page.get_by_role("link", name=say("New code")).click()
    main = page.locator("main")
    assert say("The old code stops working for students who have not joined yet.") in main.inner_text()
    assert old_code in main.inner_text()
    teacher.assert_fits()
    teacher.shot("new-code-confirm")
    page.get_by_role("link", name=say("Cancel")).click()
    assert page.locator("#join-code").inner_text().strip() == old_code

    page.get_by_role("link", name=say("New code")).click()
    page.get_by_role("button", name=say("Make a new code")).click()
    new_code = page.locator("#join-code").inner_text().strip()
    assert new_code != old_code
    assert new_code in page.locator(".messages").inner_text()
    teacher.shot("new-code-made")

    # What the confirm page said happens: a student who has not joined yet cannot use the old code.
    student = person("student")
    joining = student.start("ko")
    joining.get_by_role("link", name=say("Join a class"), exact=True).first.click()
    joining.get_by_label(say("Class code")).fill(old_code)
    joining.get_by_role("button", name=say("Continue")).click()
    assert (
        say("We do not know that code. Check it with your teacher: codes can change.")
        in joining.locator("main").inner_text()
    )
    student.shot("old-code-refused")

    # Archive: the confirm page says the class leaves the list and its code stops working.
    page.get_by_role("link", name=say("Archive this class")).click()
    said = page.locator("main").inner_text()
    assert say("The class leaves your list of classes and joining closes: its code stops working.") in said
    assert say("Students no longer see the class or its assignments.") in said
    teacher.assert_fits()
    teacher.shot("archive-confirm")
    page.get_by_role("button", name=say("Archive the class")).click()
    expect(page.locator("body")).to_contain_text(say("The class is being archived."))
    assert not page.get_by_role("link", name=class_name, exact=True).count()  # gone from "My classes"
    teacher.shot("archived")
