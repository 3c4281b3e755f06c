from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index

from .panels import AffectedLessonsPanel
from .validators import tel_href, validate_phone, validate_web_address


class Situation(models.TextChoices):
    """What the reader is going through; the get-help page routes by it."""

    DANGER = "danger", _("I am in danger now")
    IMAGE_SHARED = "image_shared", _("Someone made or shared an image of me")
    THREATENED = "threatened", _("Someone is threatening me")
    WITNESS = "witness", _("I saw this happen to someone")
    TALK = "talk", _("I want to talk to someone")


class HelpChannel(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    TranslatableMixin,
    index.Indexed,
    models.Model,
):
    """A hotline, counselling service, report site or platform report page, in one language.

    A change is a draft until a moderator approves it in "Curriculum review": a typo in a hotline
    number never reaches a reader unreviewed (public pages read live rows only).
    """

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        COUNSELLING = "counselling", _("Counselling")
        DELETION_SUPPORT = "deletion_support", _("Deletion support")
        REGULATOR_REPORT = "regulator_report", _("Report to the regulator")
        POLICE_REPORT = "police_report", _("Report to the police")
        SCHOOL = "school", _("School")
        PLATFORM_REPORT = "platform_report", _("Platform report")
        INTERNATIONAL = "international", _("International")
        LEGAL_AID = "legal_aid", _("Legal aid")

    class Audience(models.TextChoices):
        ALL = "all", _("Everyone")
        UNDER_18 = "under_18", _("Under 18")
        ADULTS = "adults", _("18 and over")
        # 1388: facts.md gives "children, youth and their parents", not an age limit.
        YOUNG_PEOPLE = "young_people", _("Children, young people and their parents")

    key = models.SlugField(_("key"), max_length=60, help_text=_("Stable identifier shared by the translations."))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    text_or_chat = models.CharField(_("text or chat"), max_length=200, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True, validators=[validate_web_address])
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    audience = models.CharField(_("who it is for"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    description = models.TextField(_("what it does"))
    country = models.CharField(
        _("country"), max_length=3, default="KR", help_text=_("ISO country code, or INT for international services.")
    )
    situations = models.JSONField(_("situations"), default=list, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)
    # A number whose current status no source confirms (1377 after the October 2025 rename) is
    # shown with a hedge and never as a tap-to-call link (issue 14 point 8).
    confirmed = models.BooleanField(
        _("status confirmed"),
        default=True,
        help_text=_("Untick when no source confirms the line works today: it is then never shown as a call link."),
    )
    status_note = models.TextField(_("what is not confirmed"), blank=True)

    panels = [
        FieldPanel("key"),
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("phone"),
        FieldPanel("text_or_chat"),
        FieldPanel("url"),
        FieldPanel("hours"),
        FieldPanel("audience"),
        FieldPanel("description"),
        FieldPanel("country"),
        FieldPanel("situations"),
        FieldPanel("sort_order"),
        FieldPanel("active"),
        FieldPanel("confirmed"),
        FieldPanel("status_note"),
        AffectedLessonsPanel(),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("help channel")
        verbose_name_plural = _("help channels")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if not self.phone and not self.url:
            raise ValidationError(_("A help channel needs a phone number or a web address."))
        unknown = set(self.situations or []) - set(Situation.values)
        if unknown:
            raise ValidationError({"situations": _("Unknown situations: %s") % ", ".join(sorted(unknown))})
        if not self.confirmed and not self.status_note.strip():
            raise ValidationError({"status_note": _("Say what is not confirmed about this line.")})

    @property
    def tel_href(self):
        """The call link, or "" for a line whose status is not confirmed: templates link only when set."""
        return tel_href(self.phone) if self.phone and self.confirmed else ""

    def affected_lessons(self):
        """Lessons in this channel's language whose body has a help card (every card lists the channels)."""
        # By name, not by import: lessons depends on support, never the reverse.
        lesson_model = apps.get_model("lessons", "LessonPage")
        lessons = lesson_model.objects.filter(locale_id=self.locale_id).order_by("title")
        return [
            lesson for lesson in lessons if any(block.get("type") == "help_card" for block in lesson.body.raw_data)
        ]

    def affected_pages_note(self):
        return _("Also shown on the “Get help” page.")

    def get_preview_template(self, request, mode_name):
        return "support/includes/help_channel_preview.html"

    def get_preview_context(self, request, mode_name):
        return {"channel": self}


class ReportGuide(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, TranslatableMixin, models.Model
):
    """How to report content on one platform, in one language; reviewed like help channels."""

    key = models.SlugField(_("key"), max_length=60)
    platform = models.CharField(_("platform"), max_length=100)
    report_url = models.URLField(_("official report page"), max_length=500, validators=[validate_web_address])
    steps = models.TextField(_("steps"), help_text=_("One step per line."))
    notes = models.TextField(_("notes"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    panels = [
        FieldPanel("key"),
        FieldPanel("platform"),
        FieldPanel("report_url"),
        FieldPanel("steps"),
        FieldPanel("notes"),
        FieldPanel("sort_order"),
        AffectedLessonsPanel(),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("report guide")
        verbose_name_plural = _("report guides")
        ordering = ["sort_order", "platform"]

    def __str__(self):
        return self.platform

    @property
    def step_list(self):
        return [line.strip() for line in self.steps.splitlines() if line.strip()]

    def note_paragraphs(self):
        return [chunk.strip() for chunk in self.notes.split("\n\n") if chunk.strip()]

    def affected_lessons(self):
        return []

    def affected_pages_note(self):
        return _("Shown on the “Report content” page; no lesson shows report guides.")

    def get_preview_template(self, request, mode_name):
        return "support/includes/report_guide_preview.html"

    def get_preview_context(self, request, mode_name):
        return {"guide": self}


@register_setting(icon="warning")
class SafetySettings(BaseSiteSetting):
    """The emergency number in the help bar and where Quick Exit sends the reader."""

    emergency_number = models.CharField(
        _("emergency number"), max_length=20, default="112", validators=[validate_phone]
    )
    quick_exit_url = models.URLField(
        _("Quick Exit destination"),
        default="https://www.google.com/search?q=weather",
        validators=[validate_web_address],
        help_text=_("A neutral page that gives nothing away, opened when a reader presses Quick Exit."),
    )

    panels = [FieldPanel("emergency_number"), FieldPanel("quick_exit_url")]

    class Meta:
        verbose_name = _("safety settings")

    @property
    def emergency_tel_href(self):
        return tel_href(self.emergency_number)
