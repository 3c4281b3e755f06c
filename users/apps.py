from django.apps import AppConfig


class UsersConfig(AppConfig):
    """Our user model, allauth adapter and sign-up forms (students join by code, teachers by email)."""

    name = "users"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import lockout  # noqa: F401  (connects the failed-login counters)
