"""Seed a school system's worth of data for benchmarks, with bulk inserts only.

At --scale 1: 50 schools, 1,000 classes, 25,000 students, 500,000 lesson-progress rows and
100,000 quiz attempts, on top of `load_demo`'s curriculum. Two extra classes of exactly 30 and 300
students, taught by one teacher with a verified email address, carry the same assignments so the
teacher's progress matrix can be timed at both sizes. --scale 0.02 makes a small copy for smoke runs.

Never run this on a real site: every account it makes shares one published password.
"""

import json
import math
import random
import time
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from wagtail.models import Page

from classrooms.models import JOIN_CODE_ALPHABET, Assignment, Classroom, Enrollment, LessonProgress, School
from lessons.models import LessonPage, ModulePage
from quizzes.models import QuizAttempt, QuizPage
from quizzes.scoring import passed, questions_of

FULL = {"schools": 50, "classes": 1_000, "students": 25_000, "progress": 500_000, "attempts": 100_000}
BENCH_CLASS_SIZES = (30, 300)
DEFAULT_PASSWORD = "bench-only-password-2026"
TEACHER_USERNAME = "bench-teacher"
PREFIX = "scale-"
BAND_OF_LEVEL = {"middle": "middle_school", "high": "high_school", "university": "university"}
LEVELS = ["middle", "middle", "high", "high", "university"]


