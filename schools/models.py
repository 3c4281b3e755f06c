"""Who runs a school's year on Dignity, the class lists it imported, and the annual report's sign-off.

No real name is ever stored: a roster row is a school, grade, class and number, linked to a student account
whose username was generated and whose nickname is optional.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from classrooms.models import School, random_code

SCHOOL_CODE_LENGTH = 8


def new_school_code():
    return random_code(SCHOOL_CODE_LENGTH)


class SchoolMembership(models.Model):
    """A teacher of a school, or its coordinator (who answers for the school's prevention education)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        TEACHER = "teacher", _("Teacher")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("school"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="school_memberships",
        verbose_name=_("teacher"),
        limit_choices_to={"account_type": "teacher"},
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.TEACHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school membership")
        verbose_name_plural = _("school memberships")
        constraints = [models.UniqueConstraint(fields=["school", "user"], name="one_membership_per_school")]

    def __str__(self):
        return f"{self.user} · {self.school} ({self.get_role_display()})"

    def clean(self):
        """Only a teacher whose email address is verified (the admin's form runs this)."""
        from allauth.account.models import EmailAddress

        from django.core.exceptions import ValidationError

        if self.user_id and not (
            self.user.is_teacher and EmailAddress.objects.filter(user_id=self.user_id, verified=True).exists()
        ):
            raise ValidationError({"user": _("Only a teacher with a verified email address can belong to a school.")})


class SchoolCode(models.Model):
    """The code a coordinator shares so the school's teachers can join it (never shown in search results)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="join_code")
    code = models.CharField(max_length=SCHOOL_CODE_LENGTH, unique=True, default=new_school_code)

    def __str__(self):
        return f"{self.school}"

    @property
    def formatted(self):
        return f"{self.code[:4]}-{self.code[4:]}"

    def regenerate(self):
        self.code = new_school_code()
        while SchoolCode.objects.filter(code=self.code).exists():
            self.code = new_school_code()
        self.save(update_fields=["code"])


def ensure_code(school):
    code, _created = SchoolCode.objects.get_or_create(school=school)
    return code


def on_membership_saved(sender, instance, **kwargs):
    """A school with a coordinator has a code to share (granted in the admin or by another coordinator)."""
    if instance.role == SchoolMembership.Role.COORDINATOR:
        ensure_code(instance.school)


class RosterEntry(models.Model):
    """One line of an imported class list: grade, class and number at a school, and the account made for it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="roster_entries")
    grade = models.PositiveSmallIntegerField(_("grade"))
    section = models.PositiveSmallIntegerField(_("class"))
    number = models.PositiveSmallIntegerField(_("number"))
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_entries")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "grade", "section", "number"], name="one_student_per_roster_seat"
            )
        ]

    def __str__(self):
        return f"{self.school} {self.grade}-{self.section}-{self.number}"


class ReportSignOff(models.Model):
    """The coordinator's sign-off of a school year's report: name and title as typed, and the date."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="report_sign_offs")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100)
    signed_on = models.DateField(_("date"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report sign-off")
        constraints = [models.UniqueConstraint(fields=["school", "school_year"], name="one_sign_off_per_school_year")]

    def __str__(self):
        return f"{self.school} {self.school_year}"
