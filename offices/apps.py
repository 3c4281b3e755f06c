from django.apps import AppConfig


class OfficesConfig(AppConfig):
    """The education office's view: aggregates across a region's schools, small cells suppressed (issue 19 #5)."""

    name = "offices"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Education offices"
