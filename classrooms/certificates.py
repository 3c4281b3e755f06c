"""Module certificates (issue 19 #4): who may have one, and when they completed the module.

A certificate is for a module assigned to one of the student's classes and completed by progress.py's rule
(all the module's lessons for the class's band; the alternative activity counts). Its date is the day the last
of those lessons was completed (or the alternative activity recorded).
"""

from django.db.models import Max
from django.utils import timezone

from .access import student_assignments
from .models import AlternativeActivity, Enrollment, LessonProgress, ModuleCertificate
from .progress import Status, build_matrix


def completion_times(matrix):
    """{(student pk, assignment pk): when the module was completed} for every completed module cell."""
    keys = {key for column in matrix.columns if column.kind == "module" for key in column.lesson_keys}
    students = [student.pk for student in matrix.students]
    done = {}
    if keys and students:
        for row in LessonProgress.objects.filter(
            student__in=students, lesson_key__in=keys, completed_at__isnull=False
        ).values("student_id", "lesson_key", "completed_at"):
            done[(row["student_id"], row["lesson_key"])] = row["completed_at"]
    modules = [column.assignment.pk for column in matrix.columns if column.kind == "module"]
    alternatives = (
        {
            (row["student_id"], row["assignment_id"]): row["when"]
            for row in AlternativeActivity.objects.filter(assignment__in=modules, student__in=students)
            .values("student_id", "assignment_id")
            .annotate(when=Max("recorded_at"))
        }
        if modules and students
        else {}
    )
    times = {}
    for student, cells in matrix.rows:
        for column, cell in zip(matrix.columns, cells, strict=True):
            if column.kind != "module" or cell.status != Status.COMPLETED:
                continue
            if cell.alternative:
                when = alternatives.get((student.pk, column.assignment.pk))
            else:
                when = max((done[(student.pk, key)] for key in column.lesson_keys), default=None)
            times[(student.pk, column.assignment.pk)] = when or timezone.now()
    return times


def issue_certificate(student, assignment_id):
    """The student's certificate for the module of this assignment, made the first time; None if not earned."""
    assignment = student_assignments(student).filter(pk=assignment_id).select_related("classroom__school").first()
    if assignment is None:
        return None
    classroom = assignment.classroom
    joined = Enrollment.objects.filter(student=student, classroom=classroom).values_list("joined_at", flat=True)
    matrix = build_matrix(classroom, student=student, joined_at=joined.first())
    column = next((c for c in matrix.columns if c.assignment.pk == assignment.pk), None)
    if column is None or column.kind != "module":
        return None
    when = completion_times(matrix).get((student.pk, assignment.pk))
    if when is None:
        return None
    certificate, _created = ModuleCertificate.objects.get_or_create(
        student=student,
        module_key=column.page.translation_key,
        defaults={
            "module": column.page,
            "classroom": classroom,
            "school_name": classroom.school.name,
            "audience_band": classroom.audience_band,
            "completed_on": timezone.localdate(when),
        },
    )
    return certificate
