from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    """Quiz pages, attempts and scoring."""

    name = "quizzes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import views
        from .models import QuizPage

        # staticmethod: the view takes (request, quiz), not a bound page.
        QuizPage.serve_view = staticmethod(views.serve_quiz)
