"""Editors and moderators: a change is previewed as written, reviewed, approved, and only then public.

Walks the demo curriculum (module 03, middle-school lesson "딥페이크란 무엇일까", its check quiz, and the
help channel 청소년상담 1388). The editors' admin is driven in Korean, as our editors use it; staff
reach it from the site header's "콘텐츠 편집" link (or Wagtail's user bar on a page) after logging in
through the site's own log-in link.
"""

import re
import secrets
import time

from playwright.sync_api import expect

from tests.live import ROOT

MODULE = "딥페이크(허위영상물)와 AI"
LESSON = "딥페이크란 무엇일까: 가짜 영상, 진짜 피해"
OTHER_LESSON = "딥페이크와 법: 어떤 행동이 어떤 범죄일까"
CHECK_QUIZ_LINK = "잘 이해했는지 확인해 봐요"
CHANNEL = "청소년상담 1388"


def log_in(page, username, password):
    """From any page of the site: the header's log-in link, then the form."""
    page.get_by_role("link", name="로그인", exact=True).first.click()
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def open_lesson(page):
    page.get_by_role("link", name="수업", exact=True).first.click()
    page.get_by_role("link", name=MODULE).first.click()
    page.get_by_role("link", name=LESSON).first.click()
    expect(page.locator("h1")).to_have_text(LESSON)


def open_admin(person):
    """Back to the front page, then the header's staff link."""
    page = person.start()
    page.get_by_role("link", name="콘텐츠 편집").click()
    page.wait_for_load_state()
    return page


def edit_from_userbar(page):
    """Wagtail's user bar on the public page: "이 페이지 고치기" opens the editor."""
    # By keyboard: on a phone the quiz's fieldsets lie over the user bar's button and take the tap.
    page.locator("#wagtail-userbar-trigger").press("Enter")
    item = page.get_by_role("menuitem", name="이 페이지 고치기")
    item.wait_for()
    # The editor is the heaviest page: wait for it by its address (a navigation may take 45 s, tests/live.py).
    with page.expect_navigation(url=re.compile(r"/cms/pages/\d+/edit/")):
        item.press("Enter")
    page.locator("form#page-edit-form").wait_for(timeout=45_000)


def preview_shows(page, text):
    """Open the editor's preview panel and wait until the draft's text is in it."""
    toggle = page.get_by_role("button", name="미리 보기 열고 닫기")
    # Wagtail remembers the last open side panel, so the preview may already be open (showing what was
    # there before the edit): close it first, as an editor would to refresh it, then open it.
    if toggle.get_attribute("aria-expanded") == "true":
        toggle.click()
    toggle.click()
    # The panel double-buffers its iframe (a new one loads behind the shown one), so look in whichever
    # preview frame has loaded the draft.
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "/preview/" in frame.url and text in frame.locator("body").inner_text(timeout=2_000):
                return
        page.wait_for_timeout(300)
    page.screenshot(path=str(ROOT / "var" / "journeys" / "preview-failure.png"))
    seen = [(frame.url, frame.locator("body").inner_text(timeout=2_000)[:300]) for frame in page.frames]
    raise AssertionError(f"the preview never showed {text!r}: {seen}")


def footer_action(page, label):
    """An action at the foot of the editor: the main button, or one in its "다른 작업" menu."""
    preview = page.get_by_role("button", name="미리 보기 열고 닫기")
    if preview.count() and preview.get_attribute("aria-expanded") == "true":
        preview.click()  # on a phone the open preview covers the editor's footer
    footer = page.locator("footer")
    if label == "승인":
        # The plain approval, not "의견을 남기고 승인" (which opens a dialog for a comment).
        button = footer.locator('button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])')
    else:
        button = footer.get_by_role("button", name=label, exact=True)
    if not button.is_visible():
        # By keyboard: on a phone the editor's sticky header and panels lie over the footer's menu button.
        footer.get_by_role("button", name="다른 작업").press("Enter")
    with page.expect_navigation():
        button.press("Enter")
    page.wait_for_load_state()


def awaiting_review(page, title):
    """The moderator's dashboard panel "내 검토를 기다리는 항목", then the item's editor."""
    expect(page.get_by_text("내 검토를 기다리는 항목").first).to_be_visible()
    page.get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_load_state()


