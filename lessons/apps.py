from django.apps import AppConfig


class LessonsConfig(AppConfig):
    """Curriculum content: index, module and lesson pages, blocks and law references."""

    name = "lessons"
    default_auto_field = "django.db.models.BigAutoField"
