import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.models import AudienceBand

# No 0/O, 1/I/L: a code read aloud or copied from a board must not be ambiguous.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def random_code(length):
    """A code of `length` symbols from the unambiguous alphabet: class, school, card and certificate codes."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(length))


def new_join_code():
    return random_code(JOIN_CODE_LENGTH)


def normalise_join_code(text):
    """What a person typed (spaces, dashes, lower case) as a stored code; every code of the alphabet above."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


class School(models.Model):
    """A school (or university) whose teachers run classes on Dignity."""

    class Level(models.TextChoices):
        MIDDLE = "middle", _("Middle school")
        HIGH = "high", _("High school")
        UNIVERSITY = "university", _("University")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.MIDDLE)
    region = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("school")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Classroom(models.Model):
    """A class a teacher (or several co-teachers) runs; students join it with its code."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classrooms", verbose_name=_("school"))
    name = models.CharField(_("name"), max_length=120)
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="taught_classrooms")
    audience_band = models.CharField(_("audience band"), max_length=20, choices=AudienceBand.choices)
    join_code = models.CharField(_("join code"), max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code)
    join_open = models.BooleanField(_("joining open"), default=True)
    # Korea's Personal Information Protection Act (Art. 22-2) asks for a guardian's consent before
    # processing the data of a child under 14: the code does not work until the teacher records it.
    has_under_14 = models.BooleanField(_("some students are under 14"), default=False)
    guardian_consent_by = models.CharField(_("consent collected by"), max_length=120, blank=True)
    guardian_consent_on = models.DateField(_("consent collected on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # Korean schools name a class by grade and class number (2학년 3반): class lists are imported by them.
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    section = models.PositiveSmallIntegerField(_("class number"), null=True, blank=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school__name", "name"]

    def __str__(self):
        return f"{self.school} · {self.name}"

    @property
    def formatted_code(self):
        return f"{self.join_code[:4]}-{self.join_code[4:]}"

    @property
    def needs_guardian_consent(self):
        return self.has_under_14 and not (self.guardian_consent_by and self.guardian_consent_on)

    def regenerate_code(self):
        self.join_code = new_join_code()
        while Classroom.objects.filter(join_code=self.join_code).exists():
            self.join_code = new_join_code()
        self.save(update_fields=["join_code"])


class Enrollment(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        constraints = [models.UniqueConstraint(fields=["classroom", "student"], name="one_enrollment_per_class")]

    def __str__(self):
        return f"{self.student} in {self.classroom}"


class Assignment(models.Model):
    """A module, lesson or quiz given to a class, open between two dates."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("item"))
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "page"], name="assign_item_once_per_class"),
            models.CheckConstraint(condition=Q(due_at__gt=F("opens_at")), name="due_after_opens"),
        ]

    def __str__(self):
        return f"{self.page} → {self.classroom}"


class LessonProgress(models.Model):
    """Whether a student has opened and finished a lesson (in any of its languages)."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    # The page the student opened, and its translation key: reading the English version of a lesson
    # assigned in Korean counts for the assignment.
    lesson = models.ForeignKey("lessons.LessonPage", on_delete=models.CASCADE, related_name="+")
    lesson_key = models.UUIDField(db_index=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["student", "lesson_key"], name="one_progress_per_lesson")]
        indexes = [models.Index(fields=["lesson_key", "student"])]

    def __str__(self):
        return f"{self.student} · {self.lesson_id}"


class ProgressExport(models.Model):
    """A class's progress matrix as CSV and XLSX, built in the background, kept for EXPORT_LIFETIME."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    language = models.CharField(max_length=8, default="ko")
    content = models.TextField(blank=True)
    # The same table as an Excel workbook, written by the same job.
    xlsx = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("progress export")
        ordering = ["-created_at"]

    def __str__(self):
        return f"export {self.pk} of {self.classroom}"

    @property
    def expires_at(self):
        from .exports import EXPORT_LIFETIME

        return self.created_at + EXPORT_LIFETIME

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()


class ReminderDigest(models.Model):
    """That a teacher's reminder digest for a day was sent: a redelivered or repeated job sends nothing."""

    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder digest")
        constraints = [models.UniqueConstraint(fields=["teacher", "day"], name="one_digest_per_teacher_per_day")]

    def __str__(self):
        return f"{self.teacher_id} {self.day}"


# Sign-in cards (classrooms/cards.py): a printed card per student with a QR link and a short code, used once.
SIGN_IN_CARD_DAYS = 14


class SignInCard(models.Model):
    """A one-time sign-in for a student, printed by the teacher: a QR link and a short code, stored hashed.

    A card never holds a password; it works once, for SIGN_IN_CARD_DAYS days, and only while the student is in the
    class and the class is not archived. Printing new cards revokes the unused old ones.
    """

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="sign_in_cards")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_cards")
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in card")
        indexes = [models.Index(fields=["classroom", "revoked_at", "used_at"], name="sign_in_card_open")]

    def __str__(self):
        return f"card for {self.student} in {self.classroom}"


class AlternativeActivity(models.Model):
    """A guardian asked that a student do the lesson's alternative activity instead (issue 18 #3).

    The matrix counts the assignment as completed for that student: the content note plus the
    alternative activity is the whole lesson for them.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="alternative_activities")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("alternative activity")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student"], name="one_alternative_per_student_assignment")
        ]

    def __str__(self):
        return f"{self.student} · {self.assignment_id}"


# Certificates (issue 19 #4). 16 symbols from a 31-letter alphabet: 31**16 ≈ 7 × 10**23 codes (79 bits), so guessing
# one is hopeless without a rate limit: a million guesses a second for a year finds one of a million certificates
# with odds of about 1 in 20,000,000. Printed in four groups of four; no 0/O, 1/I/L to misread.
CERTIFICATE_CODE_LENGTH = 16


def new_certificate_code():
    return random_code(CERTIFICATE_CODE_LENGTH)


class ModuleCertificate(models.Model):
    """A student completed a module (progress.py's rule, for their class's band) and asked for the certificate.

    What /verify/<code>/ shows is stored here as it was on the day: the module, the band, the date, the school's
    name. Deleting the student's account deletes their certificates: a code then verifies nothing.
    """

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    module = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    # The module whatever its language: one certificate per student and module.
    module_key = models.UUIDField()
    classroom = models.ForeignKey(Classroom, on_delete=models.SET_NULL, null=True, related_name="+")
    school_name = models.CharField(_("school"), max_length=200)
    audience_band = models.CharField(_("audience band"), max_length=20, choices=AudienceBand.choices)
    completed_on = models.DateField(_("completed on"))
    code = models.CharField(max_length=CERTIFICATE_CODE_LENGTH, unique=True, default=new_certificate_code)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("module certificate")
        constraints = [
            models.UniqueConstraint(fields=["student", "module_key"], name="one_certificate_per_student_module")
        ]

    def __str__(self):
        return f"certificate {self.pk} · {self.module_id}"

    @property
    def formatted_code(self):
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
