"""Class sign-in cards: printed by the teacher, used once by the student, stored hashed, refused when stale."""

import re
from datetime import timedelta

import pytest

from django.test import Client
from django.utils import timezone

from classrooms import cards
from classrooms.models import Classroom, Enrollment, School, SignInCard
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


@pytest.fixture
def teacher(make_teacher):
    return make_teacher("card-teacher")


@pytest.fixture
def classroom(teacher):
    room = Classroom.objects.create(
        school=School.objects.create(name="Card School"), name="3-1", audience_band="high_school"
    )
    room.teachers.add(teacher)
    return room


@pytest.fixture
def students(classroom, make_user):
    people = [make_user(f"card-student-{i}", display_name=f"Nick {i}") for i in range(3)]
    Enrollment.objects.bulk_create([Enrollment(classroom=classroom, student=s) for s in people])
    return people


def print_cards(teacher, classroom):
    response = client_for(teacher).post(f"/en/teach/classes/{classroom.pk}/sign-in-cards/", {"action": "print"})
    assert response.status_code == 200
    html = response.content.decode()
    links = re.findall(r'href="(http://testserver/en/join/card/[^"/]+/)"', html)
    codes = re.findall(r'sign-in-card__code code-text" lang="en">([A-Z0-9-]+)<', html)
    return html, links, codes


def test_printed_cards_show_a_qr_link_and_code_per_student_and_no_password(teacher, classroom, students):
    html, links, codes = print_cards(teacher, classroom)
    assert len(links) == len(codes) == 3
    assert html.count('<svg role="img"') == 3
    assert "Nick 0" in html and "card-student-2" in html
    assert "password" not in html.lower().replace("username and password", "")
    # Only hashes are stored: neither the token nor the code appears in the database.
    stored = list(SignInCard.objects.values_list("token_hash", "code_hash"))
    assert len(stored) == 3
    for link, code in zip(links, codes, strict=True):
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert all(token not in row and code.replace("-", "") not in row for pair in stored for row in pair)


def test_a_card_signs_its_student_in_once(teacher, classroom, students):
    _, links, _ = print_cards(teacher, classroom)
    path = links[0].removeprefix("http://testserver")
    phone = Client()
    # Opening the link (a scan) only asks: link previewers must not use the card up.
    page = phone.get(path)
    assert page.status_code == 200
    assert "signs you in as" in page.content.decode()
    assert SignInCard.objects.filter(used_at__isnull=False).count() == 0
    response = phone.post(path)
    assert response.status_code == 302 and response["Location"] == "/en/learn/"
    assert int(phone.session["_auth_user_id"]) in {s.pk for s in students}

    again = Client().post(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert "_auth_user_id" not in Client().session


def test_a_typed_card_code_signs_in(teacher, classroom, students):
    _, _, codes = print_cards(teacher, classroom)
    client = Client()
    response = client.post("/en/join/card/", {"code": codes[1].lower()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_new_cards_revoke_the_old_ones(teacher, classroom, students):
    _, old_links, _ = print_cards(teacher, classroom)
    print_cards(teacher, classroom)
    response = Client().post(old_links[0].removeprefix("http://testserver"))
    assert response.status_code == 410
    assert "replaced by a newer one" in response.content.decode()


def test_revoked_expired_archived_and_left_cards_are_refused(teacher, classroom, students):
    printed = cards.issue_cards(classroom, students, teacher)
    client_for(teacher).post(f"/en/teach/classes/{classroom.pk}/sign-in-cards/", {"action": "revoke"})
    response = Client().get(f"/en/join/card/{printed[0].token}/")
    assert response.status_code == 410 and "replaced by a newer one" in response.content.decode()

    printed = cards.issue_cards(classroom, students, teacher)
    SignInCard.objects.filter(token_hash=cards.hash_token(printed[0].token)).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert "has expired" in Client().post(f"/en/join/card/{printed[0].token}/").content.decode()

    Enrollment.objects.filter(student=students[1]).delete()
    assert "no longer in this class" in Client().post(f"/en/join/card/{printed[1].token}/").content.decode()

    classroom.archived_at = timezone.now()
    classroom.save()
    response = Client().post(f"/en/join/card/{printed[2].token}/")
    assert response.status_code == 410
    assert "archived" in response.content.decode()
    assert SignInCard.objects.filter(used_at__isnull=False).count() == 0


def test_wrong_card_codes_count_toward_the_guess_limit(teacher, classroom, students):
    cards.issue_cards(classroom, students, teacher)
    client = Client()
    for _ in range(10):
        response = client.post("/en/join/card/", {"code": "ZZZZZ-ZZZZZ"})
        assert response.status_code == 400
        assert "does not work" in response.content.decode()
    assert client.post("/en/join/card/", {"code": "ZZZZZ-ZZZZZ"}).status_code == 429


def test_only_the_classes_teacher_prints_cards(classroom, students, make_teacher, make_user):
    stranger = make_teacher("other-card-teacher")
    assert (
        client_for(stranger).post(f"/en/teach/classes/{classroom.pk}/sign-in-cards/", {"action": "print"}).status_code
        == 404
    )
    assert client_for(students[0]).get(f"/en/teach/classes/{classroom.pk}/sign-in-cards/").status_code == 403
    assert SignInCard.objects.count() == 0


def test_projector_shows_the_code_and_a_qr_of_the_prefilled_join_link(teacher, classroom):
    html = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/projector/").content.decode()
    assert classroom.formatted_code in html
    assert f"/en/join/?code={classroom.join_code}" in html
    assert '<svg role="img"' in html
    prefilled = Client().get(f"/en/join/?code={classroom.join_code}").content.decode()
    assert f'value="{classroom.join_code}"' in prefilled


def test_projector_shows_no_code_while_joining_is_closed(teacher, classroom):
    classroom.join_open = False
    classroom.save()
    html = client_for(teacher).get(f"/en/teach/classes/{classroom.pk}/projector/").content.decode()
    assert classroom.formatted_code not in html
    assert "Joining is closed" in html
