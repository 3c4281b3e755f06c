"""Views of the question box and live polls. Teachers reach only their own classes (classrooms.access)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classrooms import access
from classrooms.models import Classroom
from classrooms.views.teacher import teacher_required
from lessons.models import LessonPage
from lessons.presenting import build_screens, find_screen, help_channels_for_band

from . import rules
from .models import QUESTION_MAX_LENGTH, SCALE, AnonymousQuestion, LivePoll

# ---------------------------------------------------------------------------------------------------
# The question box: students
# ---------------------------------------------------------------------------------------------------


def _student_classroom(request, classroom_id):
    """The class, if this signed-in student is in it; None otherwise (the caller explains, stores nothing)."""
    if not getattr(request.user, "is_student", False):
        return None
    return access.student_enrollments(request.user).filter(classroom_id=classroom_id).first()


@login_required
def ask_question(request, classroom_id):
    enrollment = _student_classroom(request, classroom_id)
    if enrollment is None:
        return render(request, "teaching/questions/not_in_class.html", status=403)
    classroom = enrollment.classroom
    context = {
        "classroom": classroom,
        "max_length": QUESTION_MAX_LENGTH,
        "left": rules.questions_left(classroom, request.user),
    }
    if request.method != "POST":
        return render(request, "teaching/questions/ask.html", context)

    text = request.POST.get("text", "").strip()
    context["text"] = text
    error = None
    if not text:
        error = _("Write your question first.")
    elif len(text) > QUESTION_MAX_LENGTH:
        error = _("Your question is %(length)d characters long; the limit is %(limit)d. Please shorten it.") % {
            "length": len(text),
            "limit": QUESTION_MAX_LENGTH,
        }
    elif context["left"] <= 0:
        error = _("You have sent several questions in the last hour. Please wait a while before sending more.")
    if error:
        context["error"] = error
        return render(request, "teaching/questions/ask.html", context, status=400)

    flagged = rules.looks_like_disclosure(text)
    if flagged and request.POST.get("confirmed") != "yes":
        # The help lines come first, before anything is sent or stored.
        context["channels"] = help_channels_for_band(classroom.audience_band)
        return render(request, "teaching/questions/check.html", context)

    AnonymousQuestion.objects.create(classroom=classroom, text=text, flagged=flagged)
    rules.count_question(classroom, request.user)
    messages.success(request, _("Your question was sent. Your teacher cannot see who sent it."))
    return redirect("teaching:ask_question", classroom.pk)


# ---------------------------------------------------------------------------------------------------
# The question box: teachers
# ---------------------------------------------------------------------------------------------------


@teacher_required
def question_box(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    show_hidden = request.GET.get("hidden") == "1"
    questions = AnonymousQuestion.objects.filter(classroom=classroom)
    if not show_hidden:
        questions = questions.filter(hidden_at__isnull=True)
    questions = list(questions)
    return render(
        request,
        "teaching/questions/box.html",
        {
            "classroom": classroom,
            "questions": questions,
            "show_hidden": show_hidden,
            "any_flagged": any(question.flagged for question in questions),
            "channels": help_channels_for_band(classroom.audience_band),
        },
    )


@teacher_required
@require_POST
def update_question(request, classroom_id, question_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    question = AnonymousQuestion.objects.filter(classroom=classroom, pk=question_id).first()
    if question is None:
        raise Http404
    action = request.POST.get("action")
    now = timezone.now()
    updates = {
        "answered": {"answered_at": now},
        "unanswered": {"answered_at": None},
        "hide": {"hidden_at": now},
        "show": {"hidden_at": None},
    }.get(action)
    if updates is None:
        messages.error(request, _("Choose what to do with the question."))
    else:
        AnonymousQuestion.objects.filter(pk=question.pk).update(**updates)
        messages.success(request, _("Question updated."))
    return redirect("teaching:question_box", classroom.pk)


# ---------------------------------------------------------------------------------------------------
# Live polls
# ---------------------------------------------------------------------------------------------------


def _teacher_poll_or_404(user, poll_id):
    poll = (
        LivePoll.objects.select_related("classroom", "lesson")
        .filter(pk=poll_id, classroom__in=access.teacher_classrooms(user, include_archived=True))
        .first()
    )
    if poll is None:
        raise Http404
    return poll


@teacher_required
@require_POST
def open_poll(request):
    classroom = access.teacher_classroom_or_404(request.user, request.POST.get("classroom"))
    lesson = LessonPage.objects.live().filter(pk=request.POST.get("lesson") or 0).first()
    if lesson is None:
        raise Http404
    screen = find_screen(build_screens(lesson), request.POST.get("key", ""))
    if screen is None:
        raise Http404
    poll = rules.open_poll(classroom, lesson, screen, request.user)
    return redirect("teaching:poll", poll.pk)


def _screen_number(poll):
    screen = find_screen(build_screens(poll.lesson), poll.key)
    return screen.number if screen else 1


@teacher_required
def poll_projector(request, poll_id):
    poll = _teacher_poll_or_404(request.user, poll_id)
    return render(
        request,
        "teaching/polls/projector.html",
        {"poll": poll, "results": rules.poll_results(poll), "screen_number": _screen_number(poll)},
    )


@teacher_required
def poll_results(request, poll_id):
    poll = _teacher_poll_or_404(request.user, poll_id)
    return JsonResponse(rules.poll_results(poll), headers={"Cache-Control": "no-store"})


@teacher_required
@require_POST
def close_poll(request, poll_id):
    poll = _teacher_poll_or_404(request.user, poll_id)
    if poll.is_open:
        rules.close_poll(poll)
        messages.success(request, _("Poll closed. Who answered is forgotten; only the counts remain."))
    return redirect("teaching:poll", poll.pk)


@teacher_required
def class_polls(request, classroom_id):
    classroom = access.teacher_classroom_or_404(request.user, classroom_id)
    polls = LivePoll.objects.filter(classroom=classroom).select_related("lesson")
    lesson_id = request.GET.get("lesson", "")
    if lesson_id.isdigit():
        polls = polls.filter(lesson_id=int(lesson_id))
    rows = [{"poll": poll, "results": rules.poll_results(poll)} for poll in polls[:100]]
    return render(request, "teaching/polls/class_polls.html", {"classroom": classroom, "rows": rows})


@login_required
@require_POST
def answer_poll(request, poll_id):
    poll = LivePoll.objects.select_related("lesson").filter(pk=poll_id).first()
    if poll is None or not getattr(request.user, "is_student", False):
        raise Http404
    back = request.POST.get("next") or poll.lesson.url
    if not back.startswith("/") or back.startswith("//"):
        back = poll.lesson.url
    if not access.student_enrollments(request.user).filter(classroom=poll.classroom_id).exists():
        messages.error(request, _("This poll is for another class."))
        return redirect(back)
    choice = request.POST.get("choice", "")
    if not choice.isdigit() or int(choice) not in SCALE:
        messages.error(request, _("Choose a number from 1 to 5."))
        return redirect(back)
    try:
        rules.answer_poll(poll, request.user, int(choice))
    except rules.PollClosed:
        messages.info(request, _("This poll has closed, so your answer was not counted. Thank you all the same."))
    except rules.AlreadyAnswered:
        messages.info(request, _("You have already answered this poll; your first answer counts."))
    else:
        messages.success(request, _("Thank you. Your answer is counted anonymously."))
    return redirect(back)


def open_polls_for(user, lesson):
    """Polls open now, in the student's classes, for this lesson in any of its languages."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_student", False):
        return []
    classrooms = Classroom.objects.filter(enrollments__student=user, archived_at__isnull=True)
    polls = LivePoll.objects.filter(
        classroom__in=classrooms, closed_at__isnull=True, lesson__translation_key=lesson.translation_key
    ).select_related("classroom")
    return [{"poll": poll, "answered": rules.has_answered(poll, user)} for poll in polls]
