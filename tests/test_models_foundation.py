"""Day-one model decisions: our user model and image model."""

import pytest

from django.contrib.auth import get_user_model

from wagtail.images import get_image_model

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def test_custom_user_model_needs_no_email_for_students(make_user):
    assert get_user_model()._meta.label == "users.User"
    student = make_user("quiet-otter-12")
    student.full_clean()
    assert student.email == "" and student.is_student


def test_custom_image_model():
    assert get_image_model()._meta.label == "lessons.CurriculumImage"
