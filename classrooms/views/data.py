"""Downloading a student's data and deleting their account: the student's own right, or their teacher's."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from users import lockout

from ..privacy import delete_account, student_data


def data_download(student, for_teacher=False):
    """The student's data as JSON; a teacher's copy leaves reflection answers out (classrooms/privacy.py)."""
    body = json.dumps(student_data(student, for_teacher=for_teacher), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dignity-{student.username}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_data(request):
    if not request.user.is_student:
        raise Http404
    if request.GET.get("download"):
        return data_download(request.user)
    return render(request, "classrooms/student/my_data.html")


@login_required
@require_POST
def delete_my_account(request):
    user = request.user
    if not user.is_student:
        raise Http404
    # The same per-account budget as signing in: otherwise this form is an unlimited password oracle
    # for anyone who finds a signed-in session.
    key = lockout.key_for_user(user)
    seconds = lockout.wait_seconds(key)
    if seconds:
        messages.error(request, lockout.waiting_message(seconds))
        return redirect("classrooms:my_data")
    if not user.check_password(request.POST.get("password", "")):
        lockout.record_failure(key, user)
        messages.error(request, _("That password is not right. Nothing was deleted."))
        return redirect("classrooms:my_data")
    logout(request)
    delete_account(user)
    messages.success(request, _("Your account and all your data were deleted."))
    return redirect("/")
