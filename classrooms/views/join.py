"""Joining a class with its code: students pick a username and a password; no email, no real name."""

from django.contrib import messages
from django.contrib.auth import login
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from users.forms import StudentSignupForm, suggest_username

from .. import join_limits
from ..forms import JoinCodeForm
from ..models import Classroom, Enrollment

SESSION_KEY = "join_classroom_id"


def _enrol(request, student, classroom):
    try:
        with transaction.atomic():
            Enrollment.objects.create(classroom=classroom, student=student)
    except IntegrityError:
        messages.info(request, _("You are already in this class."))
        return False
    messages.success(request, _("You joined %(name)s.") % {"name": classroom.name})
    return True


@never_cache
def join(request):
    # A join link from the projector's QR code carries the code (?code=…): the form arrives filled in.
    form = JoinCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")[:20]})
    status = 200
    if request.method == "POST":
        if join_limits.must_wait(request):
            messages.error(request, _("Too many wrong codes from this connection. Wait ten minutes, then try again."))
            return render(request, "classrooms/join.html", {"form": JoinCodeForm()}, status=429)
        if form.is_valid():
            classroom = Classroom.objects.filter(join_code=form.cleaned_data["code"]).first()
            if classroom is None:
                join_limits.count_wrong_code(request)
                form.add_error("code", _("We do not know that code. Check it with your teacher: codes can change."))
            elif not classroom.join_open or classroom.archived_at:
                form.add_error("code", _("This class is not taking new students right now. Ask your teacher."))
            elif classroom.needs_guardian_consent:
                form.add_error("code", _("This class opens once your teacher has recorded your guardian's consent."))
            elif request.user.is_authenticated:
                if not request.user.is_student:
                    form.add_error("code", _("Only student accounts can join a class."))
                else:
                    _enrol(request, request.user, classroom)
                    return redirect("classrooms:student_home")
            else:
                request.session[SESSION_KEY] = classroom.pk
                return redirect("classrooms:join_account")
        status = 400
    return render(request, "classrooms/join.html", {"form": form}, status=status)


@never_cache
def join_account(request):
    classroom = Classroom.objects.filter(
        pk=request.session.get(SESSION_KEY), join_open=True, archived_at__isnull=True
    ).first()
    if classroom is None:
        messages.error(request, _("Enter your class code first."))
        return redirect("classrooms:join")
    if request.method == "POST":
        form = StudentSignupForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                student = form.save()
                Enrollment.objects.create(classroom=classroom, student=student)
            request.session.pop(SESSION_KEY, None)
            login(request, student, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! You joined %(name)s.") % {"name": classroom.name})
            return redirect("classrooms:student_home")
        status = 400
    else:
        form = StudentSignupForm(initial={"username": suggest_username()})
        status = 200
    return render(
        request,
        "classrooms/join_account.html",
        {"form": form, "classroom": classroom, "login_url": reverse("account_login")},
        status=status,
    )
