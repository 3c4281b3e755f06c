"""Teacher views: classes, roster, assignments, the progress matrix, analysis and exports.

Every object is fetched through classrooms.access, so a teacher reaches only their own classes.
"""

import secrets
from functools import wraps

from allauth.account.models import EmailAddress

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail.models import Locale, Page

from lessons.models import LessonPage, ModulePage
from quizzes.models import QuizAttempt, QuizPage
from users.data import delete_account

from .. import access
from ..analysis import class_question_analysis
from ..forms import AssignmentForm, ClassroomForm, GuardianConsentForm
from ..models import Assignment, Classroom, Enrollment, LessonProgress, ProgressExport, School
from ..progress import COMPLETION_RULE, build_matrix
from ..tasks import build_progress_export
from .data import data_download


def teacher_required(view):
    """Signed in, a teacher, with a verified email address."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.is_teacher(request.user):
            raise PermissionDenied
        if not EmailAddress.objects.filter(user=request.user, verified=True).exists():
            return render(request, "classrooms/teacher/verify_email.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


@teacher_required
def my_classes(request):
    classrooms = access.teacher_classrooms(request.user)
    return render(request, "classrooms/teacher/my_classes.html", {"classrooms": classrooms})


@teacher_required
def create_classroom(request):
    schools = School.objects.filter(classrooms__teachers=request.user).distinct()
    form = ClassroomForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            school = data["school"] or School.objects.create(
                name=data["school_name"],
                level=data["school_level"] or School.Level.MIDDLE,
                region=data["school_region"],
            )
            classroom = Classroom.objects.create(
                school=school,
                name=data["name"],
                audience_band=data["audience_band"],
                has_under_14=data["has_under_14"],
            )
            classroom.teachers.add(request.user)
        messages.success(request, _("Class created. Share its code with your students."))
        return redirect("classrooms:classroom", classroom.pk)
    return render(
        request, "classrooms/teacher/create_classroom.html", {"form": form}, status=400 if form.errors else 200
    )


@teacher_required
def classroom_detail(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    students = access.classroom_students(classroom)
    assignments = classroom.assignments.select_related("page")
    return render(
        request,
        "classrooms/teacher/classroom.html",
        {
            "classroom": classroom,
            "students": students,
            "assignments": assignments,
            "join_url": request.build_absolute_uri(f"/{translation.get_language()}/join/"),
        },
    )


@teacher_required
def join_sheet(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    return render(
        request,
        "classrooms/teacher/join_sheet.html",
        {
            "classroom": classroom,
            "join_url": request.build_absolute_uri(f"/{translation.get_language()}/join/"),
        },
    )


@teacher_required
@require_POST
def change_code(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    action = request.POST.get("action")
    if action == "regenerate":
        classroom.regenerate_code()
        messages.success(
            request, _("New code: %(code)s. The old code no longer works.") % {"code": classroom.formatted_code}
        )
    elif action in ("close", "open"):
        classroom.join_open = action == "open"
        classroom.save(update_fields=["join_open"])
        messages.success(request, _("Joining is open.") if classroom.join_open else _("Joining is closed."))
    else:
        messages.error(request, _("Unknown action; nothing changed."))
    return redirect("classrooms:classroom", classroom.pk)


@teacher_required
@require_POST
def remove_student(request, classroom_id, student_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    student = access.student_in_classroom_or_404(classroom, student_id)
    Enrollment.objects.filter(classroom=classroom, student=student).delete()
    messages.success(request, _("%(name)s was removed from the class.") % {"name": student})
    return redirect("classrooms:classroom", classroom.pk)


@teacher_required
@require_POST
def reset_password(request, classroom_id, student_id):
    """Students have no email, so their teacher sets a new password, shown once."""
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    student = access.student_in_classroom_or_404(classroom, student_id)
    password = "-".join(secrets.token_hex(2) for _ in range(3))
    student.set_password(password)
    student.save(update_fields=["password"])
    response = render(
        request,
        "classrooms/teacher/password_reset.html",
        {"classroom": classroom, "student": student, "password": password},
    )
    response["Cache-Control"] = "no-store"
    return response


def _assignable_pages(classroom):
    """Modules, their lessons and quizzes in the teacher's language, for the class's audience band."""
    locale = Locale.get_active()
    band_flag = {
        "middle_school": "for_middle_school",
        "high_school": "for_high_school",
        "university": "for_university",
    }[classroom.audience_band]
    modules = ModulePage.objects.live().filter(locale=locale, **{band_flag: True}).order_by("path")
    lessons = list(LessonPage.objects.live().filter(locale=locale, audience=classroom.audience_band).order_by("path"))
    quizzes = list(QuizPage.objects.live().filter(locale=locale).order_by("path"))
    lesson_paths = {lesson.path for lesson in lessons}
    choices = []
    for module in modules:
        group = [(module.pk, _("Whole module: %(title)s") % {"title": module.title})]
        group += [(lesson.pk, "— " + lesson.title) for lesson in lessons if lesson.path.startswith(module.path)]
        for quiz in quizzes:
            parent_path = quiz.path[: -Page.steplen]
            if parent_path == module.path or (parent_path in lesson_paths and parent_path.startswith(module.path)):
                group.append((quiz.pk, "· " + quiz.title))
        choices.append((module.title, group))
    return choices


@teacher_required
def assign(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    choices = _assignable_pages(classroom)
    form = AssignmentForm(request.POST or None, choices=choices, classroom=classroom)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                Assignment.objects.create(
                    classroom=classroom,
                    page_id=form.cleaned_data["page"],
                    opens_at=form.cleaned_data["opens_at"],
                    due_at=form.cleaned_data["due_at"],
                    assigned_by=request.user,
                )
        except IntegrityError:
            form.add_error("page", _("This class already has that item assigned."))
        else:
            messages.success(request, _("Assigned."))
            return redirect("classrooms:classroom", classroom.pk)
    return render(
        request,
        "classrooms/teacher/assign.html",
        {"classroom": classroom, "form": form},
        status=400 if form.errors else 200,
    )


@teacher_required
@require_POST
def unassign(request, classroom_id, assignment_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    access.classroom_assignment_or_404(classroom, assignment_id).delete()
    messages.success(request, _("The assignment was removed."))
    return redirect("classrooms:classroom", classroom.pk)


@teacher_required
def progress_matrix(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    matrix = build_matrix(classroom)
    return render(
        request,
        "classrooms/teacher/progress.html",
        {
            "classroom": classroom,
            "matrix": matrix,
            "completion_rule": COMPLETION_RULE,
            "exports": classroom.exports.filter(requested_by=request.user)[:5],
        },
    )


@teacher_required
def student_detail(request, classroom_id, student_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    student = access.student_in_classroom_or_404(classroom, student_id)
    attempts = (
        QuizAttempt.objects.filter(student=student, state=QuizAttempt.State.SUBMITTED)
        .select_related("quiz")
        .order_by("-submitted_at")
    )
    progress = LessonProgress.objects.filter(student=student).select_related("lesson").order_by("-started_at")
    return render(
        request,
        "classrooms/teacher/student.html",
        {
            "classroom": classroom,
            "student": student,
            "attempts": attempts,
            "progress": progress,
            "completion_rule": COMPLETION_RULE,
        },
    )


@teacher_required
def quiz_analysis(request, classroom_id, quiz_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    quiz = QuizPage.objects.filter(pk=quiz_id).first()
    if quiz is None:
        raise Http404
    return render(
        request,
        "classrooms/teacher/quiz_analysis.html",
        {
            "classroom": classroom,
            "quiz": quiz,
            "statistics": class_question_analysis(classroom, quiz),
        },
    )


@teacher_required
@require_POST
def start_export(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    export = ProgressExport.objects.create(
        classroom=classroom, requested_by=request.user, language=translation.get_language()
    )
    build_progress_export.delay_on_commit(export.pk)
    messages.success(request, _("The CSV is being prepared. It appears below when it is ready."))
    return redirect("classrooms:progress", classroom.pk)


@teacher_required
def download_export(request, export_id):
    export = access.teacher_export_or_404(request.user, export_id)
    if export.status != ProgressExport.Status.READY:
        messages.info(request, _("The CSV is not ready yet. Try again in a moment."))
        return redirect("classrooms:progress", export.classroom_id)
    response = HttpResponse(export.content.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="progress-{export.classroom_id}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@teacher_required
@require_POST
def archive(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    from ..tasks import archive_classroom

    archive_classroom.delay_on_commit(classroom.pk)
    messages.success(request, _("The class is being archived."))
    return redirect("classrooms:my_classes")


@teacher_required
@require_POST
def record_consent(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    form = GuardianConsentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("classrooms:classroom", classroom.pk)
    classroom.guardian_consent_by = form.cleaned_data["collected_by"]
    classroom.guardian_consent_on = form.cleaned_data["collected_on"]
    classroom.save(update_fields=["guardian_consent_by", "guardian_consent_on"])
    messages.success(request, _("Guardian consent recorded. The class code now works."))
    return redirect("classrooms:classroom", classroom.pk)


@teacher_required
def student_data_export(request, classroom_id, student_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    student = access.student_in_classroom_or_404(classroom, student_id)
    return data_download(student)


@teacher_required
@require_POST
def delete_student_account(request, classroom_id, student_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    student = access.student_in_classroom_or_404(classroom, student_id)
    if request.POST.get("confirm") != student.username:
        messages.error(request, _("Type the student's username to confirm. Nothing was deleted."))
        return redirect("classrooms:student", classroom.pk, student.pk)
    delete_account(student)
    messages.success(request, _("The student's account and all their data were deleted."))
    return redirect("classrooms:classroom", classroom.pk)


@teacher_required
@require_POST
def add_co_teacher(request, classroom_id):
    """Share a class with another teacher, found by the verified email address they signed up with."""
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    email = (request.POST.get("email") or "").strip()
    address = EmailAddress.objects.filter(email__iexact=email, verified=True, user__account_type="teacher").first()
    if address is None:
        messages.error(request, _("No teacher with that verified email address. Nothing changed."))
    elif classroom.teachers.filter(pk=address.user_id).exists():
        messages.info(request, _("That teacher already teaches this class."))
    else:
        classroom.teachers.add(address.user)
        messages.success(request, _("%(name)s now co-teaches this class.") % {"name": address.user})
    return redirect("classrooms:classroom", classroom.pk)
