"""Module certificates and /verify/ (issue 19 #4): earned by completing a module, checked by anyone by its code,
and /verify/ shows nothing about the student."""

import pytest

from django.test import Client
from django.urls import reverse

from classrooms.certificates import issue_certificate
from classrooms.models import CERTIFICATE_CODE_LENGTH, JOIN_CODE_ALPHABET, ModuleCertificate, new_certificate_code
from lessons.models import LessonPage
from tests.conftest import client_for
from tests.factories import LessonPageFactory, ModulePageFactory, QuizPageFactory
from tests.test_learning_loop import assign, enrol, make_class, take

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def deepfakes_module(en):
    """A Korean module with one middle-school lesson and its check quiz, translated into English."""
    module = ModulePageFactory(title="딥페이크(허위영상물)와 AI")
    QuizPageFactory(parent=LessonPageFactory(parent=module, audience="middle_school"))
    english = module.copy_for_translation(en, copy_parents=True)
    english.title = "Deepfakes and AI"
    english.save_revision().publish()
    return module


def module_lesson(assignment):
    return LessonPage.objects.live().child_of(assignment.page).get()


@pytest.fixture
def setting(make_teacher, make_user, en):
    teacher = make_teacher("cert-teacher")
    classroom = make_class(teacher, "middle_school")
    classroom.school.name = "한빛중학교"
    classroom.school.save()
    student = make_user("cert-student", display_name="별빛")
    enrol(classroom, student)
    assignment = assign(classroom, deepfakes_module(en))
    return classroom, student, assignment


def complete(student, assignment, django_capture_on_commit_callbacks):
    lesson = module_lesson(assignment)
    take(student, lesson.check_quiz(), django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)


def test_codes_are_long_random_and_unambiguous():
    codes = {new_certificate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == CERTIFICATE_CODE_LENGTH == 16 and set(code) <= set(JOIN_CODE_ALPHABET) for code in codes)
    assert len(JOIN_CODE_ALPHABET) ** CERTIFICATE_CODE_LENGTH > 10**23


def test_no_certificate_before_the_module_is_complete(setting):
    _classroom, student, assignment = setting
    assert issue_certificate(student, assignment.pk) is None
    response = client_for(student).post(reverse("classrooms:get_certificate", args=[assignment.pk]))
    assert response.status_code == 404 and not ModuleCertificate.objects.exists()
    # "My learning" offers no certificate either.
    assert "Get my certificate" not in client_for(student).get("/en/learn/").content.decode()


def test_a_completed_module_gives_one_certificate_and_verify_confirms_it(setting, django_capture_on_commit_callbacks):
    classroom, student, assignment = setting
    complete(student, assignment, django_capture_on_commit_callbacks)
    client = client_for(student)
    home = client.get("/en/learn/").content.decode()
    assert "Get my certificate" in home
    response = client.post(reverse("classrooms:get_certificate", args=[assignment.pk]))
    certificate = ModuleCertificate.objects.get(student=student)
    assert response.status_code == 302 and response["Location"].endswith(f"/learn/certificates/{certificate.pk}/")
    # A second click finds the same certificate.
    client.post(reverse("classrooms:get_certificate", args=[assignment.pk]))
    assert ModuleCertificate.objects.filter(student=student).count() == 1
    assert (certificate.school_name, certificate.audience_band) == ("한빛중학교", "middle_school")

    for language, title, band in (
        ("ko", "딥페이크(허위영상물)와 AI", "중학교"),
        ("en", "Deepfakes and AI", "Middle school"),
    ):
        page = client.get(f"/{language}/learn/certificates/{certificate.pk}/").content.decode()
        assert "별빛" in page and title in page and band in page and "한빛중학교" in page
        assert certificate.formatted_code in page and certificate.completed_on.isoformat() in page
        assert f"/{language}/verify/{certificate.code}/" in page
    assert "My certificate" in client.get("/en/learn/").content.decode()

    # Anyone, signed in or not, sees it confirmed: module, band, date, school; not the nickname nor the username.
    anonymous = Client()
    for language, genuine in (("ko", "진짜 수료증"), ("en", "This certificate is genuine.")):
        response = anonymous.get(f"/{language}/verify/{certificate.code}/")
        html = response.content.decode()
        assert response.status_code == 200 and genuine in html, html
        assert "한빛중학교" in html and certificate.completed_on.isoformat() in html
        assert "별빛" not in html and "cert-student" not in html
        assert "no-store" in response.get("Cache-Control", "") or "max-age=0" in response.get("Cache-Control", "")


def test_verify_form_accepts_the_code_as_printed(setting, django_capture_on_commit_callbacks):
    _classroom, student, assignment = setting
    complete(student, assignment, django_capture_on_commit_callbacks)
    certificate = issue_certificate(student, assignment.pk)
    typed = certificate.formatted_code.lower().replace("-", " - ")
    response = Client().get("/en/verify/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/en/verify/{certificate.code}/"


@pytest.mark.parametrize("typed", ["", "ABC", "A" * 30, "<script>"])
def test_verify_form_refuses_a_code_of_the_wrong_shape_with_a_message(typed):
    response = Client().get("/en/verify/", {"code": typed})
    assert response.status_code == 400
    assert "A certificate code has 16 letters and digits" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_a_wrong_code_is_a_clear_404(setting):
    for code in ("ABCDEFGHJKMNPQRS", "nope"):
        response = Client().get(f"/ko/verify/{code}/")
        assert response.status_code == 404 and "이 코드의 수료증은 없어요" in response.content.decode()


def test_only_the_holder_opens_the_certificate_page(setting, make_user, django_capture_on_commit_callbacks):
    classroom, student, assignment = setting
    complete(student, assignment, django_capture_on_commit_callbacks)
    certificate = issue_certificate(student, assignment.pk)
    other = make_user("cert-other")
    enrol(classroom, other)
    assert client_for(other).get(f"/en/learn/certificates/{certificate.pk}/").status_code == 404
    teacher = classroom.teachers.get()
    assert client_for(teacher).get(f"/en/learn/certificates/{certificate.pk}/").status_code == 404
    # Another student cannot take a certificate for someone else's assignment either.
    assert client_for(other).post(reverse("classrooms:get_certificate", args=[assignment.pk])).status_code == 404


def test_deleting_the_account_ends_the_certificate(setting, django_capture_on_commit_callbacks):
    _classroom, student, assignment = setting
    complete(student, assignment, django_capture_on_commit_callbacks)
    code = issue_certificate(student, assignment.pk).code
    student.delete()
    assert Client().get(f"/en/verify/{code}/").status_code == 404


def test_the_alternative_activity_counts_as_completing_the_module(setting):
    from classrooms.models import AlternativeActivity

    classroom, student, assignment = setting
    AlternativeActivity.objects.create(assignment=assignment, student=student)
    certificate = issue_certificate(student, assignment.pk)
    assert certificate is not None and certificate.module_key == assignment.page.translation_key


def test_a_lesson_assignment_gives_no_certificate(setting, django_capture_on_commit_callbacks):
    classroom, student, assignment = setting
    lesson = module_lesson(assignment)
    lesson_assignment = assign(classroom, lesson)
    complete(student, assignment, django_capture_on_commit_callbacks)
    assert issue_certificate(student, lesson_assignment.pk) is None