def test_a_lesson_and_quiz_change_is_previewed_reviewed_and_then_public(person, create_account, unique):
    editor_name, editor_password = create_account("editor", unique("editor"))
    moderator_name, moderator_password = create_account("moderator", unique("moderator"))
    new_summary = f"검토를 거친 새 요약이에요 {unique('s')}"
    new_prompt = f"초안에서 새로 쓴 질문이에요 {unique('q')}"

    # A reader opens the lesson first, so the anonymous page cache holds the old page.
    reader = person("reader")
    page = reader.start()
    open_lesson(page)
    assert new_summary not in page.locator("p.lead").inner_text()

    # The editor logs in on the site, opens the lesson and edits it from Wagtail's user bar.
    editor = person("editor")
    page = editor.start()
    log_in(page, editor_name, editor_password)
    open_lesson(page)
    edit_from_userbar(page)
    page.locator("#id_summary").fill(new_summary)
    preview_shows(page, new_summary)
    editor.shot("lesson-preview")
    footer_action(page, "교육과정 검토에 제출")
    editor.shot("lesson-submitted")

    # Then the lesson's check quiz: its first question gets a new prompt.
    page = editor.start()
    open_lesson(page)
    page.get_by_role("link", name=CHECK_QUIZ_LINK).first.click()
    quiz_title = page.locator("h1").inner_text()
    edit_from_userbar(page)
    page.locator('textarea[name="questions-0-value-prompt"]').fill(new_prompt)
    footer_action(page, "초안 저장")
    preview_shows(page, new_prompt)
    editor.shot("quiz-preview")
    footer_action(page, "교육과정 검토에 제출")

    # Submitted is not published: the reader still sees the old lesson.
    page = reader.page
    page.reload()
    expect(page.locator("p.lead")).not_to_have_text(new_summary)

    # The moderator sees both drafts in review on the dashboard, checks each and approves.
    moderator = person("moderator")
    page = moderator.start()
    log_in(page, moderator_name, moderator_password)
    page = open_admin(moderator)
    moderator.shot("dashboard")
    for title, new_text in ((LESSON, new_summary), (quiz_title, new_prompt)):
        page = open_admin(moderator)
        awaiting_review(page, title)
        preview_shows(page, new_text)
        moderator.shot("reviewing")
        footer_action(page, "승인")

    # The reader, whose copy of the page was cached before, now sees the new text and question.
    page = reader.page
    page.reload()
    expect(page.locator("p.lead")).to_have_text(new_summary)
    page.get_by_role("link", name=CHECK_QUIZ_LINK).first.click()
    expect(page.get_by_text(new_prompt)).to_be_visible()
    reader.shot("approved-quiz")


def help_card_phones(page):
    return page.locator("section.card--help").first.inner_text()


def test_a_hotline_number_changes_only_after_approval_then_on_every_help_card(person, create_account, unique):
    editor_name, editor_password = create_account("editor", unique("editor"))
    moderator_name, moderator_password = create_account("moderator", unique("moderator"))
    # A number no other run of this journey uses (phone and desktop may share one live server).
    new_phone = f"1388-{secrets.randbelow(9000) + 1000}"

    reader = person("reader")
    page = reader.start()
    open_lesson(page)
    assert new_phone not in help_card_phones(page)

    # The editor opens the help channels from the admin's menu and changes 1388's number.
    editor = person("editor")
    page = editor.start()
    log_in(page, editor_name, editor_password)
    page = open_admin(editor)
    snippets = page.get_by_role("link", name="스니펫", exact=True)
    if not snippets.is_visible():
        # The phone's collapsed sidebar; its label comes from Wagtail's JavaScript catalogue.
        page.get_by_role("button", name=re.compile("사이드바 열고 닫기|사이드 전환")).first.click()
    snippets.click()
    page.get_by_role("link", name="도움 창구").click()
    page.get_by_role("link", name=CHANNEL, exact=True).first.click()
    expect(page.get_by_text("이 변경이 반영되는 수업").first).to_be_visible()
    editor.shot("channel-affected-lessons")
    page.locator("#id_phone").fill(new_phone)
    footer_action(page, "교육과정 검토에 제출")
    editor.shot("channel-submitted")

    # Not live until approved: not on the lesson's help card, not on the help page.
    page = reader.page
    page.reload()
    assert new_phone not in help_card_phones(page)

    moderator = person("moderator")
    page = moderator.start()
    log_in(page, moderator_name, moderator_password)
    page = open_admin(moderator)
    awaiting_review(page, CHANNEL)
    footer_action(page, "승인")

    # Now every lesson's help card for young readers shows it: the one the reader had open, and the
    # module's high-school lesson (1388 is for under-18s, so a university lesson's card may leave it out).
    page = reader.page
    page.reload()
    assert new_phone in help_card_phones(page)
    reader.shot("help-card-approved")
    page.get_by_role("link", name=MODULE).first.click()
    page.get_by_role("link", name=OTHER_LESSON).first.click()
    assert new_phone in help_card_phones(page)
