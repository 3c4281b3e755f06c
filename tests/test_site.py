"""The home page, language prefixes, the switcher, error pages."""

import pytest

from django.test import Client

from tests.factories import LessonPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def test_root_redirects_to_a_language():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] in ("/ko/", "/en/")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ko", ["도움이 필요해요", "학생이에요", "교사예요", "중학교", "고등학교", "대학"]),
        ("en", ["I need help now", "I'm a student", "I'm a teacher", "Middle school", "High school", "University"]),
    ],
)
def test_home_page_in_each_language_with_entry_points(client, language, expected):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for text in expected:
        assert text in html
    assert '<main id="main"' in html
    assert 'class="skip-link" href="#main"' in html


def test_switcher_on_home_points_to_the_other_language(client):
    html = client.get("/ko/").content.decode()
    assert 'href="/en/" hreflang="en"' in html


def test_switcher_on_a_lesson_keeps_the_reader_on_that_lesson(client, ko, en):
    lesson = LessonPageFactory()
    assert lesson.locale == ko
    english = lesson.copy_for_translation(en, copy_parents=True)
    english.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert f'href="{english.url}" hreflang="en"' in html


def test_switcher_on_a_plain_view_translates_the_path(client):
    html = client.get("/ko/help/report/").content.decode()
    assert 'href="/en/help/report/" hreflang="en"' in html


def test_unknown_language_prefix_is_a_404_with_the_site_chrome(client):
    response = client.get("/xx/", follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert "help-bar" in html and "quick-exit" in html


def test_missing_page_is_a_404_with_the_site_chrome(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "tel:112" in response.content.decode()


def test_server_error_page_renders_without_the_database(rf):
    from website.views import server_error

    response = server_error(rf.get("/ko/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "tel:112" in html and "data-quick-exit" in html


def test_anonymous_readers_get_no_cookies(client):
    for url in ("/ko/", "/en/", "/ko/help/", LessonPageFactory().url):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, f"{url} set {list(response.cookies)}"
