"""Taking a quiz (plain form POST, works without JavaScript), results and "my progress"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .attempts import AttemptLimitReached, open_attempt, save_answers, stored_answers, submit
from .models import QuizAttempt
from .scoring import MAX_TEXT_ANSWER, AnswerError, clean_answers, passed, questions_of, score

ERRORS = {
    "unknown_question": gettext_lazy("That answer is for a question this quiz does not have. Nothing was saved."),
    "unknown_choice": gettext_lazy("That choice is not one of this question's choices. Nothing was saved."),
    "bad_scale": gettext_lazy("Choose a number from 1 to 5. Nothing was saved."),
    "too_long": format_lazy(
        gettext_lazy("An answer is longer than {limit} characters. Shorten it and send it again; nothing was saved."),
        limit=f"{MAX_TEXT_ANSWER:,}",
    ),
    "out_of_date": gettext_lazy("This quiz form is out of date. Reload the page and try again."),
}


def latest_attempt(user, quiz):
    return QuizAttempt.objects.filter(student=user, quiz=quiz).order_by("-started_at", "-pk").first()


def can_store_attempts(user):
    return user.is_authenticated


def serve_quiz(request, quiz):
    """QuizPage.serve: show the form, or take a submission."""
    user = request.user
    attempt = None
    if can_store_attempts(user):
        attempt_id = request.POST.get("attempt") if request.method == "POST" else None
        if attempt_id:
            attempt = get_object_or_404(QuizAttempt, pk=attempt_id, student=user, quiz=quiz)
            if attempt.state == QuizAttempt.State.SUBMITTED:
                # Double click, retry, or Back-then-submit: the same result, nothing new recorded.
                return HttpResponseRedirect(reverse("quizzes:result", args=[attempt.pk]))
            if request.POST.get("revision") != str(attempt.revision_id):
                return HttpResponseBadRequest(str(ERRORS["out_of_date"]))
        else:
            last = latest_attempt(user, quiz)
            starting_over = request.method == "POST" and "start_new" in request.POST
            if last and last.state == QuizAttempt.State.SUBMITTED and not starting_over:
                # Coming back to a finished quiz (or pressing Back after submitting) shows the result,
                # never a fresh form that would record a second attempt by accident.
                return TemplateResponse(
                    request, "quizzes/quiz_page.html", {"page": quiz, "self": quiz, "finished": last}
                )
            try:
                attempt = open_attempt(user, quiz)
            except AttemptLimitReached:
                return TemplateResponse(
                    request, "quizzes/quiz_page.html", {"page": quiz, "limit_reached": True, "self": quiz}
                )
            if starting_over:
                return HttpResponseRedirect(quiz.url)
    shown = attempt.quiz_as_seen if attempt else quiz
    questions = questions_of(shown)
    context = {
        "page": quiz,
        "self": quiz,
        "attempt": attempt,
        "questions": questions,
        "answers": stored_answers(attempt) if attempt else {},
        "max_text_answer": MAX_TEXT_ANSWER,
    }
    if request.method != "POST":
        return TemplateResponse(request, "quizzes/quiz_page.html", context)

    try:
        answers, missing = clean_answers(questions, request.POST)
    except AnswerError as error:
        messages.error(request, ERRORS[str(error)])
        return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)
    if missing:
        if attempt:
            save_answers(attempt, answers)
        context.update(answers=answers, missing=set(missing))
        messages.error(request, _("Answer every question marked as missing; your other answers are kept."))
        return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)
    if attempt is None:
        # Anonymous practice: the result is shown and nothing is stored.
        points, maximum, results = score(questions, answers)
        return TemplateResponse(
            request,
            "quizzes/result.html",
            {
                "page": quiz,
                "quiz": quiz,
                "questions": questions,
                "answers": answers,
                "results": results,
                "score": points,
                "max_score": maximum,
                "passed": passed(points, maximum, quiz.pass_mark),
                "practice": True,
            },
        )
    submit(attempt, answers)
    return HttpResponseRedirect(reverse("quizzes:result", args=[attempt.pk]))


@login_required
@require_POST
def autosave(request, attempt_id):
    """Store the answers of the student's own attempt in progress, as the quiz form would send them.

    Never scores or submits: only the plain form POST does that. The JavaScript sends the whole form,
    so a question left blank is stored blank (unticking every box clears an answer).
    """
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("revision"),
        pk=attempt_id,
        student=request.user,
        state=QuizAttempt.State.IN_PROGRESS,
    )
    if request.POST.get("revision", str(attempt.revision_id)) != str(attempt.revision_id):
        return autosave_refused("out_of_date")
    try:
        answers, _missing = clean_answers(questions_of(attempt.quiz_as_seen), request.POST, require_all=False)
    except AnswerError as error:
        return autosave_refused(str(error))
    if not save_answers(attempt, answers):
        # Submitted by another request while this one was on its way.
        raise Http404
    return JsonResponse({"saved": True, "saved_at": timezone.now().isoformat()})


def autosave_refused(code):
    """400 with a machine-readable code and a sentence a person can read; nothing was stored."""
    return JsonResponse({"saved": False, "error": code, "message": str(ERRORS[code])}, status=400)


@login_required
def result(request, attempt_id):
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("quiz", "revision"),
        pk=attempt_id,
        student=request.user,
        state=QuizAttempt.State.SUBMITTED,
    )
    quiz = attempt.quiz_as_seen
    questions = questions_of(quiz)
    answers = stored_answers(attempt)
    results = {answer.question_id: answer.correct for answer in attempt.answers.all()}
    return render(
        request,
        "quizzes/result.html",
        {
            "quiz": quiz,
            "live_quiz": attempt.quiz,
            "attempt": attempt,
            "questions": questions,
            "answers": answers,
            "results": results,
            "score": attempt.score,
            "max_score": attempt.max_score,
            "passed": attempt.passed,
        },
    )


@login_required
def my_progress(request):
    attempts = (
        QuizAttempt.objects.filter(student=request.user, state=QuizAttempt.State.SUBMITTED)
        .select_related("quiz")
        .order_by("-submitted_at")
    )
    best = (
        QuizAttempt.objects.filter(student=request.user, state=QuizAttempt.State.SUBMITTED)
        .values("quiz", "quiz__title", "max_score")
        .annotate(best=Max("score"), tries=Count("id"))
        .order_by("quiz__title")
    )
    return render(request, "quizzes/progress.html", {"attempts": attempts[:50], "best": best})
