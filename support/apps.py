from django.apps import AppConfig


class SupportConfig(AppConfig):
    """Help and report channels, the get-help page, Quick Exit and the safety settings."""

    name = "support"
    default_auto_field = "django.db.models.BigAutoField"
