from django.apps import AppConfig


class UsersConfig(AppConfig):
    """Our user model, allauth adapter and sign-up forms (students join by code, teachers by email)."""

    name = "users"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connect the failed-login counters, the login check and the session index (allauth usersessions).
        from . import lockout, second_factor, sessions  # noqa: F401
