"""Get help, report content, and what Quick Exit does: pages that leave no trace."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .channels import active_channels, channels_for_situation, report_guides
from .middleware import leaves_no_trace
from .models import Situation

SITUATION_ADVICE = {
    Situation.DANGER: _(
        "Call the police on 112 now. If you cannot talk, stay on the line or ask someone near you to call."
    ),
    Situation.IMAGE_SHARED: _(
        "It is not your fault. Do not download or forward the image. Note the link, the account and the time, "
        "and ask for deletion support: they can request removal from platforms for you."
    ),
    Situation.THREATENED: _(
        "Do not pay and do not send anything more. Keep the messages, note the account and the time, "
        "and report it: threatening someone with images is a crime in itself."
    ),
    Situation.WITNESS: _(
        "Do not share, save or forward it. Tell a trusted adult, and report the account or the chat room. "
        "Supporting the person it happened to matters too."
    ),
    Situation.TALK: _("You can talk to a counsellor about anything, without giving your name."),
}


@leaves_no_trace
def get_help(request):
    situation = request.GET.get("situation", "")
    country = request.GET.get("country", "")[:3]
    context = {"situations": Situation.choices, "country": country}
    if situation:
        if situation not in Situation.values:
            raise Http404
        context.update(
            situation=situation,
            situation_label=Situation(situation).label,
            advice=SITUATION_ADVICE[situation],
            channels=channels_for_situation(situation, country=country),
        )
    else:
        context["channels"] = active_channels(country=country)
    return render(request, "support/get_help.html", context)


@leaves_no_trace
def report_content(request):
    return render(request, "support/report_content.html", {"guides": report_guides()})


@leaves_no_trace
def quick_exit_info(request):
    return render(request, "support/quick_exit.html")
