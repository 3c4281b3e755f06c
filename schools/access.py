"""Who may see what of a school: its coordinators see every class (read-only); a teacher sees their own."""

from django.http import Http404

from classrooms import access as classroom_access
from classrooms.models import Classroom, School

from .models import SchoolMembership


def coordinated_schools(user):
    if not classroom_access.is_teacher(user):
        return School.objects.none()
    return School.objects.filter(
        memberships__user=user, memberships__role=SchoolMembership.Role.COORDINATOR
    ).distinct()


def coordinator_school_or_404(user, school_id):
    """A school this user coordinates; any other school does not exist for them."""
    try:
        return coordinated_schools(user).get(pk=school_id)
    except (School.DoesNotExist, ValueError):
        raise Http404 from None


def roster_classroom_or_404(user, classroom_id):
    """A class whose list this user may import: one they teach, or any class of a school they coordinate."""
    if not classroom_access.is_teacher(user):
        raise Http404
    try:
        classroom = Classroom.objects.select_related("school").get(pk=classroom_id)
    except (Classroom.DoesNotExist, ValueError):
        raise Http404 from None
    if classroom.teachers.filter(pk=user.pk).exists() or coordinated_schools(user).filter(pk=classroom.school_id):
        return classroom
    raise Http404
