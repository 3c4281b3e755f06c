"""A Celery beat scheduler that sends scheduled tasks from one beat process only, however many are started.

Two `celery beat` processes (a second host started by mistake, a rolling deploy that overlaps) would each send
every scheduled task: the nightly purge twice, scheduled publishing twice a minute, the reminder digests twice
(those are also claimed per teacher and day in classrooms.tasks, so nobody is mailed twice, but the work is
done twice). Each beat here takes a lock in the shared cache (Redis in production) before it sends anything and
renews it on every tick; a beat that does not hold the lock sends nothing and checks again shortly, so if the
holder dies another takes over within LOCK_SECONDS. Enabled by CELERY_BEAT_SCHEDULER in production settings.
"""

import logging
import os
import socket
import uuid

from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)
LOCK_KEY = "celery-beat-single-instance"
# The lock outlives the holder by this long; the holder renews it at least every RENEW_SECONDS.
LOCK_SECONDS = 30
RENEW_SECONDS = 10
STANDBY_SECONDS = 5


class SingleInstanceMixin:
    """Put before a celery.beat.Scheduler class: tick() sends nothing unless this process holds the lock."""

    def __init__(self, *args, **kwargs):
        self.lock_token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.holds_lock = None  # logged on the first decision, then on every change
        super().__init__(*args, **kwargs)

    def acquire_or_renew(self):
        from django.core.cache import cache

        try:
            if cache.add(LOCK_KEY, self.lock_token, LOCK_SECONDS):
                held = True
            else:
                # Renew only our own lock. A get-then-touch is not atomic, but the lock only ever passes on
                # after LOCK_SECONDS without renewal, far longer than the gap between these two calls.
                held = cache.get(LOCK_KEY) == self.lock_token and bool(cache.touch(LOCK_KEY, LOCK_SECONDS))
        except Exception as error:  # noqa: BLE001 — no shared cache, no proof we are alone: send nothing
            logger.warning("beat lock unavailable (%s: %s); sending nothing", type(error).__name__, error)
            held = False
        if held != self.holds_lock:
            logger.warning(
                "beat %s %s the single-instance lock", self.lock_token, "holds" if held else "does not hold"
            )
        self.holds_lock = held
        return held

    def tick(self, *args, **kwargs):
        if not self.acquire_or_renew():
            return STANDBY_SECONDS
        return min(super().tick(*args, **kwargs), RENEW_SECONDS)


class SingleBeatScheduler(SingleInstanceMixin, PersistentScheduler):
    pass
