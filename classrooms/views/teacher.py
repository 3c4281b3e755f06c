"""Teacher views: classes, roster, assignments, the progress matrix, analysis and exports.

Every object is fetched through classrooms.access, so a teacher reaches only their own classes.
"""

import secrets
from functools import wraps

from allauth.account.models import EmailAddress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wagtail.models import Locale

from quizzes.models import QuizAttempt, QuizPage
from users.sessions import end_sessions

from .. import access
from ..analysis import class_question_analysis
from ..exports import EXPORT_LIFETIME
from ..forms import AssignmentForm, ClassroomForm, GuardianConsentForm
from ..gain import class_gains
from ..matrix_cache import cached_matrix
from ..models import AlternativeActivity, Assignment, Classroom, Enrollment, LessonProgress, ProgressExport, School
from ..plans import module_plans
from ..privacy import delete_account
from ..progress import COMPLETION_RULE
from ..tasks import build_progress_export
from ..titles import localized_titles
from .data import data_download


def teacher_required(view):
    """Signed in, a teacher, with a verified email address."""
    # Not allauth's verified_email_required: it answers 200 and mails a new link on every visit (even a GET),
    # and it cannot refuse a student (403) before asking about email.

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
    schools = access.teacher_schools(request.user)
    form = ClassroomForm(request.POST or None, schools=schools, initial={"school": schools.first()})
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
                grade=data.get("grade"),
                section=data.get("section"),
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
    return _classroom_page(request, classroom)


