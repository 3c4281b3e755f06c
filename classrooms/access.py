"""Who may see what, in one place. Every teacher and student view scopes its querysets here."""

from django.http import Http404

from .models import Assignment, Classroom, Enrollment, ProgressExport


def is_teacher(user):
    return user.is_authenticated and getattr(user, "is_teacher", False)


def teacher_classrooms(user, include_archived=False):
    """Classes this user teaches; nobody else's, whatever their other roles."""
    if not is_teacher(user):
        return Classroom.objects.none()
    classrooms = Classroom.objects.filter(teachers=user)
    if not include_archived:
        classrooms = classrooms.filter(archived_at__isnull=True)
    return classrooms.select_related("school")


def teacher_schools(user):
    """Schools a teacher has classes at or has joined (the schools app's memberships, when installed)."""
    from django.apps import apps
    from django.db.models import Q

    from .models import School

    if not is_teacher(user):
        return School.objects.none()
    query = Q(classrooms__teachers=user)
    if apps.is_installed("schools"):
        query |= Q(memberships__user=user)
    return School.objects.filter(pk__in=School.objects.filter(query).values("pk"))


def teacher_classroom_or_404(user, classroom_id):
    try:
        return teacher_classrooms(user, include_archived=True).get(pk=classroom_id)
    except (Classroom.DoesNotExist, ValueError):
        raise Http404 from None


def classroom_students(classroom):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(enrollments__classroom=classroom).order_by("display_name", "username")


def student_in_classroom_or_404(classroom, student_id):
    try:
        return classroom_students(classroom).get(pk=student_id)
    except (classroom_students(classroom).model.DoesNotExist, ValueError):
        raise Http404 from None


def classroom_assignment_or_404(classroom, assignment_id):
    try:
        return Assignment.objects.select_related("page").get(classroom=classroom, pk=assignment_id)
    except (Assignment.DoesNotExist, ValueError):
        raise Http404 from None


def teacher_export_or_404(user, export_id):
    try:
        return ProgressExport.objects.select_related("classroom").get(
            pk=export_id, classroom__in=teacher_classrooms(user, include_archived=True)
        )
    except (ProgressExport.DoesNotExist, ValueError):
        raise Http404 from None


def student_enrollments(user):
    return Enrollment.objects.filter(student=user, classroom__archived_at__isnull=True).select_related(
        "classroom", "classroom__school"
    )


def student_assignments(user):
    return (
        Assignment.objects.filter(classroom__enrollments__student=user, classroom__archived_at__isnull=True)
        .select_related("page", "classroom")
        .order_by("due_at")
    )
