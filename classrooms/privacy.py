"""A student's data rights: everything we hold about them, as JSON, and deletion that leaves no trace.

It lives here, not in `users`, because it reaches the classes, progress and quiz attempts the account
is tied to: `users` depends on nothing of ours (README, "Dependencies point one way").
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from wagtail.models import BaseLogEntry

from quizzes.models import QuizAttempt
from users.sessions import end_sessions

from .exports import forget_student
from .models import Enrollment, LessonProgress, ModuleCertificate


def student_data(user, for_teacher=False):
    """Everything tied to the account, in a form a person (or a guardian) can read.

    The student's own download holds everything. Their teacher's (`for_teacher`) leaves out what the
    student wrote or chose in reflections: the quiz page promises "your teacher never sees your own
    words", and a per-student scale answer would undo the class totals' batching.
    """
    attempts = QuizAttempt.objects.filter(student=user).select_related("quiz").prefetch_related("answers")
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "account_type": user.account_type,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "classes": [
            {"class": e.classroom.name, "school": e.classroom.school.name, "joined_at": e.joined_at.isoformat()}
            for e in Enrollment.objects.filter(student=user).select_related("classroom__school")
        ],
        "lessons": [
            {
                "lesson": p.lesson.title,
                "started_at": p.started_at.isoformat(),
                "completed_at": p.completed_at.isoformat() if p.completed_at else None,
            }
            for p in LessonProgress.objects.filter(student=user).select_related("lesson")
        ],
        "certificates": [
            {
                "module": c.module.title,
                "school": c.school_name,
                "band": c.audience_band,
                "completed_on": c.completed_on.isoformat(),
                "code": c.code,
            }
            for c in ModuleCertificate.objects.filter(student=user).select_related("module")
        ],
        "quiz_attempts": [
            {
                "quiz": a.quiz.title,
                "state": a.state,
                "started_at": a.started_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "score": a.score,
                "max_score": a.max_score,
                "passed": a.passed,
                "answers": [_answer(ans, for_teacher) for ans in a.answers.all()],
            }
            for a in attempts
        ],
    }


def _answer(answer, for_teacher):
    row = {"question": answer.question_id, "choices": answer.choice_ids, "correct": answer.correct}
    # A reflection is the one answer with no right or wrong (correct is None).
    if not (for_teacher and answer.correct is None):
        row["text"] = answer.text
    return row


def delete_account(user):
    """Delete the account and everything tied to it; anonymise the few rows that must stay (audit logs)."""
    user_id = user.pk
    with transaction.atomic():
        end_sessions(user)  # one query through allauth's session index, however many sessions the site holds
        # Stored progress exports name the student: they go with the account (before the enrolments do,
        # which is how the exports of the student's classes are found).
        forget_student(user)
        for log_model in BaseLogEntry.__subclasses__():
            if not log_model._meta.abstract:
                log_model.objects.filter(user_id=user_id).update(user_id=None)
        get_user_model().objects.filter(pk=user_id).delete()
