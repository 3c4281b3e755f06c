"""Help on every page, the get-help routing, report guides, and pages that leave no trace."""

import re
from pathlib import Path

import pytest

from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from wagtail.models import Page, Site

from support.models import HelpChannel, ReportGuide, SafetySettings
from tests.factories import CurriculumIndexPageFactory, LessonPageFactory, ModulePageFactory, QuizPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]

HELP_PAGES = [
    "/ko/help/",
    "/en/help/",
    "/ko/help/report/",
    "/en/help/report/",
    "/ko/help/quick-exit/",
    "/en/help/quick-exit/",
    "/ko/help/?situation=threatened",
]


# -- what the tests build: help lines, report guides and a small curriculum in both languages (issue 17) ------

# key, name, kind, phone, web address, audience, country, order, situations, confirmed
CHANNELS = [
    ("police-112", "Police 112", "emergency", "112", "", "all", "KR", 10, ["danger", "threatened"], True),
    (
        "women-1366",
        "Women's line 1366",
        "counselling",
        "1366",
        "https://women-line.example",
        "all",
        "KR",
        20,
        ["image_shared", "threatened", "witness", "talk"],
        True,
    ),
    (
        "school-117",
        "School line 117",
        "school",
        "117",
        "https://school-line.example",
        "all",
        "KR",
        30,
        ["witness"],
        True,
    ),
    (
        "youth-1388",
        "Youth line 1388",
        "counselling",
        "1388",
        "https://youth-line.example",
        "young_people",
        "KR",
        35,
        ["talk"],
        True,
    ),
    (
        "d4u-center",
        "Deletion support centre",
        "deletion_support",
        "1366",
        "https://deletion-support.example",
        "all",
        "KR",
        40,
        ["image_shared", "witness"],
        True,
    ),
    (
        "police-ecrm",
        "Police online report",
        "police_report",
        "",
        "https://police-report.example/main",
        "all",
        "KR",
        50,
        ["image_shared", "threatened", "witness"],
        True,
    ),
    (
        "legal-aid-132",
        "Legal aid 132",
        "legal_aid",
        "132",
        "https://legal-aid.example",
        "all",
        "KR",
        60,
        ["image_shared", "threatened"],
        True,
    ),
    (
        "sunflower-centres",
        "Sunflower centres",
        "counselling",
        "",
        "https://sunflower.example",
        "all",
        "KR",
        65,
        ["image_shared", "talk"],
        True,
    ),
    ("regulator-1377", "Regulator 1377", "regulator_report", "1377", "", "all", "KR", 70, [], False),
    (
        "take-it-down",
        "Take It Down",
        "international",
        "",
        "https://take-it-down.example",
        "under_18",
        "INT",
        110,
        ["image_shared"],
        True,
    ),
    (
        "stopncii",
        "StopNCII",
        "international",
        "",
        "https://stopncii.example",
        "adults",
        "INT",
        120,
        ["image_shared"],
        True,
    ),
    (
        "ncmec-cybertipline",
        "CyberTipline",
        "international",
        "",
        "https://cybertipline.example",
        "all",
        "INT",
        130,
        ["witness"],
        True,
    ),
    ("iwf", "IWF", "international", "", "https://iwf.example", "all", "INT", 140, ["witness"], True),
]

# key, platform, a web address its steps give (besides the official report page)
GUIDES = [
    ("telegram", "Telegram", "https://telegram.example/abuse"),
    ("x", "X", "https://help.x.com/forms/safety-and-sensitive-content/take-it-down"),
    ("youtube", "YouTube", "https://youtube.example/report"),
    ("meta", "Instagram", "https://instagram.example/report"),
    ("kakaotalk", "KakaoTalk", "https://clean-center.kakao.com"),
    ("naver", "Naver", "https://naver.example/report"),
    ("discord", "Discord", "https://discord.example/report"),
    ("tiktok", "TikTok", "https://tiktok.example/report"),
]


@pytest.fixture
def help_channels(ko, en):
    """The help lines in Korean and English, and only these: the demo's lines (if loaded) are removed first."""
    HelpChannel.objects.all().delete()
    for locale in (ko, en):
        for key, name, kind, phone, url, audience, country, order, situations, confirmed in CHANNELS:
            channel = HelpChannel(
                locale=locale,
                key=key,
                name=f"{name} ({locale.language_code})",
                kind=kind,
                phone=phone,
                url=url,
                hours="24/7",
                audience=audience,
                description=f"What {name} does.",
                country=country,
                situations=situations,
                sort_order=order,
                confirmed=confirmed,
                status_note="" if confirmed else f"Whether {name} still answers is not confirmed.",
            )
            channel.full_clean()
            channel.save()


