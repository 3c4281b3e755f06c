from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import PreviewableMixin, RevisionMixin, TranslatableMixin
from wagtail.search import index

from .validators import tel_href, validate_phone, validate_web_address


class Situation(models.TextChoices):
    """What the reader is going through; the get-help page routes by it."""

    DANGER = "danger", _("I am in danger now")
    IMAGE_SHARED = "image_shared", _("Someone made or shared an image of me")
    THREATENED = "threatened", _("Someone is threatening me")
    WITNESS = "witness", _("I saw this happen to someone")
    TALK = "talk", _("I want to talk to someone")


class HelpChannel(TranslatableMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    """A hotline, counselling service, report site or platform report page, in one language."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        COUNSELLING = "counselling", _("Counselling")
        DELETION_SUPPORT = "deletion_support", _("Deletion support")
        REGULATOR_REPORT = "regulator_report", _("Report to the regulator")
        POLICE_REPORT = "police_report", _("Report to the police")
        SCHOOL = "school", _("School")
        PLATFORM_REPORT = "platform_report", _("Platform report")
        INTERNATIONAL = "international", _("International")

    class Audience(models.TextChoices):
        ALL = "all", _("Everyone")
        UNDER_18 = "under_18", _("Under 18")
        ADULTS = "adults", _("18 and over")

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

    @property
    def tel_href(self):
        return tel_href(self.phone) if self.phone else ""

    def get_preview_template(self, request, mode_name):
        return "support/includes/help_channel_preview.html"

    def get_preview_context(self, request, mode_name):
        return {"channel": self}


class ReportGuide(TranslatableMixin, RevisionMixin, models.Model):
    """How to report content on one platform, in one language."""

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
