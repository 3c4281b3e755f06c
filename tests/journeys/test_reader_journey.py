"""A reader (no account) walks from the front page to a lesson in English and reads its law card.

Walks the demo curriculum (module 03, middle-school lesson "What deepfakes are").
"""

import re

from playwright.sync_api import expect

HANGUL = re.compile("[\uac00-\ud7a3]")


def test_english_lesson_cites_the_english_law_reference(person):
    reader = person("reader")
    page = reader.start("ko")
    page.get_by_role("link", name="English").first.click()
    page.get_by_role("link", name="Lessons", exact=True).first.click()
    page.get_by_role("link", name="Deepfakes and AI").click()
    page.get_by_role("link", name="What deepfakes are: fake images, real harm").click()
    expect(page.locator("main h1")).to_contain_text("What deepfakes are")  # the lesson, not the module
    reader.assert_fits()  # was 401 px wide on a 390 px phone

    law = page.locator("section.law").first
    law.scroll_into_view_if_needed()
    reader.shot("english-law-card")
    heading = law.locator("h3").inner_text()
    assert heading.startswith("What the law says")
    # The card is the English reference: what it punishes is in English, and the penalty is stated in
    # English first (the Korean statute's words may follow in brackets).
    assert not HANGUL.search(law.locator("dd").nth(1).inner_text()), law.inner_text()
    assert not HANGUL.match(law.locator("dd").nth(2).inner_text().strip()), law.inner_text()