@pytest.fixture
def report_guides(ko, en):
    """A report guide per platform in Korean and English, and only these."""
    ReportGuide.objects.all().delete()
    for locale in (ko, en):
        for order, (key, platform, address) in enumerate(GUIDES):
            guide = ReportGuide(
                locale=locale,
                key=key,
                platform=platform,
                report_url=f"https://report-{key}.example/form",
                steps=f"Open {platform} and find the post.\nReport it at {address}\nKeep the link and the time.",
                notes=f"How {platform} answers a report.",
                sort_order=(order + 1) * 10,
            )
            guide.full_clean()
            guide.save()


HELP_CARD_BODY = [("paragraph", "<p>Text of the lesson.</p>"), ("help_card", {"title": ""})]


def lesson_with_help_card(language="ko", audience="middle_school", **fields):
    """A live lesson whose body has a help card, under a module of its band in `language`."""
    home = Page.objects.get(depth=2, locale__language_code=language)
    bands = {"for_middle_school": audience == "middle_school", "for_high_school": audience == "high_school"}
    module = ModulePageFactory(
        parent=CurriculumIndexPageFactory(parent=home), for_university=audience == "university", **bands
    )
    return LessonPageFactory(parent=module, audience=audience, body=HELP_CARD_BODY, **fields)


@pytest.fixture
def help_site(help_channels, report_guides):
    """Every kind of page in both languages (curriculum, modules of two bands, lessons with a help card,
    quizzes), the help lines and the report guides: what a crawl of the whole site meets."""
    for language in ("ko", "en"):
        home = Page.objects.get(depth=2, locale__language_code=language)
        index = CurriculumIndexPageFactory(parent=home)
        for band in ("middle_school", "university"):
            module = ModulePageFactory(
                parent=index, for_middle_school=band == "middle_school", for_university=band == "university"
            )
            for _ in range(2):
                QuizPageFactory(parent=LessonPageFactory(parent=module, audience=band, body=HELP_CARD_BODY))


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
def test_help_bar_and_quick_exit_on_every_url(help_site, make_user, logged_in):
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


def test_skip_link_is_the_first_focusable_element(help_site, client):
    html = client.get("/ko/").content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)
    assert 'class="skip-link"' in first_link


def test_404_has_the_help_bar(help_channels, client):
    response = client.get("/ko/does-not-exist/")
    assert response.status_code == 404
    assert_help_bar(response.content.decode(), "404")


