from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    """Schools, classes, enrolments, assignments, progress and teacher views."""

    name = "classrooms"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from quizzes.signals import attempt_submitted

        from .progress import on_attempt_submitted

        attempt_submitted.connect(on_attempt_submitted, dispatch_uid="classrooms.progress")

        from . import matrix_cache

        matrix_cache.connect()
