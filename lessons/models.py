import math

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Page,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.url_routing import RouteResult

from support.panels import AffectedLessonsPanel
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


class DateKind(models.TextChoices):
    IN_FORCE = "in_force", _("In force since")
    LAST_AMENDED = "last_amended", _("Last amended")
    TEXT_AS_OF = "text_as_of", _("Wording as in force on")


class LawReference(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    TranslatableMixin,
    index.Indexed,
    models.Model,
):
    """One article of one statute, cited by lessons: edit it here and every citing lesson changes.

    A change goes through the "Curriculum review" workflow: public pages show the live row only
    (a draft lives in a revision until a moderator publishes it).
    """

    key = models.SlugField(_("key"), max_length=40, help_text=_("Stable identifier shared by the translations."))
    jurisdiction = models.CharField(_("jurisdiction"), max_length=100)
    act = models.CharField(_("act"), max_length=255)
    article = models.CharField(_("article"), max_length=255)
    punishes = models.TextField(_("what it punishes"))
    penalty = models.TextField(_("penalty"))
    in_force_since = models.DateField(_("in force since"))
    # An in-force date is a fact only when an addendum states it (or the supplement's counting rule
    # gives it); otherwise the card must say what the date is (issue 14 point 7).
    date_kind = models.CharField(
        _("what the date is"),
        max_length=20,
        choices=DateKind.choices,
        default=DateKind.IN_FORCE,
        help_text=_("Use “last amended” when only the amendment tag is known, not when it took effect."),
    )
    date_note = models.TextField(_("note on the date"), blank=True)
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
        FieldPanel("date_kind"),
        FieldPanel("date_note"),
        FieldPanel("source_url"),
        FieldPanel("last_reviewed"),
        AffectedLessonsPanel(),
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

    def affected_lessons(self):
        """Lessons that show this reference: those in its language that cite it or any of its
        translations (a translated lesson renders the reference of its own language)."""
        from wagtail.models import ReferenceIndex

        translations = LawReference.objects.filter(translation_key=self.translation_key)
        page_ids = set()
        for law in translations:
            page_ids.update(
                int(pk)
                for pk in ReferenceIndex.get_references_to(law)
                .filter(base_content_type__app_label="wagtailcore", base_content_type__model="page")
                .values_list("object_id", flat=True)
            )
        return LessonPage.objects.filter(id__in=page_ids, locale_id=self.locale_id).order_by("title")

    def affected_pages_note(self):
        return ""


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


GUARDIAN_LETTER_SLUG = "guardian-letter"


