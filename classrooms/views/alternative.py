"""The alternative activity (issue 18 #3): a guardian asks that a student do the lesson's alternative
activity; the teacher records it on the class page, the matrix counts it as done, and the class gets a
printable guardian letter per assignment that says what is taught, when, and how to ask for it.
"""

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lessons.models import LessonPage, ModulePage

from .. import access
from ..models import AlternativeActivity, Assignment
from ..progress import lessons_for_band
from .teacher import _classroom_page, teacher_required


@teacher_required
@require_POST
def record_alternative(request, classroom_id, assignment_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    assignment = access.classroom_assignment_or_404(classroom, assignment_id)
    student = access.classroom_students(classroom).filter(pk=request.POST.get("student") or 0).first()
    if student is None:
        # A student from another class (or none chosen): nothing is stored.
        messages.error(request, _("Choose a student of this class."))
        return _classroom_page(request, classroom, status=400)
    note = request.POST.get("note", "").strip()[:300]
    _record, created = AlternativeActivity.objects.get_or_create(
        assignment=assignment, student=student, defaults={"recorded_by": request.user, "note": note}
    )
    if created:
        messages.success(
            request,
            _("Recorded: %(student)s does the alternative activity.")
            % {"student": student.display_name or student.username},
        )
    else:
        messages.info(request, _("This was already recorded."))
    return redirect("classrooms:classroom", classroom.pk)


@teacher_required
@require_POST
def remove_alternative(request, classroom_id, assignment_id, student_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    assignment = access.classroom_assignment_or_404(classroom, assignment_id)
    AlternativeActivity.objects.filter(assignment=assignment, student_id=student_id).delete()
    messages.success(request, _("The alternative activity was removed."))
    return redirect("classrooms:classroom", classroom.pk)


def _letter_lessons(page, band):
    """The lessons the letter is about: the assigned lesson, or the module's lessons for the class's level."""
    if isinstance(page, ModulePage):
        return lessons_for_band(list(LessonPage.objects.live().child_of(page).specific()), band)
    if isinstance(page, LessonPage):
        return [page]
    return []


# The guardian's link holds the assignment's id only (no student data), signed so it cannot be guessed.
LETTER_SALT = "classrooms.guardian-letter"


def letter_token(assignment):
    return signing.dumps(assignment.pk, salt=LETTER_SALT)


def _render_letter(request, classroom, assignment, public):
    from support.channels import core_channels

    page = assignment.page.specific
    lessons = _letter_lessons(page, classroom.audience_band)
    module = page if isinstance(page, ModulePage) else page.get_parent().specific
    if not isinstance(module, ModulePage):
        module = None
    letter_text = module.guardian_letter if module else ""
    return render(
        request,
        "classrooms/teacher/guardian_letter.html",
        {
            "classroom": classroom,
            "assignment": assignment,
            "page": page,
            "module": module,
            "lessons": lessons,
            "alternatives": [lesson for lesson in lessons if lesson.alternative_activity.strip()],
            "letter_paragraphs": [chunk.strip() for chunk in letter_text.split("\n\n") if chunk.strip()],
            "help_lines": core_channels(),
            "public": public,
            "share_url": None
            if public
            else request.build_absolute_uri(
                reverse("classrooms:public_guardian_letter", kwargs={"token": letter_token(assignment)})
            ),
        },
    )


@teacher_required
def guardian_letter(request, classroom_id, assignment_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    assignment = access.classroom_assignment_or_404(classroom, assignment_id)
    return _render_letter(request, classroom, assignment, public=False)


def public_guardian_letter(request, token):
    """The letter a guardian opens from the teacher's link, without an account; a bad signature is a 404."""
    try:
        assignment_id = signing.loads(token, salt=LETTER_SALT)
    except signing.BadSignature:
        raise Http404 from None
    assignment = (
        Assignment.objects.select_related("classroom__school", "page")
        .filter(pk=assignment_id, classroom__archived_at__isnull=True)
        .first()
    )
    if assignment is None:
        raise Http404
    return _render_letter(request, assignment.classroom, assignment, public=True)
