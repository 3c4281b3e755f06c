"""What quizzes tell the apps above them: classrooms listens and updates progress."""

from django.dispatch import Signal

# Sent once, after an attempt is submitted and committed; provides `attempt`.
attempt_submitted = Signal()
