"""A student's module certificate, and /verify/ where anyone checks a certificate's code (issue 19 #4)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wagtail.models import Locale

from lessons.models import AudienceBand

from ..certificates import issue_certificate
from ..models import CERTIFICATE_CODE_LENGTH, ModuleCertificate, normalise_join_code


def _module_title(certificate):
    module = certificate.module
    translated = module.get_translation_or_none(Locale.get_active())
    return (translated or module).title


def _details(certificate):
    return {
        "certificate": certificate,
        "module_title": _module_title(certificate),
        "band": AudienceBand(certificate.audience_band).label,
    }


@login_required
@require_POST
def get_certificate(request, assignment_id):
    """The button on "My learning": makes the certificate once (later clicks find it), then shows it."""
    if not request.user.is_student:
        raise Http404
    certificate = issue_certificate(request.user, assignment_id)
    if certificate is None:
        raise Http404
    return redirect("classrooms:certificate", certificate_id=certificate.pk)


@login_required
def certificate(request, certificate_id):
    """The printable certificate: only its holder opens it here; anyone can check its code at /verify/."""
    try:
        certificate = ModuleCertificate.objects.select_related("module", "student").get(
            pk=certificate_id, student=request.user
        )
    except (ModuleCertificate.DoesNotExist, ValueError):
        raise Http404 from None
    context = _details(certificate)
    context["holder"] = certificate.student.display_name or certificate.student.username
    context["verify_url"] = request.build_absolute_uri(certificate_verify_path(certificate.code))
    return render(request, "classrooms/student/certificate.html", context)


def certificate_verify_path(code):
    from django.urls import reverse

    return reverse("classrooms:verify_code", kwargs={"code": code})


@never_cache
def verify(request):
    """A form to type a code; a typed code goes to its own page. Public: no sign-in."""
    error = None
    typed = request.GET.get("code")
    if typed is not None:
        code = normalise_join_code(typed)
        if len(code) == CERTIFICATE_CODE_LENGTH:
            return redirect("classrooms:verify_code", code=code)
        error = _(
            "A certificate code has 16 letters and digits, as printed on the certificate (e.g. ABCD-EFGH-JKMN-PQRS)."
        )
    return render(
        request, "classrooms/verify.html", {"error": error, "typed": typed or ""}, status=400 if error else 200
    )


@never_cache
def verify_code(request, code):
    """Genuine or not, and for a genuine one only the module, band, date and school: nothing about the student.

    Never cached (a certificate whose holder deleted their account stops verifying at once).
    """
    certificate = (
        ModuleCertificate.objects.select_related("module").filter(code=normalise_join_code(code)).first()
        if len(normalise_join_code(code)) == CERTIFICATE_CODE_LENGTH
        else None
    )
    if certificate is None:
        return render(request, "classrooms/verify.html", {"not_found": True, "typed": code}, status=404)
    return render(request, "classrooms/verify.html", _details(certificate))
