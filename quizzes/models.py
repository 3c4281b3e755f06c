from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
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
        _("pass mark (%)"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Not used by pre-tests: they are diagnostics, complete once submitted."),
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

    @property
    def is_diagnostic(self):
        """A pre-test shows what a student knows before the module: no pass mark, done once submitted."""
        return self.kind == self.Kind.PRE_TEST

    def clean(self):
        super().clean()
        if self.is_diagnostic:
            # A diagnostic has nothing to pass; a stored mark would only mislead a later reader.
            self.pass_mark = 0

    # The view that serves a quiz page, set by QuizzesConfig.ready() (quizzes.views.serve_quiz): the view
    # imports this model, never the other way round.
    serve_view = None

    def serve(self, request, *args, **kwargs):
        return QuizPage.serve_view(request, self)

    def serve_preview(self, request, mode_name):
        """The draft's own questions, for the editor and the moderator reviewing it.

        `serve()` shows the live revision's questions; a preview records nothing and shows exactly what
        was written.
        """
        from .scoring import MAX_TEXT_ANSWER, questions_of

        context = self.get_context(request)
        context.update(
            preview=True, attempt=None, questions=questions_of(self), answers={}, max_text_answer=MAX_TEXT_ANSWER
        )
        return TemplateResponse(request, "quizzes/quiz_page.html", context)


class QuizAttempt(models.Model):
    """One student's go at one quiz, pinned to the page revision they saw."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("student")
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz"))
    # Scoring and explanations always use this revision, so later edits never change a result.
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("max score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        indexes = [models.Index(fields=["student", "quiz", "state"])]
        constraints = [
            # At most one attempt in progress per student and quiz: a double click cannot open two.
            models.UniqueConstraint(
                fields=["student", "quiz"], condition=models.Q(state="in_progress"), name="one_open_attempt_per_quiz"
            ),
            models.CheckConstraint(
                condition=models.Q(state="in_progress") | models.Q(submitted_at__isnull=False, score__isnull=False),
                name="submitted_attempt_has_score",
            ),
        ]

    def __str__(self):
        return f"{self.student} · {self.quiz} · {self.get_state_display()}"

    @cached_property
    def quiz_as_seen(self):
        """The quiz page as it was in the revision the student saw (deserialised once per request)."""
        return self.revision.as_object()

    @property
    def percent(self):
        return round(100 * self.score / self.max_score) if self.max_score else 0


class Answer(models.Model):
    """A student's answer to one question block of an attempt."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(_("question block id"), max_length=64)
    choice_ids = models.JSONField(_("chosen choice ids"), default=list, blank=True)
    text = models.TextField(_("text answer"), blank=True)
    correct = models.BooleanField(_("correct"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        constraints = [models.UniqueConstraint(fields=["attempt", "question_id"], name="one_answer_per_question")]

    def __str__(self):
        return f"{self.attempt_id}:{self.question_id}"