class Command(BaseCommand):
    help = "Seed schools, classes, students, lesson progress and quiz attempts in bulk, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 25,000 students; 0.02 = 500")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="the one password of every seeded account")
        parser.add_argument("--manifest", help="write the ids a benchmark needs to this JSON file")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (the same seed, the same data)")
        parser.add_argument("--batch-size", type=int, default=5_000)

    def handle(self, *args, **options):
        scale = options["scale"]
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        User = get_user_model()
        if User.objects.filter(username=TEACHER_USERNAME).exists():
            raise CommandError("This database is already seeded (bench-teacher exists); use a fresh one.")
        self.rng = random.Random(options["seed"])
        self.batch = options["batch_size"]
        self.now = timezone.now()
        self.timings = {}
        counts = {name: max(1, round(value * scale)) for name, value in FULL.items()}
        counts["classes"] = max(counts["classes"], counts["schools"])
        minimum_students = sum(BENCH_CLASS_SIZES) + counts["classes"]
        if counts["students"] < minimum_students:
            raise CommandError(f"--scale {scale} gives too few students: at least {minimum_students} are needed.")
        started = time.monotonic()
        with transaction.atomic():
            self._step("curriculum", self.read_curriculum, math.ceil(counts["progress"] / counts["students"]))
            self._step("schools, teachers, classes", self.make_classes, counts, options["password"])
            self._step("students, enrolments", self.make_students, counts["students"], options["password"])
            self._step("assignments", self.make_assignments)
            self._step("lesson progress", self.make_progress, counts["progress"])
            self._step("quiz attempts", self.make_attempts, counts["attempts"])
        self._step("analyze", self.analyze)
        total = time.monotonic() - started
        summary = {
            "scale": scale,
            "counts": {
                "schools": School.objects.filter(name__startswith="Scale ").count(),
                "classes": len(self.classrooms) + len(self.bench_classes),
                "students": len(self.student_ids),
                "lesson_progress": self.progress_rows,
                "quiz_attempts": self.attempt_rows,
            },
            "seconds": round(total, 1),
            "step_seconds": self.timings,
        }
        for step, seconds in self.timings.items():
            self.stdout.write(f"  {step:<28} {seconds:7.1f} s")
        c = summary["counts"]
        self.stdout.write(
            f"Seeded {c['schools']} schools, {c['classes']} classes, {c['students']:,} students, "
            f"{c['lesson_progress']:,} lesson-progress rows, {c['quiz_attempts']:,} quiz attempts in {total:.1f} s."
        )
        if options["manifest"]:
            manifest = {
                **summary,
                "password": options["password"],
                "teacher": TEACHER_USERNAME,
                "bench_classes": {str(size): classroom.pk for size, classroom in self.bench_classes.items()},
                "bench_quiz": self.bench_quiz.pk,
                "lessons": [lesson.pk for lesson in self.demo_lessons],
                "pool_students": self.pool_student_ids,
                "all_students": len(self.student_ids),
            }
            path = Path(options["manifest"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(manifest))

    # ------------------------------------------------------------------ helpers

    def _step(self, name, function, *args):
        started = time.monotonic()
        result = function(*args)
        self.timings[name] = round(time.monotonic() - started, 1)
        return result

    def _insert(self, model, objects):
        """bulk_create in batches; return the objects (with primary keys on PostgreSQL and SQLite)."""
        created = []
        for start in range(0, len(objects), self.batch):
            created += model.objects.bulk_create(objects[start : start + self.batch])
        return created

    def _when(self, days_back):
        return self.now - timedelta(days=self.rng.uniform(0, days_back))

    # ------------------------------------------------------------------ steps

    def read_curriculum(self, lessons_per_student):
        """The live Korean curriculum; copy lessons until every student can have lessons_per_student of them."""
        self.demo_lessons = list(LessonPage.objects.live().filter(locale__language_code="ko").order_by("path"))
        if not self.demo_lessons:
            raise CommandError("No curriculum: run `manage.py load_demo` first.")
        template = self.demo_lessons[0]
        modules = list(ModulePage.objects.live().filter(locale__language_code="ko").order_by("path"))
        lessons = list(self.demo_lessons)
        wanted = lessons_per_student + 5  # room for students to differ in which lessons they opened
        for number in range(len(lessons) + 1, wanted + 1):
            module = modules[number % len(modules)]
            copy = template.copy(
                to=module,
                update_attrs={"slug": f"scale-lesson-{number}", "title": f"{template.title} ({number})"},
                copy_revisions=False,
                keep_live=True,
                log_action=None,
            )
            lessons.append(copy)
        self.lessons = lessons
        self.lessons_by_band = {}
        for lesson in lessons:
            self.lessons_by_band.setdefault(lesson.audience, []).append(lesson)
        quizzes = list(QuizPage.objects.live().filter(locale__language_code="ko").order_by("path"))
        self.quizzes = quizzes
        self.quiz_info = {}
        for quiz in quizzes:
            scored = sum(1 for question in questions_of(quiz) if question.scored)
            self.quiz_info[quiz.pk] = (quiz.live_revision_id, scored, quiz.pass_mark)
        self.check_quiz_of = {}  # lesson path -> its check quiz
        self.module_quizzes = {}  # module path -> [pre-test, post-test]
        for quiz in quizzes:
            parent_path = quiz.path[: -Page.steplen]
            if quiz.kind == QuizPage.Kind.CHECK:
                self.check_quiz_of[parent_path] = quiz
            else:
                self.module_quizzes.setdefault(parent_path, []).append(quiz)
        self.modules = modules
        # The quiz every simulated student takes: the check quiz of the first middle-school lesson with one.
        self.bench_lesson = next(
            lesson
            for lesson in self.demo_lessons
            if lesson.audience == "middle_school" and lesson.path in self.check_quiz_of
        )
        self.bench_quiz = self.check_quiz_of[self.bench_lesson.path]

    def make_classes(self, counts, password):
        User = get_user_model()
        self.password_hash = make_password(password)  # hashed once: every seeded account shares it
        schools = self._insert(
            School,
            [
                School(name=f"Scale school {n:02d}", level=LEVELS[n % len(LEVELS)], region="Seoul")
                for n in range(counts["schools"])
            ],
        )
        teacher_count = math.ceil(counts["classes"] / 2)
        teachers = self._insert(
            User,
            [
                User(
                    username=f"{PREFIX}t{n:04d}",
                    password=self.password_hash,
                    account_type="teacher",
                    display_name=f"Teacher {n:04d}",
                )
                for n in range(teacher_count)
            ],
        )
        bench_teacher = User.objects.create(
            username=TEACHER_USERNAME,
            password=self.password_hash,
            account_type="teacher",
            email="bench-teacher@example.org",
            display_name="Bench Teacher",
        )
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=bench_teacher, email=bench_teacher.email, verified=True, primary=True)
        self.bench_teacher = bench_teacher
        codes = set(Classroom.objects.values_list("join_code", flat=True))
        classrooms = []
        # The two bench classes count among the classes.
        for n in range(max(1, counts["classes"] - len(BENCH_CLASS_SIZES))):
            school = schools[n % len(schools)]
            classrooms.append(
                Classroom(
                    school=school,
                    name=f"Class {n:04d}",
                    audience_band=BAND_OF_LEVEL[school.level],
                    join_code=self._new_code(codes),
                )
            )
        middle_school = next(school for school in schools if school.level == "middle")
        # The bench classes, one of 30 and one of 300, with the same assignments and the same teacher.
        bench = [
            Classroom(
                school=middle_school,
                name=f"Bench class of {size}",
                audience_band="middle_school",
                join_code=self._new_code(codes),
            )
            for size in BENCH_CLASS_SIZES
        ]
        created = self._insert(Classroom, classrooms + bench)
        self.classrooms = created[: len(classrooms)]
        self.bench_classes = dict(zip(BENCH_CLASS_SIZES, created[len(classrooms) :], strict=True))
        self.teacher_of = {}
        through = []
        for n, classroom in enumerate(self.classrooms):
            teacher = teachers[n // 2]
            self.teacher_of[classroom.pk] = teacher.pk
            through.append(Classroom.teachers.through(classroom_id=classroom.pk, user_id=teacher.pk))
        for classroom in self.bench_classes.values():
            self.teacher_of[classroom.pk] = bench_teacher.pk
            through.append(Classroom.teachers.through(classroom_id=classroom.pk, user_id=bench_teacher.pk))
        self._insert(Classroom.teachers.through, through)

    def _new_code(self, taken):
        while True:
            code = "".join(self.rng.choice(JOIN_CODE_ALPHABET) for _ in range(8))
            if code not in taken:
                taken.add(code)
                return code

    def make_students(self, count, password):
        User = get_user_model()
        joined = self.now - timedelta(days=150)
        students = self._insert(
            User,
            [
                User(
                    username=f"{PREFIX}s{n:05d}",
                    password=self.password_hash,
                    account_type="student",
                    display_name=f"학생 {n:05d}",
                    date_joined=joined,
                )
                for n in range(count)
            ],
        )
        self.student_ids = [student.pk for student in students]
        # The two bench classes take the first students; the rest are spread over the other classes.
        self.class_of = {}
        position = 0
        self.bench_members = set()
        for size, classroom in self.bench_classes.items():
            roster = self.student_ids[position : position + size]
            position += size
            self.bench_members.update(roster)
            for student_id in roster:
                self.class_of[student_id] = classroom
        rest = self.student_ids[position:]
        for n, student_id in enumerate(rest):
            self.class_of[student_id] = self.classrooms[n % len(self.classrooms)]
        # Students a benchmark may sign in as and send through the bench quiz: never in the bench classes,
        # and (below) never given an attempt at the bench quiz, so each one meets a fresh quiz form.
        self.pool_student_ids = rest
        self._insert(
            Enrollment,
            [
                Enrollment(classroom=self.class_of[student_id], student_id=student_id)
                for student_id in self.student_ids
            ],
        )

    def make_assignments(self):
        assignments = []
        self.assigned = {}  # classroom pk -> (lesson keys, quiz pks)
        for classroom in self.classrooms:
            band_lessons = [
                lesson
                for lesson in self.lessons_by_band.get(classroom.audience_band, [])
                if lesson in self.demo_lessons
            ]
            lesson = self.rng.choice(band_lessons or self.demo_lessons)
            module = next(module for module in self.modules if lesson.path.startswith(module.path))
            pages = [module, lesson]
            if lesson.path in self.check_quiz_of and self.check_quiz_of[lesson.path] != self.bench_quiz:
                pages.append(self.check_quiz_of[lesson.path])
            assignments += self._assign(classroom, pages)
        # The bench classes: a whole module, two lessons, the bench quiz, and a module's pre- and post-test.
        lesson = self.bench_lesson
        module = next(module for module in self.modules if lesson.path.startswith(module.path))
        other_lesson = next(
            page for page in self.lessons_by_band["middle_school"] if not page.path.startswith(module.path)
        )
        pages = [module, lesson, self.bench_quiz, other_lesson, *self.module_quizzes.get(module.path, [])]
        for classroom in self.bench_classes.values():
            assignments += self._assign(classroom, pages)
        self._insert(Assignment, assignments)

    def _assign(self, classroom, pages):
        made, seen = [], set()
        for page in pages:
            if page.pk in seen:
                continue
            seen.add(page.pk)
            opens = self._when(60)
            due = opens + timedelta(days=self.rng.randint(3, 21))
            made.append(
                Assignment(
                    classroom=classroom,
                    page_id=page.pk,
                    opens_at=opens,
                    due_at=due,
                    assigned_by_id=self.teacher_of[classroom.pk],
                )
            )
        return made

    def make_progress(self, total):
        """`total` rows, as evenly spread over the students as it goes: each student has opened some lessons."""
        students = self.student_ids
        per_student, extra = divmod(total, len(students))
        rows, self.progress_rows = [], 0
        for index, student_id in enumerate(students):
            count = min(per_student + (1 if index < extra else 0), len(self.lessons))
            for lesson in self.rng.sample(self.lessons, count):
                started = self._when(120)
                done = self.rng.random() < 0.6
                rows.append(
                    LessonProgress(
                        student_id=student_id,
                        lesson_id=lesson.pk,
                        lesson_key=lesson.translation_key,
                        started_at=started,
                        completed_at=started + timedelta(minutes=self.rng.randint(10, 60)) if done else None,
                    )
                )
            if len(rows) >= self.batch * 4:
                self.progress_rows += len(self._insert(LessonProgress, rows))
                rows = []
        self.progress_rows += len(self._insert(LessonProgress, rows))

    def make_attempts(self, total):
        """`total` attempts: most submitted and scored, a few left in progress (at most one per student and quiz)."""
        students = self.student_ids
        per_student, extra = divmod(total, len(students))
        everyday = [quiz for quiz in self.quizzes if quiz != self.bench_quiz]
        bench_assigned = [self.bench_quiz, *self.module_quizzes.get(self._module_path(self.bench_lesson), [])]
        rows, self.attempt_rows = [], 0
        for index, student_id in enumerate(students):
            count = per_student + (1 if index < extra else 0)
            if student_id in self.bench_members:
                # Their teacher's matrix shows these: most have tried the assigned quizzes.
                chosen = [quiz for quiz in bench_assigned if self.rng.random() < 0.8]
                chosen += self.rng.sample(everyday, max(0, min(count - len(chosen), len(everyday))))
            else:
                chosen = self.rng.sample(everyday, min(count, len(everyday)))
            for quiz in chosen[:count] if count else []:
                rows.append(self._attempt(student_id, quiz))
            if len(rows) >= self.batch * 4:
                self.attempt_rows += len(self._insert(QuizAttempt, rows))
                rows = []
        self.attempt_rows += len(self._insert(QuizAttempt, rows))
        # started_at is auto_now_add, so bulk_create stamped every attempt "now": put it before submitted_at.
        QuizAttempt.objects.filter(submitted_at__lt=F("started_at")).update(
            started_at=F("submitted_at") - timedelta(minutes=10)
        )

    def _module_path(self, lesson):
        return lesson.path[: -Page.steplen]

    def _attempt(self, student_id, quiz):
        revision_id, scored, pass_mark = self.quiz_info[quiz.pk]
        started = self._when(90)
        if self.rng.random() < 0.06:
            return QuizAttempt(student_id=student_id, quiz_id=quiz.pk, revision_id=revision_id)
        points = self.rng.randint(max(0, scored // 3), scored)
        return QuizAttempt(
            student_id=student_id,
            quiz_id=quiz.pk,
            revision_id=revision_id,
            state=QuizAttempt.State.SUBMITTED,
            submitted_at=started + timedelta(minutes=self.rng.randint(3, 20)),
            score=points,
            max_score=scored,
            passed=passed(points, scored, pass_mark),
        )

    def analyze(self):
        """Fresh planner statistics, as autovacuum would have after a day of real use."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
