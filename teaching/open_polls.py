"""Which lessons have a live poll open in any class, kept for a second in each process.

Every signed-in student's lesson page asks whether a poll is open on that lesson in one of their
classes (website.holes.open_polls_possible), and almost always none is: polls are open for a few
minutes of a lesson, in a few classes at a time. Asking the database on every page was one of a
page's few round trips. So each process keeps the set of lessons (by translation key, which every
language of a lesson shares) that have an open poll anywhere, read in one query at most once a
second; only a lesson in that set is asked about the student's own classes.

The set may hold more than is open (a poll closed a moment ago): the student's own query decides. It
may lack a poll opened in another process less than a second ago, as a page loaded a second earlier
would; opening or deleting a poll in this process forgets the set at once, and again at the commit.
"""

import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import LivePoll

MEMO_SECONDS = 1.0
_memo = {"keys": frozenset(), "until": 0.0}


def lessons_with_open_polls():
    """The translation keys (as text) of the lessons with a poll open in some class."""
    now = time.monotonic()
    if _memo["until"] > now:
        return _memo["keys"]
    open_polls = LivePoll.objects.filter(closed_at__isnull=True).order_by()  # no ordering: DISTINCT on the key alone
    keys = open_polls.values_list("lesson__translation_key", flat=True).distinct()
    _memo.update(keys=frozenset(str(key) for key in keys), until=now + MEMO_SECONDS)
    return _memo["keys"]


def forget():
    _memo["until"] = 0.0


@receiver(post_save, sender=LivePoll, dispatch_uid="teaching.open_polls.saved")
@receiver(post_delete, sender=LivePoll, dispatch_uid="teaching.open_polls.deleted")
def poll_changed(**kwargs):
    forget()
    transaction.on_commit(forget)
