from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    """Schools, classes, enrolments, assignments, progress and teacher views."""

    name = "classrooms"
    default_auto_field = "django.db.models.BigAutoField"
