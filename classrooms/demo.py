"""A demo school, class and 24 students with varied progress, so the teacher's dashboard is real at first sight."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from lessons.models import LessonPage, ModulePage
from quizzes.attempts import open_attempt, submit
from quizzes.models import QuizPage
from quizzes.scoring import questions_of

from .models import Assignment, Classroom, Enrollment, School
from .progress import mark_completed, record_started

DEMO_CODE = "DEMO2345"
STUDENTS = 24


def _answers(quiz, rng, skill):
    answers = {}
    for question in questions_of(quiz):
        if not question.scored:
            answers[question.id] = str(rng.randint(2, 5)) if question.type == "reflection_scale" else ""
        elif rng.random() < skill:
            answers[question.id] = sorted(question.correct_ids)
        else:
            wrong = [choice.id for choice in question.choices if not choice.correct]
            answers[question.id] = [rng.choice(wrong)] if wrong else sorted(question.correct_ids)
    return answers


def create_demo_class(stdout=None):
    User = get_user_model()
    teacher = User.objects.filter(username="teacher").first()
    if teacher is None or Classroom.objects.filter(join_code=DEMO_CODE).exists():
        return
    module = ModulePage.objects.live().filter(locale__language_code="ko", slug="deepfakes-and-ai").first()
    if module is None:
        return
    school = School.objects.create(name="한빛중학교 (데모)", level=School.Level.MIDDLE, region="서울")
    classroom = Classroom.objects.create(
        school=school, name="2학년 3반", audience_band="middle_school", join_code=DEMO_CODE
    )
    classroom.teachers.add(teacher)
    now = timezone.now()
    lesson = LessonPage.objects.child_of(module).live().filter(audience="middle_school").first()
    quiz = QuizPage.objects.child_of(lesson).live().first()
    pre_test = QuizPage.objects.child_of(module).live().filter(kind="pre_test").first()
    Assignment.objects.create(
        classroom=classroom,
        page=pre_test,
        opens_at=now - timedelta(days=10),
        due_at=now - timedelta(days=3),
        assigned_by=teacher,
    )
    Assignment.objects.create(
        classroom=classroom,
        page=lesson,
        opens_at=now - timedelta(days=3),
        due_at=now + timedelta(days=1),
        assigned_by=teacher,
    )
    Assignment.objects.create(
        classroom=classroom,
        page=quiz,
        opens_at=now - timedelta(days=3),
        due_at=now + timedelta(days=4),
        assigned_by=teacher,
    )

    rng = random.Random(2024)
    students = [User.objects.get(username="student")]
    for number in range(1, STUDENTS):
        student = User(
            username=f"demo-student-{number:02d}", account_type="student", display_name=f"학생 {number:02d}"
        )
        student.set_unusable_password()
        student.save()
        students.append(student)
    for position, student in enumerate(students):
        Enrollment.objects.create(classroom=classroom, student=student)
        if position == 0:
            continue  # the demo student starts fresh, to try things out
        skill = rng.uniform(0.3, 0.95)
        if rng.random() < 0.85:
            submit(open_attempt(student, pre_test), _answers(pre_test, rng, skill * 0.7))
        if rng.random() < 0.75:
            record_started(student, lesson)
            if rng.random() < 0.7:
                submit(open_attempt(student, quiz), _answers(quiz, rng, skill))
                if rng.random() < 0.3:
                    mark_completed(student, lesson)
    # The class existed before its assignments were due: its students joined a fortnight ago, and each item
    # was assigned when it opened (otherwise nobody could be overdue, and everyone would have "joined after").
    Enrollment.objects.filter(classroom=classroom).update(joined_at=now - timedelta(days=14))
    for assignment in classroom.assignments.all():
        Assignment.objects.filter(pk=assignment.pk).update(created_at=assignment.opens_at)
    if stdout:
        stdout.write(f"Demo class: {classroom} with code {classroom.formatted_code} and {len(students)} students.")
