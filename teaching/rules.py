"""The rules of the question box and of live polls, apart from the views that call them."""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from classrooms.analysis import REFLECTION_MINIMUM

from .models import SCALE, DisclosureKeywordList, LivePoll, PollAnswerMarker, PollTally

# A student may send this many questions to one class per hour: enough to ask, too few to flood.
QUESTIONS_PER_HOUR = 5
RATE_WINDOW_SECONDS = 60 * 60


def disclosure_keywords():
    """Every language's keywords: a student may write in either language whatever page they are on."""
    keywords = []
    for keyword_list in DisclosureKeywordList.objects.all():
        keywords.extend(keyword_list.keyword_list)
    return keywords


def looks_like_disclosure(text):
    folded = " ".join((text or "").casefold().split())
    return any(keyword in folded for keyword in disclosure_keywords())


def _rate_key(classroom, student):
    # Keyed by class and student only; it never names a question, so it cannot be joined to one.
    return f"question-box:{classroom.pk}:{student.pk}"


def questions_left(classroom, student):
    return max(0, QUESTIONS_PER_HOUR - (cache.get(_rate_key(classroom, student)) or 0))


def count_question(classroom, student):
    key = _rate_key(classroom, student)
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW_SECONDS)


def open_poll(classroom, lesson, screen, teacher):
    """Open a poll for a class; any poll still open in the class closes, so students see one at a time."""
    for poll in LivePoll.objects.filter(classroom=classroom, closed_at__isnull=True):
        close_poll(poll)
    from django.utils.translation import gettext as _

    low = screen.low_label or _("Not sure at all")
    high = screen.high_label or _("Very sure")
    with transaction.atomic():
        poll = LivePoll.objects.create(
            classroom=classroom,
            lesson=lesson,
            key=screen.poll_key,
            prompt=screen.question,
            low_label=low,
            high_label=high,
            opened_by=teacher,
        )
        PollTally.objects.bulk_create([PollTally(poll=poll, choice=choice) for choice in SCALE])
    return poll


def close_poll(poll):
    """Close a poll and forget who answered: the markers go, and the salt that made them."""
    with transaction.atomic():
        LivePoll.objects.filter(pk=poll.pk).update(closed_at=timezone.now(), salt="")
        PollAnswerMarker.objects.filter(poll=poll).delete()
    poll.refresh_from_db()


class PollClosed(Exception):
    pass


class AlreadyAnswered(Exception):
    pass


def answer_poll(poll, student, choice):
    """Count one answer. Raises PollClosed or AlreadyAnswered; stores nothing that names the student."""
    with transaction.atomic():
        poll = LivePoll.objects.select_for_update().get(pk=poll.pk)
        if not poll.is_open:
            raise PollClosed
        try:
            with transaction.atomic():
                PollAnswerMarker.objects.create(poll=poll, digest=poll.marker_for(student))
        except IntegrityError:
            raise AlreadyAnswered from None
        PollTally.objects.filter(poll=poll, choice=choice).update(count=F("count") + 1)


def has_answered(poll, student):
    return poll.is_open and PollAnswerMarker.objects.filter(poll=poll, digest=poll.marker_for(student)).exists()


def poll_results(poll):
    """What the projector may show: the number who answered, and the distribution from five answers up."""
    counts = dict(PollTally.objects.filter(poll=poll).values_list("choice", "count"))
    answered = PollTally.objects.filter(poll=poll).aggregate(total=Sum("count"))["total"] or 0
    shown = answered >= REFLECTION_MINIMUM
    return {
        "answered": answered,
        "minimum": REFLECTION_MINIMUM,
        "shown": shown,
        "counts": [{"choice": choice, "count": counts.get(choice, 0)} for choice in SCALE] if shown else [],
        "open": poll.is_open,
    }
