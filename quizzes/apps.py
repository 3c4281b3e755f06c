from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    """Quiz pages, attempts and scoring."""

    name = "quizzes"
    default_auto_field = "django.db.models.BigAutoField"
