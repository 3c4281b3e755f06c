"""Sign-in cards and the projector view of a class code.

Teachers print a card per student (QR link + short code) and show the class code big on the projector with the QR
of a pre-filled join link. Students scan a card and tap once to sign in; no typing, no password on paper.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import access, cards, join_limits
from ..forms import CardCodeForm
from ..qr import qr_svg
from .teacher import teacher_required

REFUSALS = {
    "unknown": gettext_lazy("This card does not work. Check the code, or ask your teacher for a new card."),
    "used": gettext_lazy(
        "This card has already been used. Ask your teacher for a new card, or log in with your username and password."
    ),
    "revoked": gettext_lazy("This card was replaced by a newer one. Ask your teacher for your new card."),
    "expired": gettext_lazy("This card has expired. Ask your teacher for a new card."),
    "archived": gettext_lazy(
        "This class has been archived, so its cards no longer work. Log in with your username and password."
    ),
    "left": gettext_lazy("You are no longer in this class, so this card does not work."),
}
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _signed_in(request, student):
    login(request, student, backend=_BACKEND)
    messages.success(request, _("You are signed in as %(username)s.") % {"username": student.username})
    return redirect("classrooms:student_home")


@never_cache
@require_http_methods(["GET", "POST"])
def card_sign_in(request, token):
    """The QR link. A GET only asks (link previews and scanners must not use up the card); the tap signs in."""
    try:
        card = cards.find_card(token=token)
        if request.method == "POST":
            return _signed_in(request, cards.redeem(card))
    except cards.CardRefused as refused:
        return render(request, "classrooms/card_sign_in.html", {"refusal": REFUSALS[refused.reason]}, status=410)
    return render(request, "classrooms/card_sign_in.html", {"card": card})


@never_cache
@require_http_methods(["GET", "POST"])
def card_code(request):
    """Typing the short code from a card, for a phone without a camera."""
    form = CardCodeForm(request.POST or None)
    if request.method == "POST":
        if join_limits.must_wait(request):
            messages.error(request, _("Too many wrong codes from this connection. Wait ten minutes, then try again."))
            return render(request, "classrooms/card_code.html", {"form": CardCodeForm()}, status=429)
        if form.is_valid():
            try:
                return _signed_in(request, cards.redeem(cards.find_card(code=form.cleaned_data["code"])))
            except cards.CardRefused as refused:
                if refused.reason == "unknown":
                    join_limits.count_wrong_code(request)
                form.add_error("code", REFUSALS[refused.reason])
        return render(request, "classrooms/card_code.html", {"form": form}, status=400)
    return render(request, "classrooms/card_code.html", {"form": form})


def _join_link(request, classroom):
    path = reverse("classrooms:join") + "?code=" + classroom.join_code
    return request.build_absolute_uri(path)


@teacher_required
def projector(request, classroom_id):
    """The class code big enough for the back row, with the QR of a join link that fills it in."""
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    join_link = _join_link(request, classroom)
    usable = classroom.join_open and not classroom.archived_at and not classroom.needs_guardian_consent
    return render(
        request,
        "classrooms/teacher/projector.html",
        {
            "classroom": classroom,
            "usable": usable,
            "join_link": join_link,
            "join_url": request.build_absolute_uri(reverse("classrooms:join")),
            "qr": qr_svg(join_link, _("QR code: join %(name)s") % {"name": classroom.name}) if usable else "",
        },
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def sign_in_cards(request, classroom_id):
    """GET explains and offers to print; POST prints new cards (revoking unused old ones) or revokes them all."""
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    students = list(access.classroom_students(classroom))
    if request.method == "POST":
        if classroom.archived_at:
            messages.error(request, _("This class is archived: its cards no longer work and no new ones can be made."))
        elif request.POST.get("action") == "revoke":
            count = cards.revoke_cards(classroom)
            messages.success(request, _("%(count)s unused cards no longer work.") % {"count": count})
        elif request.POST.get("action") == "print" and students:
            printed = cards.issue_cards(classroom, students, request.user)
            card_url = reverse("classrooms:card_code")
            for card in printed:
                link = request.build_absolute_uri(reverse("classrooms:card_sign_in", args=[card.token]))
                card.qr = qr_svg(link, _("QR code: sign in as %(username)s") % {"username": card.student.username})
                card.link = link
            response = render(
                request,
                "classrooms/teacher/printed_cards.html",
                {
                    "classroom": classroom,
                    "cards": printed,
                    "code_url": request.build_absolute_uri(card_url),
                    "language": translation.get_language(),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
        else:
            messages.error(request, _("There are no students in this class yet: nothing to print."))
        return redirect("classrooms:sign_in_cards", classroom.pk)
    return render(request, "classrooms/teacher/sign_in_cards.html", {"classroom": classroom, "students": students})
