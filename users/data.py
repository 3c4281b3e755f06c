"""A student's data rights: everything we hold about them, as JSON, and deletion that leaves no trace."""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone


def student_data(user):
    """Everything tied to the account, in a form a person (or a guardian) can read."""
    from classrooms.models import Enrollment, LessonProgress
    from quizzes.models import QuizAttempt

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
        "quiz_attempts": [
            {
                "quiz": a.quiz.title,
                "state": a.state,
                "started_at": a.started_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "score": a.score,
                "max_score": a.max_score,
                "passed": a.passed,
                "answers": [
                    {"question": ans.question_id, "choices": ans.choice_ids, "text": ans.text, "correct": ans.correct}
                    for ans in a.answers.all()
                ],
            }
            for a in attempts
        ],
    }


def _user_sessions(user):
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            yield session.pk


def delete_account(user):
    """Delete the account and everything tied to it; anonymise the few rows that must stay (audit logs)."""
    from wagtail.models import BaseLogEntry

    user_id = user.pk
    with transaction.atomic():
        Session.objects.filter(pk__in=list(_user_sessions(user))).delete()
        for log_model in BaseLogEntry.__subclasses__():
            if not log_model._meta.abstract:
                log_model.objects.filter(user_id=user_id).update(user_id=None)
        get_user_model().objects.filter(pk=user_id).delete()
