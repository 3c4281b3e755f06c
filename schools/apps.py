from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    """A school's year: coordinators, teachers joining their school, rosters in, the annual report out."""

    name = "schools"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Schools"

    def ready(self):
        from django.db.models.signals import post_save

        from .models import SchoolMembership, on_membership_saved

        post_save.connect(on_membership_saved, sender=SchoolMembership, dispatch_uid="schools.membership_code")
