"""The database side of concurrent_submit.py, run inside Django through `manage.py shell -c`.

Not an app module and never imported by the site: concurrent_submit.py runs it as

    manage.py shell -c "import runpy; runpy.run_path('bench/reliability/bench_db.py', run_name='__main__')"

with BENCH_ACTION (setup, verify or cleanup) and BENCH_ARGS (JSON) in the environment, and reads
the one line it prints that starts with BENCH_JSON:.

setup    creates N students (enrolled nowhere, one shared password hashed once) and a published
         10-question single-choice QuizPage under the first live English lesson
verify   reads back every attempt and answer of that quiz
cleanup  deletes the bench students (their attempts and answers go with them) and the bench quiz
"""

import json
import os
import uuid

QUESTIONS = 10
CHOICES = 4


def setup(args):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from lessons.models import LessonPage
    from quizzes.models import QuizPage

    User = get_user_model()
    prefix = args["prefix"]
    lesson = LessonPage.objects.live().filter(locale__language_code="en").order_by("path").first()
    if lesson is None:
        raise SystemExit("no live English lesson: load the demo content first (manage.py load_demo)")
    questions, blocks = [], []
    for number in range(QUESTIONS):
        choice_ids = [str(uuid.uuid4()) for _ in range(CHOICES)]
        correct = choice_ids[number % CHOICES]
        questions.append({"id": str(uuid.uuid4()), "choices": choice_ids, "correct": correct})
        blocks.append(
            {
                "type": "single_choice",
                "id": questions[-1]["id"],
                "value": {
                    "prompt": f"Reliability bench question {number + 1}",
                    "choices": [
                        {
                            "type": "item",
                            "id": choice_id,
                            "value": {
                                "text": f"Choice {position + 1}",
                                "correct": choice_id == correct,
                                "feedback": "Bench feedback.",
                            },
                        }
                        for position, choice_id in enumerate(choice_ids)
                    ],
                    "explanation": "Bench explanation.",
                    "law": None,
                },
            }
        )
    with transaction.atomic():
        quiz = QuizPage(
            title=f"Reliability bench quiz {prefix}",
            slug=f"{prefix}-quiz",
            kind=QuizPage.Kind.PRACTICE,
            questions=json.dumps(blocks),
        )
        lesson.add_child(instance=quiz)
        quiz.save_revision().publish()
        # One hash for every student: the site pays for one PBKDF2 check per login, the setup for one only.
        password = make_password(args["password"])
        User.objects.bulk_create(
            [
                User(username=f"{prefix}-{number:04d}", account_type="student", password=password)
                for number in range(args["students"])
            ]
        )
    quiz.refresh_from_db()
    return {
        "quiz_id": quiz.pk,
        "quiz_url": quiz.get_url(),
        "lesson": lesson.title,
        "questions": questions,
        "usernames": [f"{prefix}-{number:04d}" for number in range(args["students"])],
    }


def verify(args):
    from django.db.models import Count

    from quizzes.models import Answer, QuizAttempt

    attempts = (
        QuizAttempt.objects.filter(quiz_id=args["quiz_id"])
        .select_related("student")
        .annotate(answer_count=Count("answers"))
        .order_by("pk")
    )
    by_student = {}
    for attempt in attempts:
        by_student.setdefault(attempt.student.username, []).append(
            {
                "id": attempt.pk,
                "state": attempt.state,
                "score": attempt.score,
                "max_score": attempt.max_score,
                "answers": attempt.answer_count,
            }
        )
    return {
        "attempts": QuizAttempt.objects.filter(quiz_id=args["quiz_id"]).count(),
        "submitted": QuizAttempt.objects.filter(quiz_id=args["quiz_id"], state="submitted").count(),
        "in_progress": QuizAttempt.objects.filter(quiz_id=args["quiz_id"], state="in_progress").count(),
        "answers": Answer.objects.filter(attempt__quiz_id=args["quiz_id"]).count(),
        "by_student": by_student,
    }


def cleanup(args):
    from django.contrib.auth import get_user_model

    from quizzes.models import QuizPage

    deleted, _ = get_user_model().objects.filter(username__startswith=f"{args['prefix']}-").delete()
    quiz = QuizPage.objects.filter(pk=args.get("quiz_id")).first()
    if quiz is not None:
        quiz.delete()
    return {"deleted_rows": deleted}


if __name__ == "__main__":
    action = os.environ["BENCH_ACTION"]
    arguments = json.loads(os.environ.get("BENCH_ARGS", "{}"))
    result = {"setup": setup, "verify": verify, "cleanup": cleanup}[action](arguments)
    print("BENCH_JSON:" + json.dumps(result))
