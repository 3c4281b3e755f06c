"""Every lesson and quiz block shows its preview in the editor's block chooser, in the site's styles."""

import pytest

from django.urls import reverse

from lessons.models import LessonPage
from quizzes.models import QuizPage
from tests.factories import LawReferenceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

STREAMS = {
    "lesson": LessonPage._meta.get_field("body").stream_block,
    "quiz": QuizPage._meta.get_field("questions").stream_block,
}
BLOCKS = [(stream, name) for stream, block in STREAMS.items() for name in block.child_blocks]


def expected_text(block, value):
    """A piece of text the preview value must put on the page."""
    if block.name == "paragraph":
        return "Text of the lesson."
    if block.name == "law":
        return value["law"].act
    if block.name == "help_card":
        return value["title"]
    for key in ("prompt", "text", "title", "term", "caption"):
        if value.get(key):
            return value[key]
    raise AssertionError(f"no text in the preview value of {block.name}")


def test_every_block_is_offered_with_a_preview():
    assert len(BLOCKS) == 17
    for stream, name in BLOCKS:
        assert STREAMS[stream].child_blocks[name].is_previewable, (stream, name)


@pytest.mark.parametrize(("stream", "name"), BLOCKS)
def test_the_block_preview_endpoint_renders_the_preview_value_in_the_site_styles(admin_client, stream, name):
    LawReferenceFactory()  # the law block previews a real reference
    block = STREAMS[stream].child_blocks[name]
    response = admin_client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/site.css" in html
    assert 'class="lesson-body block-preview"' in html
    text = str(expected_text(block, block.get_preview_value()))
    assert text.replace("'", "&#x27;") in html, (name, text)


def test_the_block_preview_needs_the_admin(client):
    block = STREAMS["lesson"].child_blocks["callout"]
    response = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
    assert response.status_code == 302