class ModulePage(Page):
    """A module: a theme taught in one or more lessons, with its pre-test and post-test."""

    summary = models.TextField(_("summary"))
    objectives = models.TextField(_("learning objectives"), help_text=_("One per line."))
    for_middle_school = models.BooleanField(_("middle school"), default=False)
    for_high_school = models.BooleanField(_("high school"), default=False)
    for_university = models.BooleanField(_("university"), default=False)
    # A printable letter to parents and guardians at <module url>guardian-letter/ (issue 14 #21).
    guardian_letter_title = models.CharField(_("guardian letter title"), max_length=255, blank=True)
    guardian_letter = models.TextField(
        _("guardian letter"),
        blank=True,
        help_text=_("Paragraphs separated by a blank line. Empty: a general letter built from the summary."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("objectives"),
        MultiFieldPanel(
            [FieldPanel("for_middle_school"), FieldPanel("for_high_school"), FieldPanel("for_university")],
            heading=_("Audience bands"),
        ),
        MultiFieldPanel(
            [FieldPanel("guardian_letter_title"), FieldPanel("guardian_letter")], heading=_("Letter to guardians")
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
        QuizPage = apps.get_model("quizzes", "QuizPage")  # by name: lessons never import quizzes
        return QuizPage.objects.child_of(self).live().public().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        lessons = list(self.lessons())
        done_keys = finished_lesson_keys(request.user, lessons)
        context.update(
            lessons=lessons,
            module_quizzes=list(self.quizzes()),
            periods=math.ceil(sum(lesson.duration_minutes for lesson in lessons) / PERIOD_MINUTES),
            done_keys=done_keys,
            done_count=len(done_keys),
        )
        return context

    def route(self, request, path_components):
        if path_components == [GUARDIAN_LETTER_SLUG] and self.live:
            return RouteResult(self, kwargs={"guardian_letter": True})
        return super().route(request, path_components)

    def serve(self, request, *args, guardian_letter=False, **kwargs):
        if not guardian_letter:
            return super().serve(request, *args, **kwargs)
        from support.channels import core_channels

        context = self.get_context(request)
        context.update(
            letter_paragraphs=[chunk.strip() for chunk in self.guardian_letter.split("\n\n") if chunk.strip()],
            help_lines=core_channels(),
        )
        return TemplateResponse(request, "lessons/guardian_letter.html", context)

    @property
    def guardian_letter_url(self):
        return f"{self.url}{GUARDIAN_LETTER_SLUG}/"


def finished_lesson_keys(user, lessons):
    """The translation keys of the lessons a signed-in student has finished (in any language): one query.

    Anyone else gets an empty set, and their page stays the same for every reader (and cacheable).
    """
    if not user.is_authenticated or not getattr(user, "is_student", False) or not lessons:
        return set()
    LessonProgress = apps.get_model("classrooms", "LessonProgress")  # by name: lessons never import classrooms
    return set(
        LessonProgress.objects.filter(
            student=user, lesson_key__in=[lesson.translation_key for lesson in lessons], completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )


# QuizPage.Kind.PRACTICE and POST_TEST, spelled here because lessons do not import quizzes.
PRACTICE_KIND = "practice"
POST_TEST_KIND = "post_test"


def choose_check_quiz(child_quizzes, chosen_key=None):
    """The lesson's check quiz among its live child quizzes (in page order).

    The editor's choice (by translation key, so every language agrees), else the first child quiz
    that is not a practice quiz. A practice quiz is never the check quiz.
    """
    candidates = [quiz for quiz in child_quizzes if quiz.kind != PRACTICE_KIND]
    if chosen_key:
        for quiz in candidates:
            if quiz.translation_key == chosen_key:
                return quiz
    return candidates[0] if candidates else None


def can_see_teacher_notes(user):
    """Verified teachers and editors see teacher notes; students, anonymous readers and anyone who
    signed up as a teacher but has not verified an email address never do (the notes include
    disclosure protocols, and the teacher sign-up is open to anyone)."""
    # Students are asked first: the permission check below loads every permission of the user's groups.
    if not user.is_authenticated or getattr(user, "is_student", False):
        return False
    if getattr(user, "is_teacher", False):
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=user, verified=True).exists()
    return bool(user.has_perm("wagtailadmin.access_admin"))


class LessonPage(RoutablePageMixin, Page):
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
    # Named by string: lessons sit below quizzes in the app layers and never import them.
    check_quiz_page = models.ForeignKey(
        "quizzes.QuizPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("check quiz"),
        help_text=_(
            "The quiz under this lesson whose pass completes the lesson. "
            "Empty: the first quiz under the lesson that is not a practice quiz."
        ),
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
        FieldPanel("check_quiz_page"),
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
        """The live law references the body's law blocks show, in this lesson's language, in order,
        without repeats."""
        from .citations import public_law

        seen, laws = set(), []
        for block in self.body:
            if block.block_type != "law":
                continue
            law = public_law(block.value["law"], self.locale_id)
            if law is not None and law.pk not in seen:
                seen.add(law.pk)
                laws.append(law)
        return laws

    @property
    def law_last_reviewed(self):
        dates = [law.last_reviewed for law in self.cited_laws]
        return min(dates) if dates else None

    def child_quizzes(self):
        QuizPage = apps.get_model("quizzes", "QuizPage")
        return QuizPage.objects.child_of(self).live().public().order_by("path")

    def check_quiz(self):
        """The one quiz that completes this lesson (the matrix uses the same rule: choose_check_quiz)."""
        children = list(self.child_quizzes())
        chosen_key = None
        if self.check_quiz_page_id:
            chosen = next((quiz for quiz in children if quiz.pk == self.check_quiz_page_id), None)
            # A translation may still point at the source language's quiz: follow its translation key.
            chosen_key = chosen.translation_key if chosen else self._chosen_quiz_key()
        return choose_check_quiz(children, chosen_key)

    def _chosen_quiz_key(self):
        return (
            Page.objects.filter(pk=self.check_quiz_page_id).values_list("translation_key", flat=True).first()
            if self.check_quiz_page_id
            else None
        )

    def clean(self):
        super().clean()
        if self.duration_minutes and not 5 <= self.duration_minutes <= 240:
            raise ValidationError({"duration_minutes": _("A lesson lasts between 5 and 240 minutes.")})
        quiz = self.check_quiz_page
        if quiz is not None:
            is_child = self.path and quiz.path.startswith(self.path) and quiz.depth == self.depth + 1
            if not is_child:
                raise ValidationError({"check_quiz_page": _("Choose a quiz that sits under this lesson.")})
            if quiz.kind == PRACTICE_KIND:
                raise ValidationError(
                    {"check_quiz_page": _("A practice quiz never completes a lesson: choose another quiz.")}
                )

    def position_in(self, module):
        """Where this lesson sits in its module ("lesson 2 of 3"), and what comes after it.

        After the last lesson comes the module's post-test, if it has one.
        """
        lessons = list(module.lessons())
        ids = [lesson.pk for lesson in lessons]
        index = ids.index(self.pk) if self.pk in ids else None
        if index is None:  # a draft preview: not among the live lessons
            return None
        following = lessons[index + 1] if index + 1 < len(lessons) else None
        post_test = None
        if following is None:
            post_test = module.quizzes().filter(kind=POST_TEST_KIND).first()
        return {
            "number": index + 1,
            "total": len(lessons),
            "steps": range(1, len(lessons) + 1),
            "previous": lessons[index - 1] if index else None,
            "next": following,
            "post_test": post_test,
        }

    def route(self, request, path_components):
        # The lesson itself routes as a plain page (no view arguments), so the route cache of
        # website.models.HomePage.route keeps it; only the sub-routes below go through RoutablePageMixin.
        if not path_components:
            return Page.route(self, request, path_components)
        return super().route(request, path_components)

    # Teaching it in the room (lessons/presenting.py): routes under the lesson's own address.
    @path("present/")
    def present(self, request):
        from . import presenting

        return presenting.present(request, self)

    @path("present/presenter/")
    def presenter(self, request):
        from . import presenting

        return presenting.presenter(request, self)

    @path("plan/")
    def plan(self, request):
        from . import presenting

        return presenting.plan(request, self)

    @path("handout/")
    def handout(self, request):
        from . import presenting

        return presenting.handout(request, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        module = self.get_parent().specific
        context.update(
            show_teacher_notes=can_see_teacher_notes(request.user),
            check_quiz=self.check_quiz(),
            module=module,
            position=self.position_in(module),
            untranslated_from=request.GET.get("untranslated", ""),
        )
        return context