@pytest.mark.parametrize("url", HELP_PAGES)
def test_help_pages_leave_no_trace(help_channels, report_guides, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert title.split("|")[0].strip() in ("Information", "안내")


def test_outbound_help_links_carry_noreferrer(help_channels, client):
    html = client.get("/en/help/").content.decode()
    outbound = re.findall(r'<a [^>]*href="https?://[^"]+"[^>]*>', html)
    assert outbound
    assert all('rel="noreferrer"' in link or "noreferrer" in link for link in outbound)


def test_no_page_loads_anything_from_another_host(help_site, client):
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


def test_unknown_situation_is_a_404(help_channels, client):
    assert client.get("/ko/help/", {"situation": "nonsense"}).status_code == 404


def test_unknown_country_falls_back_to_the_default_channels(help_channels, client):
    response = client.get("/en/help/", {"country": "ZZ", "situation": "danger"})
    assert [channel.phone for channel in response.context["channels"]] == ["112"]


def test_a_language_without_channels_falls_back_to_the_default_language(help_channels, client, en):
    HelpChannel.objects.filter(locale=en).update(active=False)
    response = client.get("/en/help/")
    assert response.context["channels"]
    assert all(channel.locale.language_code == "ko" for channel in response.context["channels"])


def test_an_inactive_channel_disappears_everywhere(help_channels, client):
    channel = HelpChannel.objects.get(key="youth-1388", locale__language_code="ko")
    lesson_url = lesson_with_help_card("ko", "middle_school").url
    assert channel.name in client.get(lesson_url).content.decode()
    channel.active = False
    channel.save()
    for url in ("/ko/help/", "/ko/help/?situation=talk", lesson_url):
        assert channel.name not in client.get(url).content.decode(), url


@pytest.mark.parametrize("language", ["ko", "en"])
def test_report_page_has_a_platform_picker_for_eight_platforms(report_guides, client, language):
    response = client.get(f"/{language}/help/report/")
    html = response.content.decode()
    guides = response.context["guides"]
    assert len(guides) >= 8
    picker = html[html.index('class="platform-picker"') : html.index("</nav>", html.index('class="platform-picker"'))]
    for guide in guides:
        assert f'href="#guide-{guide.key}"' in picker  # an anchor link, no script needed
        assert f'id="guide-{guide.key}"' in html
    assert html.index('class="platform-picker"') < html.index('id="guide-')


def test_web_addresses_in_guides_are_links_without_referrer(report_guides, client):
    html = client.get("/ko/help/report/").content.decode()
    for url in (
        "https://clean-center.kakao.com",
        "https://help.x.com/forms/safety-and-sensitive-content/take-it-down",
    ):
        assert f'<a href="{url}" rel="noreferrer">{url}</a>' in html
    outbound = re.findall(r'<a [^>]*href="https?://[^"]+"[^>]*>', html)
    assert len(outbound) >= 16 and all('rel="noreferrer"' in link for link in outbound)


def test_guide_text_is_escaped_when_addresses_become_links():
    from support.templatetags.help_tags import link_urls

    html = link_urls('<script>alert(1)</script> see https://example.org/a?b=1&c="x" now.')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org/a?b=1&amp;c=" rel="noreferrer">' in html
    assert html.endswith(" now.")


# -- bad input --------------------------------------------------------------------------------------------------


def test_channel_with_an_undialable_phone_is_rejected(help_channels):
    channel = HelpChannel.objects.first()
    channel.phone = "call me maybe"
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert "phone" in error.value.message_dict


def test_channel_with_a_non_http_address_is_rejected(help_channels):
    channel = HelpChannel.objects.first()
    channel.url = "javascript:alert(1)"
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert "url" in error.value.message_dict


def test_editor_sees_the_message_in_the_admin(help_channels, admin_client):
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
    data.update(phone="not a number", url="", situations='["danger"]', active="on", confirmed="on")
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


# -- unconfirmed lines are never tap-to-call (issue 14 #8) ---------------------------------------------------


def test_an_unconfirmed_channel_needs_a_note(help_channels):
    channel = HelpChannel.objects.get(key="police-112", locale__language_code="en")
    channel.confirmed = False
    channel.status_note = ""
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert "status_note" in error.value.message_dict
    assert channel.tel_href == ""


# -- the help card follows the lesson's band (issue 14 #15) and is tappable (issue 15 D7) ------------------


def help_card(client, lesson):
    html = client.get(lesson.url).content.decode()
    start = html.index('class="card card--help"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("slug", ["report-remove-recover", "evidence-without-resharing"])
def test_a_school_lesson_card_shows_core_lines_for_pupils(help_channels, client, slug):
    card = help_card(client, lesson_with_help_card("ko", "middle_school", slug=slug))
    calls = re.findall(r'<a class="call-button" href="tel:(\d+)"', card)
    assert 4 <= len(re.findall(r'class="help-line__name"', card)) <= 5
    assert set(calls) >= {"112", "1366", "117", "1388"}
    for absent in ("StopNCII", "Take It Down", "CyberTipline", "IWF", "1377"):
        assert absent not in card
    assert 'href="/ko/help/"' in card


def test_a_university_lesson_card_shows_adult_lines(help_channels, client):
    card = help_card(client, lesson_with_help_card("en", "university", slug="survivor-support-and-referral"))
    calls = set(re.findall(r'<a class="call-button" href="tel:(\d+)"', card))
    assert {"112", "1366", "132"} <= calls
    assert not calls & {"117", "1388", "1377"}
    assert 4 <= len(re.findall(r'class="help-line__name"', card)) <= 5
    assert "Take It Down" not in card and 'href="/en/help/"' in card


def test_help_page_numbers_are_call_buttons(help_channels, client):
    html = client.get("/en/help/").content.decode()
    assert re.search(r'<a class="call-button" href="tel:112">Call 112</a>', html)
    css = (Path(__file__).resolve().parent.parent / "static" / "css" / "site.css").read_text()
    rule = re.search(r"\.call-button \{([^}]*)\}", css).group(1)
    assert "min-height: 44px" in rule


# -- channels fixed against facts.md / law-supplement.md (issue 14 #9) ---------------------------------------
