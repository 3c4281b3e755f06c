"""The database side of the cluster bed (bench/cluster/driver.py), run inside Django on one host's namespace.

Not an app module: the driver runs it as `manage.py shell -c "runpy.run_path(...)"` with BED_ACTION and BED_ARGS
(JSON) in the environment, and reads the one line it prints that starts with BED_JSON: (as
bench/reliability/bench_db.py does for the reliability bench, whose setup/verify the bed also reuses).

teacher   a teacher with a verified email, a class of students and an assignment due in 12 hours (so the
          reminder digest has something to say and the CSV export has rows)
publish   changes a live English lesson's title and publishes it, as an editor would; returns when (epoch s)
digests   how many reminder digests were claimed for the teacher
"""

import json
import os
import time


def teacher(args):
    from allauth.account.models import EmailAddress

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone, translation

    from classrooms.models import Assignment, Classroom, Enrollment, School
    from lessons.models import AudienceBand, LessonPage

    User = get_user_model()
    prefix = args["prefix"]
    lesson = LessonPage.objects.live().filter(locale__language_code="en").order_by("path").first()
    password = make_password(args["password"])
    with transaction.atomic():
        teacher = User.objects.create(
            username=f"{prefix}-teacher", account_type="teacher", email=f"{prefix}@school.test", password=password
        )
        EmailAddress.objects.create(user=teacher, email=teacher.email, verified=True, primary=True)
        school = School.objects.create(name=f"Bed school {prefix}")
        classroom = Classroom.objects.create(
            school=school, name=f"Bed class {prefix}", audience_band=AudienceBand.MIDDLE_SCHOOL
        )
        classroom.teachers.add(teacher)
        students = User.objects.bulk_create(
            [
                User(username=f"{prefix}-s{number:02d}", account_type="student", password=password)
                for number in range(args["students"])
            ]
        )
        Enrollment.objects.bulk_create([Enrollment(classroom=classroom, student=student) for student in students])
        Assignment.objects.create(
            classroom=classroom, page=lesson, due_at=timezone.now() + timezone.timedelta(hours=12), assigned_by=teacher
        )
    with translation.override("en"):
        return {
            "teacher": teacher.username,
            "email": teacher.email,
            "classroom": classroom.pk,
            "progress_url": reverse("classrooms:progress", args=[classroom.pk]),
            "export_url": reverse("classrooms:start_export", args=[classroom.pk]),
            "students": len(students),
        }


def publish(args):
    from lessons.models import LessonPage

    lesson = LessonPage.objects.live().filter(locale__language_code="en").order_by("path").last()
    old_title = lesson.title
    if args.get("dry"):
        return {"url": lesson.url, "title": old_title}
    page = lesson.get_latest_revision_as_object()
    page.title = args["title"]
    revision = page.save_revision()
    started = time.time()
    revision.publish()
    return {
        "url": lesson.url,
        "old_title": old_title,
        "title": args["title"],
        "publish_started": started,
        "published_at": time.time(),
    }


def digests(args):
    from classrooms.models import ReminderDigest

    return {"digests": ReminderDigest.objects.filter(teacher__username=args["teacher"]).count()}


if __name__ == "__main__":
    action = os.environ["BED_ACTION"]
    arguments = json.loads(os.environ.get("BED_ARGS", "{}"))
    result = {"teacher": teacher, "publish": publish, "digests": digests}[action](arguments)
    print("BED_JSON:" + json.dumps(result))
