"""Production settings for the bed's worker and beats only: the reminder digest every few seconds (instead of
4 pm) so two beats can be watched within the time budget, and mail written to files the driver counts."""

import os

from website.settings.production import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "teacher-reminder-digests": {
        "task": "classrooms.tasks.send_reminder_digests",
        "schedule": float(os.environ.get("BED_DIGEST_EVERY", "3")),
    },
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["BED_MAIL_DIR"]
