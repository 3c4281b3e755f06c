from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from .blocks import QuestionStreamBlock


class QuizPage(Page):
    """A quiz under a lesson (check) or under a module (pre-test, post-test)."""

    class Kind(models.TextChoices):
        PRACTICE = "practice", _("Practice")
        CHECK = "check", _("Check of understanding")
        PRE_TEST = "pre_test", _("Pre-test")
        POST_TEST = "post_test", _("Post-test")

    class ExplanationTiming(models.TextChoices):
        AFTER_EACH = "after_each", _("After each question")
        AT_END = "at_end", _("At the end")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CHECK)
    intro = models.TextField(_("introduction"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 means unlimited.")
    )
    explanations = models.CharField(
        _("show explanations"), max_length=16, choices=ExplanationTiming.choices, default=ExplanationTiming.AT_END
    )
    questions = StreamField(QuestionStreamBlock(), blank=True, verbose_name=_("questions"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("pass_mark"), FieldPanel("attempts_allowed"), FieldPanel("explanations")],
            heading=_("Settings"),
        ),
        FieldPanel("questions"),
    ]
    parent_page_types = ["lessons.LessonPage", "lessons.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("quiz")
