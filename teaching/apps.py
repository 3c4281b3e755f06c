from django.apps import AppConfig


class TeachingConfig(AppConfig):
    """Teaching a lesson in the room: the anonymous question box and live anonymous polls."""

    name = "teaching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import open_polls  # noqa: F401 - connects its signal receivers
