from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    """The Wagtail project: home page, site chrome, demo loading, wiring of the other apps."""

    name = "website"
    default_auto_field = "django.db.models.BigAutoField"
