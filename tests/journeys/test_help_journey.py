"""Help you can tap (issue 15 D7; issue 14 points 8, 15, 16, 21), walked from the front page.

Walks the demo curriculum (module 06 "피해가 생겼을 때", middle-school lesson "신고하고, 지우고,
회복하기") and the demo help channels and report guides (demo/help/).
"""

from playwright.sync_api import expect

from tests.live import assert_accessible


def test_pupil_taps_help_on_a_lesson_then_finds_how_to_report_on_kakaotalk(person):
    pupil = person("pupil")
    page = pupil.start("ko")
    page.get_by_role("link", name="수업", exact=True).first.click()
    page.get_by_role("link", name="피해가 생겼을 때").click()
    page.get_by_role("link", name="신고하고, 지우고, 회복하기").click()

    card = page.locator("section.card--help")
    card.scroll_into_view_if_needed()
    pupil.shot("lesson-help-card")
    buttons = card.locator("a.call-button")
    numbers = [buttons.nth(i).get_attribute("href") for i in range(buttons.count())]
    assert {"tel:112", "tel:1366", "tel:117"} <= set(numbers)
    # 1388's line: the editor-review journey may have changed its number (to 1388-NNNN) on this live server.
    assert any(number.startswith("tel:1388") for number in numbers), numbers
    assert "tel:1377" not in numbers  # its status after the 2025 rename is not confirmed
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, numbers[i]
    assert "StopNCII" not in card.inner_text()  # an 18+ service, not on a middle-school card
    pupil.assert_fits()

    card.get_by_role("link", name="더 많은 도움").click()
    expect(page.get_by_role("heading", name="도움 받기", level=1)).to_be_visible()
    assert page.locator("a.call-button[href='tel:1377']").count() == 0
    assert "1377 (확인되지 않음)" in page.locator("main").inner_text()
    pupil.shot("help-page")

    page.get_by_role("link", name="플랫폼에 콘텐츠를 신고하는 방법").click()
    picker = page.get_by_role("navigation", name="플랫폼 고르기")
    picker.wait_for()  # count() does not wait for the page it was clicked to
    assert picker.get_by_role("link").count() >= 8
    pupil.shot("report-picker")
    picker.get_by_role("link", name="KakaoTalk (카카오톡)").click()
    kakao = page.locator("section#guide-kakaotalk, section[aria-labelledby='guide-kakaotalk']")
    assert page.url.endswith("#guide-kakaotalk")
    expect(kakao).to_be_visible()
    assert "오픈채팅" in kakao.inner_text() and "차단 및 신고" in kakao.inner_text()
    assert kakao.get_by_role("link").first.get_attribute("rel") == "noreferrer"
    pupil.shot("report-kakaotalk")
    pupil.assert_fits()
    assert_accessible(page)


def test_pupil_taps_report_in_the_help_bar_from_the_front_page(person):
    """The help bar's three links are whole beside Quick Exit on a phone (they used to run on under it)."""
    pupil = person("pupil")
    page = pupil.start("ko")
    bar = page.get_by_role("region", name="도움과 안전")
    expect(bar.get_by_role("link", name="긴급 112")).to_be_visible()
    bar.get_by_role("link", name="신고하기", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("신고하기")
    assert page.url.endswith("/ko/help/report/")
    pupil.shot("help-bar-report")
    pupil.assert_fits()


def test_parent_opens_the_printable_letter_for_a_module(person):
    parent = person("parent")
    page = parent.start("ko")
    page.get_by_role("link", name="수업", exact=True).first.click()
    page.get_by_role("link", name="피해가 생겼을 때").click()
    page.get_by_role("link", name="보호자 안내문 (인쇄용)").click()

    letter = page.locator("article.letter")
    expect(letter).to_be_visible()
    assert "학생들이 배우는 것" in letter.inner_text()
    assert "1366" in letter.inner_text()
    parent.shot("guardian-letter")
    parent.assert_fits()
    page.emulate_media(media="print")
    expect(page.locator(".help-bar")).to_be_hidden()
    expect(page.locator(".letter__hint")).to_be_hidden()
    expect(letter).to_be_visible()
    parent.shot("guardian-letter-print")
    page.emulate_media(media="screen")
    assert_accessible(page)
