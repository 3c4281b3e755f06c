"""The anonymous question box and live anonymous polls.

Anonymity is kept by what is NOT stored: a question has no student, session, address or time finer
than the day; a poll keeps counts per choice only, and the one-answer-per-student guard is a set of
salted hashes that is deleted, salt and all, when the poll closes. There is no way back from a row
to a person, and no view offers one.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin

QUESTION_MAX_LENGTH = 500
SCALE = (1, 2, 3, 4, 5)


class DisclosureKeywordList(TranslatableMixin, models.Model):
    """Words that suggest a question is a disclosure, in one language; editors keep the list."""

    keywords = models.TextField(
        _("keywords"),
        help_text=_("One word or phrase per line. A question containing any of them shows the help lines first."),
    )

    panels = [FieldPanel("keywords")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("disclosure keyword list")
        verbose_name_plural = _("disclosure keyword lists")

    def __str__(self):
        return str(_("Disclosure keywords (%(language)s)") % {"language": self.locale.get_display_name()})

    @property
    def keyword_list(self):
        return [line.strip().casefold() for line in self.keywords.splitlines() if line.strip()]


class AnonymousQuestion(models.Model):
    """A question a student sent to their class's box. Deliberately no link to the student."""

    classroom = models.ForeignKey(
        "classrooms.Classroom", on_delete=models.CASCADE, related_name="anonymous_questions", verbose_name=_("class")
    )
    text = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    flagged = models.BooleanField(_("may be a disclosure"), default=False)
    # The day only: a time to the minute could be matched against who was holding a phone.
    received_on = models.DateField(_("received"), default=timezone.localdate)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)

    class Meta:
        verbose_name = _("anonymous question")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return self.text[:60]


class LivePoll(models.Model):
    """A 1–5 poll a teacher opens from projector mode for one class."""

    classroom = models.ForeignKey("classrooms.Classroom", on_delete=models.CASCADE, related_name="live_polls")
    lesson = models.ForeignKey("lessons.LessonPage", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80, help_text="Which question of the lesson (see lessons.presenting).")
    prompt = models.TextField(_("question"))
    low_label = models.CharField(max_length=200)
    high_label = models.CharField(max_length=200)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Salts the answered-markers; emptied when the poll closes, so no marker can be recomputed.
    salt = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("live poll")
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return self.prompt[:60]

    def save(self, *args, **kwargs):
        if self.is_open and not self.salt:
            self.salt = secrets.token_hex(32)
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.closed_at is None

    def marker_for(self, student):
        return hashlib.sha256(f"{self.salt}:{student.pk}".encode()).hexdigest()


class PollTally(models.Model):
    """How many chose one value of a poll: counts only, never who."""

    poll = models.ForeignKey(LivePoll, on_delete=models.CASCADE, related_name="tallies")
    choice = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["choice"]
        constraints = [models.UniqueConstraint(fields=["poll", "choice"], name="one_tally_per_choice")]

    def __str__(self):
        return f"{self.poll_id}: {self.choice} × {self.count}"


class PollAnswerMarker(models.Model):
    """That someone answered: a salted hash, not joined to the answer, deleted when the poll closes."""

    poll = models.ForeignKey(LivePoll, on_delete=models.CASCADE, related_name="markers")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "digest"], name="one_answer_per_marker")]

    def __str__(self):
        return self.digest[:12]
