"""A school's pages: my schools, finding and joining a school, the coordinator's dashboard, importing a
class list, and the annual report (HTML for A4 printing, and XLSX)."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from classrooms import cards, join_limits
from classrooms.access import classroom_students
from classrooms.models import School
from classrooms.qr import qr_svg
from classrooms.views.teacher import teacher_required

from . import roster
from .access import coordinator_school_or_404, roster_classroom_or_404
from .charts import MIN_PAIRED, school_charts
from .forms import FindSchoolForm, InviteForm, JoinSchoolForm, RosterUploadForm, SignOffForm
from .models import ReportSignOff, SchoolCode, SchoolMembership, ensure_code
from .report import annual_report, class_report, class_sort_key, school_year_of


@teacher_required
def my_schools(request):
    memberships = SchoolMembership.objects.filter(user=request.user).select_related("school").order_by("school__name")
    return render(request, "schools/my_schools.html", {"memberships": memberships})


@teacher_required
@require_http_methods(["GET", "POST"])
def find_school(request):
    """Search by name and region; join one with the code its coordinator shared (instead of a duplicate)."""
    search = FindSchoolForm(request.GET or None)
    schools = []
    if search.is_valid() and (search.cleaned_data["q"] or search.cleaned_data["region"]):
        query = Q(name__icontains=search.cleaned_data["q"]) & Q(region__icontains=search.cleaned_data["region"])
        schools = list(School.objects.filter(query).order_by("name", "region")[:30])
    join_form = JoinSchoolForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if join_limits.must_wait(request):
            messages.error(request, _("Too many wrong codes from this connection. Wait ten minutes, then try again."))
            return redirect("schools:find_school")
        if join_form.is_valid():
            school = join_form.cleaned_data["school"]
            if not SchoolCode.objects.filter(school=school, code=join_form.cleaned_data["code"]).exists():
                join_limits.count_wrong_code(request)
                join_form.add_error("code", _("That is not this school's code. Ask your school's coordinator."))
            else:
                _membership, created = SchoolMembership.objects.get_or_create(school=school, user=request.user)
                if created:
                    messages.success(request, _("You joined %(school)s.") % {"school": school.name})
                else:
                    messages.info(request, _("You are already a member of %(school)s.") % {"school": school.name})
                return redirect("schools:my_schools")
        chosen = getattr(join_form, "cleaned_data", {}).get("school")
        if chosen and chosen not in schools:
            schools.append(chosen)
    return render(
        request,
        "schools/find_school.html",
        {"search": search, "schools": schools, "join_form": join_form, "searched": bool(request.GET)},
        status=status,
    )


@teacher_required
def dashboard(request, school_id):
    """Every class of the school, read-only: by grade and band, assignments, completion, gain, alternatives."""
    school = coordinator_school_or_404(request.user, school_id)
    classes = [class_report(classroom) for classroom in sorted(school.classrooms.all(), key=class_sort_key)]
    taught = set(school.classrooms.filter(teachers=request.user).values_list("pk", flat=True))
    members = SchoolMembership.objects.filter(school=school).select_related("user").order_by("role", "user__username")
    return render(
        request,
        "schools/dashboard.html",
        {
            "school": school,
            "classes": classes,
            "taught": taught,
            "members": members,
            "code": SchoolCode.objects.filter(school=school).first(),
            "invite_form": InviteForm(),
            "year": school_year_of(timezone.localdate()),
            "charts": school_charts(school, classes),
            "min_paired": MIN_PAIRED,
        },
    )


@teacher_required
@require_POST
def new_code(request, school_id):
    school = coordinator_school_or_404(request.user, school_id)
    code = ensure_code(school)
    code.regenerate()
    messages.success(request, _("New school code: %(code)s. The old code no longer works.") % {"code": code.formatted})
    return redirect("schools:dashboard", school.pk)


@teacher_required
@require_POST
def invite(request, school_id):
    """Add a verified teacher by email. The answer is the same whether or not the address has an account."""
    from allauth.account.models import EmailAddress

    school = coordinator_school_or_404(request.user, school_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid email address."))
        return redirect("schools:dashboard", school.pk)
    address = EmailAddress.objects.filter(
        email__iexact=form.cleaned_data["email"], verified=True, user__account_type="teacher", user__is_active=True
    ).first()
    if address:
        SchoolMembership.objects.get_or_create(school=school, user=address.user)
    messages.success(
        request,
        _(
            "If a teacher with a verified account uses %(email)s, they are now a teacher of this school. "
            "Otherwise share the school code: they can join with it after signing up."
        )
        % {"email": form.cleaned_data["email"]},
    )
    return redirect("schools:dashboard", school.pk)


def _class_back_link(user, classroom):
    if classroom.teachers.filter(pk=user.pk).exists():
        return reverse("classrooms:classroom", args=[classroom.pk])
    return reverse("schools:dashboard", args=[classroom.school_id])


@teacher_required
@require_http_methods(["GET", "POST"])
def roster_upload(request, classroom_id):
    """Upload a class list; a valid file shows the preview (one form per row) to fix and confirm."""
    classroom = roster_classroom_or_404(request.user, classroom_id)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context = {"classroom": classroom, "form": form, "back": _class_back_link(request.user, classroom)}
    if request.method == "POST":
        if form.is_valid():
            try:
                parsed = roster.parse(form.cleaned_data["file"])
            except roster.RosterRefused as refused:
                form.add_error("file", str(refused))
            else:
                formset = roster.RosterFormSet(data=_formset_data(parsed.rows), classroom=classroom, prefix="rows")
                formset.is_valid()
                return _preview(request, classroom, formset, parsed.notices)
        return render(request, "schools/roster_upload.html", context, status=400)
    return render(request, "schools/roster_upload.html", context)


def _formset_data(rows):
    data = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "200",
    }
    for position, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{position}-{key}"] = value
    return data


def _preview(request, classroom, formset, notices, status=200):
    return render(
        request,
        "schools/roster_preview.html",
        {
            "classroom": classroom,
            "formset": formset,
            "notices": notices,
            "back": _class_back_link(request.user, classroom),
        },
        status=status,
    )


@teacher_required
@require_POST
def roster_confirm(request, classroom_id):
    classroom = roster_classroom_or_404(request.user, classroom_id)
    formset = roster.RosterFormSet(data=request.POST, classroom=classroom, prefix="rows")
    if not formset.is_valid():
        messages.error(request, _("Nothing was imported. Fix the rows marked below, or remove them."))
        return _preview(request, classroom, formset, [], status=400)
    if classroom.archived_at:
        messages.error(request, _("This class is archived: nothing was imported."))
        return redirect("schools:roster_upload", classroom.pk)
    rows = [form.cleaned_data for form in formset.forms if form.cleaned_data and not formset._should_delete_form(form)]
    result = roster.import_rows(classroom, rows)
    return render(
        request,
        "schools/roster_done.html",
        {"classroom": classroom, "result": result, "back": _class_back_link(request.user, classroom)},
    )


@teacher_required
@require_POST
def print_cards(request, classroom_id):
    """Print the class's sign-in cards (revoking unused old ones): for its teacher or the school's coordinator."""
    classroom = roster_classroom_or_404(request.user, classroom_id)
    students = list(classroom_students(classroom))
    if classroom.archived_at or not students:
        messages.error(request, _("There are no students in this class yet: nothing to print."))
        return redirect("schools:roster_upload", classroom.pk)
    printed = cards.issue_cards(classroom, students, request.user)
    for card in printed:
        card.link = request.build_absolute_uri(reverse("classrooms:card_sign_in", args=[card.token]))
        card.qr = qr_svg(card.link, _("QR code: sign in as %(username)s") % {"username": card.student.username})
    response = render(
        request,
        "classrooms/teacher/printed_cards.html",
        {
            "classroom": classroom,
            "cards": printed,
            "code_url": request.build_absolute_uri(reverse("classrooms:card_code")),
            "language": translation.get_language(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _report_context(request, school, year, sign_off_form=None):
    report = annual_report(school, year)
    initial = {"signed_on": timezone.localdate()}
    return {
        "report": report,
        "school": school,
        "year": year,
        "years": [year - 1, year + 1] if year + 1 <= school_year_of(timezone.localdate()) else [year - 1],
        "sign_off_form": sign_off_form or SignOffForm(initial=initial),
    }


def _valid_year(year):
    return 2000 <= year <= school_year_of(timezone.localdate()) + 1


@teacher_required
def report(request, school_id, year):
    school = coordinator_school_or_404(request.user, school_id)
    if not _valid_year(year):
        raise Http404
    return render(request, "schools/report.html", _report_context(request, school, year))


@teacher_required
@require_POST
def sign_off(request, school_id, year):
    school = coordinator_school_or_404(request.user, school_id)
    if not _valid_year(year):
        raise Http404
    form = SignOffForm(request.POST)
    if not form.is_valid():
        return render(request, "schools/report.html", _report_context(request, school, year, form), status=400)
    try:
        with transaction.atomic():
            ReportSignOff.objects.update_or_create(
                school=school, school_year=year, defaults={**form.cleaned_data, "signed_by": request.user}
            )
    except IntegrityError:
        pass
    messages.success(request, _("The report is signed off."))
    return redirect("schools:report", school.pk, year)


@teacher_required
def report_xlsx(request, school_id, year):
    from .xlsx import report_workbook

    school = coordinator_school_or_404(request.user, school_id)
    if not _valid_year(year):
        raise Http404
    content = report_workbook(annual_report(school, year))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="annual-report-{school.pk}-{year}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
