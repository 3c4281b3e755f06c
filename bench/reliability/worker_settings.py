"""Settings for the Celery worker that tests/test_reliability.py kills in the middle of a task.

The test settings, except that Redis gives an unacknowledged task back after 5 s instead of the
default hour, and looks for such tasks every second, so the test can wait for the redelivery.
Only for that test: in production a visibility timeout shorter than the longest task (or countdown)
would hand a running task to a second worker. See docs/reliability.md.
"""

from website.settings.test import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
