"""Help on every page, the get-help routing, report guides, and pages that leave no trace."""

import re

import pytest

from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from wagtail.models import Page, Site

from support.models import HelpChannel, SafetySettings

pytestmark = pytest.mark.django_db

HELP_PAGES = [
    "/ko/help/",
    "/en/help/",
    "/ko/help/report/",
    "/en/help/report/",
    "/ko/help/quick-exit/",
    "/en/help/quick-exit/",
    "/ko/help/?situation=threatened",
]


def site_urls():
    """Every GET-able URL the site serves to people: the URLconf's own views and every live page."""
    urls = set()

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith(("cms/", "documents/")):
                    continue  # the editors' admin has its own chrome
                walk(pattern, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(?P" not in route:
                urls.add("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver())
    people_urls = set()
    for url in urls:
        for language in ("ko", "en"):
            people_urls.add(url.replace("ko/", f"{language}/", 1) if url.startswith("/ko/") else url)
    people_urls = {url for url in people_urls if url.startswith(("/ko/", "/en/"))}
    for page in Page.objects.live().filter(depth__gt=1).specific():
        people_urls.add(page.url)
    return sorted(people_urls)


def assert_help_bar(html, url):
    assert re.search(r'href="tel:\d+"', html), f"{url}: no emergency tel: link"
    assert 'href="/ko/help/"' in html or 'href="/en/help/"' in html, f"{url}: no get-help link"
    assert "/help/report/" in html, f"{url}: no report link"
    assert "data-quick-exit" in html, f"{url}: no Quick Exit"
    assert html.index('class="skip-link"') < html.index("<a ", html.index('class="skip-link"') - 40) + 200


@pytest.mark.parametrize("logged_in", [False, True])
def test_help_bar_and_quick_exit_on_every_url(make_user, logged_in):
    client = Client()
    if logged_in:
        client.force_login(make_user("someone", account_type="teacher", email="t@school.example"))
    checked = 0
    for url in site_urls():
        response = client.get(url, follow=True)
        if response.status_code == 405:
            continue
        assert response.status_code in (200, 403, 404), f"{url}: {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        assert_help_bar(response.content.decode(), url)
        checked += 1
    assert checked > 100


def test_skip_link_is_the_first_focusable_element(client):
    html = client.get("/ko/").content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)
    assert 'class="skip-link"' in first_link


def test_404_has_the_help_bar(client):
    response = client.get("/ko/does-not-exist/")
    assert response.status_code == 404
    assert_help_bar(response.content.decode(), "404")


@pytest.mark.parametrize("url", HELP_PAGES)
def test_help_pages_leave_no_trace(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert title.split("|")[0].strip() in ("Information", "안내")


def test_outbound_help_links_carry_noreferrer(client):
    html = client.get("/en/help/").content.decode()
    outbound = re.findall(r'<a [^>]*href="https?://[^"]+"[^>]*>', html)
    assert outbound
    assert all('rel="noreferrer"' in link or "noreferrer" in link for link in outbound)


def test_no_page_loads_anything_from_another_host(client):
    pattern = re.compile(r'<(script|link|img|iframe|source)\b[^>]*(src|href)="(https?:)?//', re.I)
    for url in site_urls():
        response = client.get(url, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        offending = [
            match.group(0)
            for match in pattern.finditer(html)
            if 'rel="stylesheet"' in match.group(0) or match.group(1).lower() != "link"
        ]
        assert not offending, f"{url}: {offending}"
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


# -- routing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "situation", "expected_phones", "expected_urls"),
    [
        ("ko", "danger", ["112"], []),
        ("ko", "image_shared", ["1366"], ["https://takeitdown.ncmec.org", "https://stopncii.org"]),
        ("en", "threatened", ["112"], ["https://ecrm.police.go.kr/minwon/main"]),
        ("ko", "witness", ["117"], []),
        ("en", "talk", ["1388"], []),
    ],
)
def test_get_help_routes_by_situation(client, language, situation, expected_phones, expected_urls):
    response = client.get(f"/{language}/help/", {"situation": situation})
    channels = response.context["channels"]
    assert channels and all(situation in channel.situations for channel in channels)
    assert all(channel.locale.language_code == language for channel in channels)
    phones = [channel.phone for channel in channels]
    urls = [channel.url.rstrip("/") for channel in channels]
    for phone in expected_phones:
        assert phone in phones
    for url in expected_urls:
        assert url.rstrip("/") in urls


def test_under_18_and_adult_takedown_tools_are_labelled(client):
    channels = {channel.key: channel for channel in client.get("/en/help/").context["channels"]}
    assert channels["take-it-down"].audience == "under_18"
    assert channels["stopncii"].audience == "adults"


def test_unknown_situation_is_a_404(client):
    assert client.get("/ko/help/", {"situation": "nonsense"}).status_code == 404


def test_unknown_country_falls_back_to_the_default_channels(client):
    response = client.get("/en/help/", {"country": "ZZ", "situation": "danger"})
    assert [channel.phone for channel in response.context["channels"]] == ["112"]


def test_a_language_without_channels_falls_back_to_the_default_language(client, en):
    HelpChannel.objects.filter(locale=en).update(active=False)
    response = client.get("/en/help/")
    assert response.context["channels"]
    assert all(channel.locale.language_code == "ko" for channel in response.context["channels"])


def test_an_inactive_channel_disappears_everywhere(client):
    channel = HelpChannel.objects.get(key="youth-1388", locale__language_code="ko")
    lesson_url = Page.objects.get(slug="report-remove-recover", locale__language_code="ko").url
    assert channel.name in client.get(lesson_url).content.decode()
    channel.active = False
    channel.save()
    for url in ("/ko/help/", "/ko/help/?situation=talk", lesson_url):
        assert channel.name not in client.get(url).content.decode(), url


def test_report_guides_cover_the_platforms_and_the_rule(client):
    html = client.get("/en/help/report/").content.decode()
    for platform in ("Telegram", "X", "YouTube", "Instagram"):
        assert platform in html
    assert "Do not download or forward it." in html


# -- bad input --------------------------------------------------------------------------------------------------


def test_channel_with_an_undialable_phone_is_rejected():
    channel = HelpChannel.objects.first()
    channel.phone = "call me maybe"
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert "phone" in error.value.message_dict


def test_channel_with_a_non_http_address_is_rejected():
    channel = HelpChannel.objects.first()
    channel.url = "javascript:alert(1)"
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert "url" in error.value.message_dict


def test_editor_sees_the_message_in_the_admin(admin_client):
    channel = HelpChannel.objects.get(key="police-112", locale__language_code="en")
    url = f"/cms/snippets/support/helpchannel/edit/{channel.pk}/"
    data = {
        field: getattr(channel, field)
        for field in (
            "key",
            "name",
            "kind",
            "text_or_chat",
            "hours",
            "audience",
            "description",
            "country",
            "sort_order",
        )
    }
    data.update(phone="not a number", url="", situations='["danger"]', active="on")
    response = admin_client.post(url, data)
    channel.refresh_from_db()
    assert channel.phone == "112"
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors


def test_emergency_number_and_exit_destination_are_settings(client):
    settings = SafetySettings.for_site(Site.objects.get(is_default_site=True))
    settings.emergency_number = "119"
    settings.quick_exit_url = "https://weather.example/"
    settings.save()
    html = Client().get("/ko/").content.decode()
    assert 'href="tel:119"' in html
    assert 'href="https://weather.example/"' in html