def _classroom_page(request, classroom, consent_form=None, status=200):
    """The class page; a consent form sent back with its errors keeps what the teacher typed."""
    students = access.classroom_students(classroom)
    assignments = list(classroom.assignments.select_related("page"))
    titles = localized_titles([assignment.page for assignment in assignments])
    recorded = {}
    for alternative in AlternativeActivity.objects.filter(assignment__classroom=classroom).select_related("student"):
        recorded.setdefault(alternative.assignment_id, []).append(alternative)
    for assignment in assignments:
        assignment.title = titles[assignment.page_id]
        assignment.recorded_alternatives = recorded.get(assignment.pk, [])
    return render(
        request,
        "classrooms/teacher/classroom.html",
        {
            "classroom": classroom,
            "students": students,
            "assignments": assignments,
            "consent_form": consent_form or GuardianConsentForm(),
            "join_url": request.build_absolute_uri(f"/{translation.get_language()}/join/"),
        },
        status=status,
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


def confirm_page(request, classroom, *, title, consequences, action_url, confirm_label, fields=None, status=200):
    """The page a destructive action asks on: what will happen, and one button that POSTs.

    Shown on a GET of the action's own URL, so it works without JavaScript and the GET changes nothing.
    """
    return render(
        request,
        "classrooms/teacher/confirm.html",
        {
            "classroom": classroom,
            "title": title,
            "consequences": consequences,
            "action_url": action_url,
            "confirm_label": confirm_label,
            "fields": fields or {},
        },
        status=status,
    )


def _code_confirmation(request, classroom, action):
    url = request.path
    if action == "regenerate":
        return confirm_page(
            request,
            classroom,
            title=_("Make a new class code?"),
            consequences=[
                _("A new code replaces %(code)s.") % {"code": classroom.formatted_code},
                _("The old code stops working for students who have not joined yet."),
                _("Students who already joined stay in the class."),
            ],
            action_url=url,
            confirm_label=_("Make a new code"),
            fields={"action": action},
        )
    if action == "close":
        return confirm_page(
            request,
            classroom,
            title=_("Close joining?"),
            consequences=[
                _("Nobody can join this class with its code until you open joining again."),
                _("Students who already joined stay in the class."),
            ],
            action_url=url,
            confirm_label=_("Close joining"),
            fields={"action": action},
        )
    messages.error(request, _("Unknown action; nothing changed."))
    return redirect("classrooms:classroom", classroom.pk)


@teacher_required
@require_http_methods(["GET", "POST"])
def change_code(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    if request.method == "GET":
        return _code_confirmation(request, classroom, request.GET.get("action"))
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
@require_http_methods(["GET", "POST"])
def remove_student(request, classroom_id, student_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    student = access.student_in_classroom_or_404(classroom, student_id)
    if request.method == "GET":
        names = {"name": student.display_name or student.username, "username": student.username}
        return confirm_page(
            request,
            classroom,
            title=_("Remove %(name)s (%(username)s) from the class?") % names,
            consequences=[
                _("The class and its assignments disappear from the student's page."),
                _("The student leaves this class's progress table and future exports."),
                _(
                    "The account, its quiz results and lesson progress are kept: "
                    "the student can join again with the class code."
                ),
            ],
            action_url=request.path,
            confirm_label=_("Remove from class"),
        )
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
    end_sessions(student)  # signed out everywhere: whoever knew the old password is out too
    response = render(
        request,
        "classrooms/teacher/password_reset.html",
        {"classroom": classroom, "student": student, "password": password},
    )
    response["Cache-Control"] = "no-store"
    return response


def _assignable_pages(classroom):
    """Choices (modules, their lessons for the band and their quizzes) and what each whole module includes."""
    modules, plans = module_plans(classroom.audience_band, Locale.get_active())
    choices = []
    for module in modules:
        plan = plans[module.pk]
        group = [(module.pk, _("Whole module: %(title)s") % {"title": module.title})]
        for item in plan.lessons:
            group.append((item.lesson.pk, "— " + item.lesson.title))
            group += [(quiz.pk, "· " + quiz.title) for quiz in item.quizzes]
        group += [(quiz.pk, "· " + quiz.title) for quiz in plan.module_quizzes]
        choices.append((module.title, group))
    return choices, [plans[module.pk] for module in modules]


@teacher_required
def assign(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    choices, plans = _assignable_pages(classroom)
    form = AssignmentForm(request.POST or None, choices=choices, classroom=classroom)
    if request.method == "POST" and form.is_valid():
        empty = next(
            (plan for plan in plans if plan.module.pk == form.cleaned_data["page"] and not plan.lessons), None
        )
        if empty:
            # A whole module is its lessons for the class's level: with none, there is nothing to do or complete.
            form.add_error(
                "page",
                _(
                    "“%(module)s” has no lesson for %(band)s yet, so it cannot be assigned as a whole. "
                    "Nothing was saved."
                )
                % {"module": empty.module.title, "band": classroom.get_audience_band_display()},
            )
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
        {"classroom": classroom, "form": form, "plans": plans},
        status=400 if form.errors else 200,
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def unassign(request, classroom_id, assignment_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    assignment = access.classroom_assignment_or_404(classroom, assignment_id)
    if request.method == "GET":
        title = localized_titles([assignment.page])[assignment.page_id]
        return confirm_page(
            request,
            classroom,
            title=_("Remove the assignment “%(title)s”?") % {"title": title},
            consequences=[
                _("It disappears from the students' pages and from the progress table."),
                _(
                    "What students already did (lessons read, quiz results) is kept, "
                    "and counts again if you assign it again."
                ),
            ],
            action_url=request.path,
            confirm_label=_("Remove the assignment"),
        )
    assignment.delete()
    messages.success(request, _("The assignment was removed."))
    return redirect("classrooms:classroom", classroom.pk)


@teacher_required
def progress_matrix(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    # Kept until a progress, attempt, roster or assignment change of this class (classrooms/matrix_cache.py).
    matrix = cached_matrix(classroom)
    titles = localized_titles([column.page for column in matrix.columns])
    for column in matrix.columns:
        column.title = titles[column.page.pk]
    fresh = timezone.now() - EXPORT_LIFETIME
    return render(
        request,
        "classrooms/teacher/progress.html",
        {
            "classroom": classroom,
            "matrix": matrix,
            "completion_rule": COMPLETION_RULE,
            "exports": classroom.exports.filter(requested_by=request.user, created_at__gt=fresh).defer(
                "content", "xlsx"
            )[:5],
            "export_days": EXPORT_LIFETIME.days,
        },
    )


@teacher_required
def learning_gain(request, classroom_id):
    """Pre-test → post-test per student and the class's average gain, drawn on the server (no script)."""
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    return render(request, "classrooms/teacher/gain.html", {"classroom": classroom, "gains": class_gains(classroom)})


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
    attempts, progress = list(attempts), list(progress)
    titles = localized_titles([a.quiz for a in attempts] + [p.lesson for p in progress])
    for item in attempts:
        item.title = titles[item.quiz_id]
    for item in progress:
        item.title = titles[item.lesson_id]
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
    # Only a published quiz: a draft's questions are not the class's to see.
    quiz = QuizPage.objects.live().filter(pk=quiz_id).first()
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
    messages.success(request, _("The CSV and Excel files are being prepared. They appear below when they are ready."))
    return redirect("classrooms:progress", classroom.pk)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@teacher_required
def download_export(request, export_id, file_format="csv"):
    export = access.teacher_export_or_404(request.user, export_id)
    if export.is_expired:
        # Kept a week only (it names students); the nightly job deletes it.
        messages.error(
            request,
            _("That export expired: exports are kept for %(days)s days. Prepare a new one below.")
            % {"days": EXPORT_LIFETIME.days},
        )
        return redirect("classrooms:progress", export.classroom_id)
    if export.status != ProgressExport.Status.READY:
        messages.info(request, _("The export is not ready yet. Try again in a moment."))
        return redirect("classrooms:progress", export.classroom_id)
    if file_format == "xlsx":
        response = HttpResponse(bytes(export.xlsx), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(export.content.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M")
    filename = f"progress-{export.classroom_id}-{stamp}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@teacher_required
@require_http_methods(["GET", "POST"])
def archive(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    if request.method == "GET":
        return confirm_page(
            request,
            classroom,
            title=_("Archive %(name)s?") % {"name": classroom.name},
            consequences=[
                _("The class leaves your list of classes and joining closes: its code stops working."),
                _("Students no longer see the class or its assignments."),
                _(
                    "After %(days)s days the class and its progress are deleted, "
                    "and so are the accounts of students in no other class."
                )
                % {"days": settings.DIGNITY_RETENTION_DAYS},
            ],
            action_url=request.path,
            confirm_label=_("Archive the class"),
        )
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
        # The class page again, with the form's own messages beside its fields: the code stays closed.
        messages.error(request, _("Consent was not recorded: correct the form below. The class code stays closed."))
        return _classroom_page(request, classroom, consent_form=form, status=400)
    classroom.guardian_consent_by = form.cleaned_data["collected_by"]
    classroom.guardian_consent_on = form.cleaned_data["collected_on"]
    classroom.save(update_fields=["guardian_consent_by", "guardian_consent_on"])
    messages.success(request, _("Guardian consent recorded. The class code now works."))
    return redirect("classrooms:classroom", classroom.pk)


@teacher_required
def student_data_export(request, classroom_id, student_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    student = access.student_in_classroom_or_404(classroom, student_id)
    return data_download(student, for_teacher=True)


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
