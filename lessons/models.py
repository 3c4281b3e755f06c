import math

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import DraftStateMixin, Page, PreviewableMixin, RevisionMixin, TranslatableMixin
from wagtail.search import index

from support.validators import validate_web_address

from .blocks import LessonStreamBlock

PERIOD_MINUTES = 45


class AudienceBand(models.TextChoices):
    MIDDLE_SCHOOL = "middle_school", _("Middle school")
    HIGH_SCHOOL = "high_school", _("High school")
    UNIVERSITY = "university", _("University")


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CurriculumImage(AbstractImage):
    """Our image model, chosen in the first migration so it can grow fields later."""

    admin_form_fields = Image.admin_form_fields


class CurriculumRendition(AbstractRendition):
    image = models.ForeignKey(CurriculumImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class LawReference(TranslatableMixin, DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    """One article of one statute, cited by lessons: edit it here and every citing lesson changes."""

    key = models.SlugField(_("key"), max_length=40, help_text=_("Stable identifier shared by the translations."))
    jurisdiction = models.CharField(_("jurisdiction"), max_length=100)
    act = models.CharField(_("act"), max_length=255)
    article = models.CharField(_("article"), max_length=255)
    punishes = models.TextField(_("what it punishes"))
    penalty = models.TextField(_("penalty"))
    in_force_since = models.DateField(_("in force since"))
    source_url = models.URLField(_("official source"), max_length=500, validators=[validate_web_address])
    last_reviewed = models.DateField(_("last reviewed"))

    panels = [
        FieldPanel("key"),
        FieldPanel("jurisdiction"),
        FieldPanel("act"),
        FieldPanel("article"),
        FieldPanel("punishes"),
        FieldPanel("penalty"),
        FieldPanel("in_force_since"),
        FieldPanel("source_url"),
        FieldPanel("last_reviewed"),
    ]
    search_fields = [index.SearchField("act"), index.SearchField("article"), index.SearchField("punishes")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("law reference")
        verbose_name_plural = _("law references")
        ordering = ["act", "article"]

    def __str__(self):
        return f"{self.act} {self.article}"

    def get_preview_template(self, request, mode_name):
        return "lessons/law_reference_preview.html"

    def get_preview_context(self, request, mode_name):
        return {"law": self}

    def citing_lessons(self):
        """Lessons (any language, live or draft) whose body cites this reference."""
        from wagtail.models import ReferenceIndex

        references = ReferenceIndex.get_references_to(self)
        page_ids = references.filter(
            base_content_type__app_label="wagtailcore", base_content_type__model="page"
        ).values_list("object_id", flat=True)
        return LessonPage.objects.filter(id__in=[int(pk) for pk in page_ids]).order_by("title")


class CurriculumIndexPage(Page):
    """The whole curriculum: modules, filterable by audience band."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["lessons.ModulePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("curriculum index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        band = request.GET.get("band", "")
        if band not in AudienceBand.values:
            band = ""
        modules = list(ModulePage.objects.child_of(self).live().public().specific().order_by("path"))
        lessons = LessonPage.objects.live().public().descendant_of(self).order_by("path")
        if band:
            lessons = lessons.filter(audience=band)
        by_module = {}
        for lesson in lessons:
            by_module.setdefault(lesson.path[: len(lesson.path) - Page.steplen], []).append(lesson)
        entries = []
        for module in modules:
            module_lessons = by_module.get(module.path, [])
            if band and not module_lessons:
                continue
            minutes = sum(lesson.duration_minutes for lesson in module_lessons)
            entries.append(
                {"module": module, "lessons": module_lessons, "periods": math.ceil(minutes / PERIOD_MINUTES)}
            )
        context.update(band=band, bands=AudienceBand.choices, entries=entries)
        return context


class ModulePage(Page):
    """A module: a theme taught in one or more lessons, with its pre-test and post-test."""

    summary = models.TextField(_("summary"))
    objectives = models.TextField(_("learning objectives"), help_text=_("One per line."))
    for_middle_school = models.BooleanField(_("middle school"), default=False)
    for_high_school = models.BooleanField(_("high school"), default=False)
    for_university = models.BooleanField(_("university"), default=False)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("objectives"),
        MultiFieldPanel(
            [FieldPanel("for_middle_school"), FieldPanel("for_high_school"), FieldPanel("for_university")],
            heading=_("Audience bands"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("objectives")]
    parent_page_types = ["lessons.CurriculumIndexPage"]
    subpage_types = ["lessons.LessonPage", "quizzes.QuizPage"]

    class Meta:
        verbose_name = _("module")

    @property
    def objective_list(self):
        return lines(self.objectives)

    @property
    def audience_bands(self):
        flags = [
            (self.for_middle_school, AudienceBand.MIDDLE_SCHOOL),
            (self.for_high_school, AudienceBand.HIGH_SCHOOL),
            (self.for_university, AudienceBand.UNIVERSITY),
        ]
        return [band for flag, band in flags if flag]

    def lessons(self):
        return LessonPage.objects.child_of(self).live().public().order_by("path")

    def quizzes(self):
        from quizzes.models import QuizPage

        return QuizPage.objects.child_of(self).live().public().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        lessons = list(self.lessons())
        context.update(
            lessons=lessons,
            module_quizzes=list(self.quizzes()),
            periods=math.ceil(sum(lesson.duration_minutes for lesson in lessons) / PERIOD_MINUTES),
        )
        return context


def can_see_teacher_notes(user):
    """Teachers and editors see teacher notes; students and anonymous readers never do."""
    # Students are asked first: the permission check below loads every permission of the user's groups.
    if not user.is_authenticated or getattr(user, "is_student", False):
        return False
    return bool(getattr(user, "is_teacher", False) or user.has_perm("wagtailadmin.access_admin"))


class LessonPage(Page):
    """One lesson: what students read and do in one class period."""

    audience = models.CharField(_("audience band"), max_length=20, choices=AudienceBand.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=45)
    summary = models.TextField(_("summary"))
    objectives = models.TextField(_("learning objectives"), help_text=_("One per line."))
    content_note = models.TextField(_("content note"), help_text=_("What the lesson touches on."))
    alternative_activity = models.TextField(
        _("alternative activity"), help_text=_("What a student may do instead of this lesson.")
    )
    body = StreamField(LessonStreamBlock(), blank=True, verbose_name=_("body"))
    key_takeaways = models.TextField(_("key takeaways"), help_text=_("One per line."))
    teacher_notes = models.TextField(
        _("teacher notes"), blank=True, help_text=_("Shown only to teachers and editors.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("duration_minutes"), FieldPanel("objectives")],
            heading=_("Planning"),
        ),
        MultiFieldPanel([FieldPanel("content_note"), FieldPanel("alternative_activity")], heading=_("Content note")),
        FieldPanel("body"),
        FieldPanel("key_takeaways"),
        FieldPanel("teacher_notes"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("key_takeaways"),
        index.FilterField("audience"),
    ]
    parent_page_types = ["lessons.ModulePage"]
    subpage_types = ["quizzes.QuizPage"]

    class Meta:
        verbose_name = _("lesson")

    @property
    def objective_list(self):
        return lines(self.objectives)

    @property
    def takeaway_list(self):
        return lines(self.key_takeaways)

    @cached_property
    def cited_laws(self):
        """Law references cited by the body's law blocks, in order, without repeats."""
        seen, laws = set(), []
        for block in self.body:
            if block.block_type == "law" and block.value["law"] and block.value["law"].pk not in seen:
                seen.add(block.value["law"].pk)
                laws.append(block.value["law"])
        return laws

    @property
    def law_last_reviewed(self):
        dates = [law.last_reviewed for law in self.cited_laws]
        return min(dates) if dates else None

    def check_quiz(self):
        from quizzes.models import QuizPage

        return QuizPage.objects.child_of(self).live().public().first()

    def clean(self):
        super().clean()
        if self.duration_minutes and not 5 <= self.duration_minutes <= 240:
            raise ValidationError({"duration_minutes": _("A lesson lasts between 5 and 240 minutes.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            show_teacher_notes=can_see_teacher_notes(request.user),
            check_quiz=self.check_quiz(),
            module=self.get_parent().specific,
            untranslated_from=request.GET.get("untranslated", ""),
        )
        return context
