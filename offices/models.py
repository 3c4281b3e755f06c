from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeStaff(models.Model):
    """A person at an education office who may see the aggregates of one region's schools.

    A model rather than a Group: the role is only meaningful with a region, and a Group cannot hold one (one group
    per region would have to be created by hand and kept in step with School.region's spelling). One row per
    person and region; staff with the admin permission add rows in the Wagtail admin (Snippets → Office staff).
    The region is matched exactly against School.region (spaces around it ignored).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_roles", verbose_name=_("user")
    )
    region = models.CharField(_("region"), max_length=100, help_text=_("Exactly as the schools' region is written."))
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("office staff")
        verbose_name_plural = _("office staff")
        ordering = ["region", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="one_office_role_per_region")]

    def __str__(self):
        return f"{self.user} · {self.region}"

    def save(self, *args, **kwargs):
        self.region = self.region.strip()
        super().save(*args, **kwargs)


def office_regions(user):
    """The regions this user may see as office staff (none for anyone else)."""
    if not user.is_authenticated:
        return []
    return list(OfficeStaff.objects.filter(user=user).order_by("region").values_list("region", flat=True).distinct())
