from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: a student (username only), a teacher (verified email) or an editor."""

    class AccountType(models.TextChoices):
        STUDENT = "student", _("Student")
        TEACHER = "teacher", _("Teacher")
        STAFF = "staff", _("Editor or staff")

    account_type = models.CharField(
        _("account type"), max_length=16, choices=AccountType.choices, default=AccountType.STUDENT
    )
    # Students never have to give a real name; this is what classmates and teachers see.
    display_name = models.CharField(_("display name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_student(self):
        return self.account_type == self.AccountType.STUDENT

    @property
    def is_teacher(self):
        return self.account_type == self.AccountType.TEACHER
