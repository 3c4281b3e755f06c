"""A student's own views: classes, assignments with status, continue where I left off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail.models import Locale

from lessons.models import LessonPage

from .. import access
from ..models import LessonProgress
from ..progress import COMPLETION_RULE, Status, build_student_view, mark_completed


@login_required
def student_home(request):
    if not request.user.is_student:
        if access.is_teacher(request.user):
            return redirect("classrooms:my_classes")
        raise Http404
    enrollments = access.student_enrollments(request.user)
    items = build_student_view(request.user, Locale.get_active())
    # A completed module offers its certificate (issue 19 #4): the one already made, or a button to make it.
    certificates = {c.module_key: c for c in request.user.certificates.all()}
    for item in items:
        item.certificate = certificates.get(item.assignment.page.translation_key)
    last = (
        LessonProgress.objects.filter(student=request.user, completed_at__isnull=True)
        .select_related("lesson")
        .order_by("-started_at")
        .first()
    )
    continue_page = None
    if last:
        continue_page = last.lesson.get_translation_or_none(Locale.get_active()) or last.lesson
    # The home screen leads with one thing to do: the lesson left open, else the next unfinished assignment.
    open_items = [item for item in items if item.cell.status != Status.COMPLETED]
    next_item = None if continue_page else next(iter(open_items), None)
    return render(
        request,
        "classrooms/student/home.html",
        {
            "enrollments": enrollments,
            "items": items,
            "continue_page": continue_page,
            "next_item": next_item,
            "done_count": len(items) - len(open_items),
            "completion_rule": COMPLETION_RULE,
            "now": timezone.now(),
            "Status": Status,
        },
    )


@login_required
@require_POST
def mark_lesson_done(request, lesson_id):
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None or not request.user.is_student:
        raise Http404
    mark_completed(request.user, lesson)
    messages.success(request, _("Marked as done."))
    return redirect(lesson.url)
