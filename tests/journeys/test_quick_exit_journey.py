"""Quick Exit is in reach on every screen, and after it Back never shows a help or report page.

Walks the demo curriculum (module 03, "딥페이크와 법: 어떤 행동이 어떤 범죄일까", a long lesson) and
the demo help situations. The neutral destination is SafetySettings.quick_exit_url, pointed at a local
stand-in site by the `exit_to_neutral_site` fixture (no outside network here): no URL is typed.
"""

import re

from playwright.sync_api import expect

# The bar's reach as the person sees it: on screen, big enough for a thumb, and not over the text.
QUICK_EXIT_BOX = """() => {
  const exit = document.querySelector('[data-quick-exit]');
  const r = exit.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height,
          viewportHeight: innerHeight, viewportWidth: innerWidth,
          barBottom: document.querySelector('.help-bar').getBoundingClientRect().bottom,
          scrollY: scrollY, end: Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight};
}"""


def tap(person, locator):
    """A finger on the phone, a mouse on the desktop."""
    if person.device == "phone":
        locator.tap()
    else:
        locator.click()


def assert_in_reach(box, where):
    assert box["top"] >= 0 and box["bottom"] <= box["viewportHeight"], f"Quick Exit off screen {where}: {box}"
    assert box["left"] >= 0 and box["right"] <= box["viewportWidth"], f"Quick Exit off screen {where}: {box}"
    assert box["width"] >= 44 and box["height"] >= 44, f"Quick Exit too small {where}: {box}"


def scroll_down(person):
    """One swipe up on the phone, one turn of the wheel on the desktop; waits until the page has moved."""
    page = person.page
    height = page.viewport_size["height"]
    before = page.evaluate("scrollY")  # read before the wheel: it may have scrolled by the next read
    page.mouse.move(page.viewport_size["width"] / 2, height / 2)
    page.mouse.wheel(0, height * 0.8)
    page.wait_for_function(
        "(y) => scrollY !== y || Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight",
        arg=before,
    )


def test_quick_exit_stays_in_reach_down_a_whole_lesson(person, exit_to_neutral_site):
    student = person("student")
    page = student.start("ko")
    page.locator(".site-header").get_by_role("link", name="수업", exact=True).click()
    page.get_by_role("link", name="딥페이크(허위영상물)와 AI").click()
    page.get_by_role("link", name="딥페이크와 법: 어떤 행동이 어떤 범죄일까").first.click()
    expect(page.locator("main h1")).to_contain_text("딥페이크와 법")  # the lesson has loaded
    lesson_url = page.url
    student.assert_fits()

    # At rest the bar takes its own room: the page's heading starts below it, nothing is hidden under it.
    box = page.evaluate(QUICK_EXIT_BOX)
    assert_in_reach(box, "at the top")
    assert page.locator("main h1").bounding_box()["y"] >= box["barBottom"]

    steps = 0
    while not box["end"]:
        scroll_down(student)
        box = page.evaluate(QUICK_EXIT_BOX)
        steps += 1
        assert_in_reach(box, f"after scrolling to {box['scrollY']}px")
        assert steps < 200, "the lesson never ended"
    assert steps >= 5, f"the lesson was only {steps} screens long: not a real scroll"
    # At the very bottom the last line of the footer is still below the bar, readable.
    footer = page.locator(".site-footer p").last.bounding_box()
    assert footer["y"] >= box["barBottom"], (footer, box)
    student.shot("quick-exit-bottom-of-lesson")

    tap(student, page.get_by_role("link", name="빠른 나가기", exact=True))
    page.wait_for_url(exit_to_neutral_site)
    assert page.title() == "Weather"
    page.go_back()
    page.wait_for_load_state()
    # The lesson was replaced in the history: Back goes to the module page, not to the lesson.
    assert page.url != lesson_url
    assert "/help/" not in page.url
    assert page.locator("h1").inner_text() == "딥페이크(허위영상물)와 AI"


def test_back_after_quick_exit_does_not_return_to_the_help_page(person, exit_to_neutral_site):
    student = person("student")
    page = student.start("ko")
    home = page.url
    tap(student, page.locator(".help-bar").get_by_role("link", name="도움 받기", exact=True))
    page.wait_for_url(re.compile(r"/ko/help/$"))
    situations = page.get_by_role("navigation", name="지금 내 상황")
    tap(student, situations.get_by_role("link", name="누군가 내 사진이나 영상을 만들거나 퍼뜨렸어요"))
    page.wait_for_url(re.compile(r"situation=image_shared"))
    situations = page.get_by_role("navigation", name="지금 내 상황")
    tap(student, situations.get_by_role("link", name="누군가 나를 협박하고 있어요"))
    page.wait_for_url(re.compile(r"situation=threatened"))
    assert page.locator("main h2").first.inner_text() == "누군가 나를 협박하고 있어요"
    student.assert_fits()
    student.shot("help-two-situations")

    tap(student, page.get_by_role("link", name="빠른 나가기", exact=True))
    page.wait_for_url(exit_to_neutral_site)
    page.go_back()
    page.wait_for_load_state()
    # Neither situation nor the help page itself is in the history: Back lands on the front page.
    assert "/help/" not in page.url
    assert page.url == home
    student.shot("back-after-quick-exit")
    page.go_back()
    assert "/help/" not in page.url
