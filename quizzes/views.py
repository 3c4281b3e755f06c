"""Taking a quiz (plain form POST, works without JavaScript), results and "my progress"."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import CharField, Count, Exists, ExpressionWrapper, F, Max, OuterRef
from django.db.models.lookups import StartsWith
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.models import PageViewRestriction, Revision
from wagtail.wagtail_hooks import check_view_restrictions

from lessons.generation import KeptPerGeneration

from .attempts import (
    AlreadySubmitted,
    AttemptLimitReached,
    FormOutOfDate,
    FormRefused,
    form_token,
    limit_reached,
    quiz_version,
    read_form_token,
    save_answers,
    save_form,
    standing,
    stored_answers,
    submit_form,
)
from .feedback import checked_questions, instant_feedback
from .models import QuizAttempt, QuizPage
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
    "bad_form": gettext_lazy(
        "This quiz form was changed or is for another quiz. Nothing was saved: open the quiz again."
    ),
    "limit_reached": gettext_lazy("You have used every attempt this quiz allows."),
}


def can_store_attempts(user):
    """Only students' quizzes are recorded: a teacher or an editor opening a quiz sees the practice form."""
    return user.is_authenticated and getattr(user, "is_student", False)


def quiz_context(quiz, questions, **extra):
    return {
        "page": quiz,
        "self": quiz,
        "attempt": None,
        "questions": questions,
        "answers": {},
        "max_text_answer": MAX_TEXT_ANSWER,
        "instant_feedback": instant_feedback(quiz),
        "checked": [],
        **extra,
    }


def quiz_page(request, quiz, status=200, **context):
    return TemplateResponse(request, "quizzes/quiz_page.html", {"page": quiz, "self": quiz, **context}, status=status)


def serve_quiz(request, quiz):
    """QuizPage.serve: show the form (a GET writes nothing), or take a form posted to the page itself
    (forms built before the submit URL existed, and the anonymous practice without JavaScript's help)."""
    if request.method != "POST":
        return show_quiz(request, quiz)
    if "start_new" in request.POST and can_store_attempts(request.user):
        found = standing(request.user, quiz)
        if found.open is None and limit_reached(quiz, found.submitted):
            return quiz_page(request, quiz, limit_reached=True)
        return HttpResponseRedirect(f"{quiz.url}?again=1")
    return take_form(request, quiz)


def show_quiz(request, quiz):
    user = request.user
    if not user.is_authenticated:
        return TemplateResponse(request, "quizzes/quiz_page.html", quiz_context(quiz, questions_of(quiz)))
    revision_id, extra = quiz.live_revision_id, {}
    if can_store_attempts(user):
        found = standing(user, quiz)
        if found.open is not None:
            # Coming back to an attempt in progress: its revision and what was saved of it.
            revision_id = found.open.revision_id
            extra.update(attempt=found.open, answers=stored_answers(found.open))
        elif found.last is not None and request.GET.get("again") != "1":
            # Coming back to a finished quiz (or pressing Back after submitting) shows the result,
            # never a fresh form that would record a second attempt by accident.
            return quiz_page(request, quiz, finished=found.last)
        elif limit_reached(quiz, found.submitted):
            return quiz_page(request, quiz, limit_reached=True)
        extra["recording"] = True
    if revision_id is None:  # a page saved without a revision (never through the CMS): its own questions
        return TemplateResponse(request, "quizzes/quiz_page.html", quiz_context(quiz, questions_of(quiz)))
    questions = quiz_version(revision_id).questions
    context = quiz_context(quiz, questions, form_token=form_token(quiz.pk, revision_id), **extra)
    return TemplateResponse(request, "quizzes/quiz_page.html", context)


# The live quiz a form posts to: what it is decided by (live, a view restriction on it or above it, its fields)
# changes only by a publish, unpublish, move or a privacy setting, which move the content generation on. A form
# posted to a quiz this process has loaded in the current generation costs no query; a quiz unpublished or made
# private on another host is refused here within lessons.generation.GENERATION_MEMO_SECONDS, as the cached quiz
# page itself stops being served.
LIVE_QUIZZES = KeptPerGeneration(entries=512)


def quiz_for_a_form(quiz_id):
    """The live quiz (a copy of this process's, the caller may set attributes on it), or 404."""
    quiz = LIVE_QUIZZES.get(quiz_id, lambda: load_live_quiz(quiz_id))
    if quiz is None:
        raise Http404
    return copy.copy(quiz)


def load_live_quiz(quiz_id):
    """The live quiz, in one query, with whether a view restriction applies to it (on it or above it); None if
    there is no live quiz of that id."""
    restriction_above = PageViewRestriction.objects.filter(
        StartsWith(ExpressionWrapper(OuterRef("path"), output_field=CharField()), F("page__path"))
    )
    quiz = QuizPage.objects.live().filter(pk=quiz_id).annotate(restricted=Exists(restriction_above)).first()
    if quiz is not None:
        # An alias takes its source page's restrictions: Wagtail's own lookup knows how to find them.
        quiz.restricted = quiz.restricted or quiz.alias_of_id is not None
    return quiz


def through_page_rules(request, page, handler):
    """What wagtail.views.serve runs around page.serve, without the site and locale routing: every
    before_serve_page hook (the request method check, ours) and every on_serve_page hook (the view
    restrictions: password, signed in, groups). Wagtail's view-restriction hook is left out only when the
    query that loaded the page found no restriction on it or above it: it would find none either."""

    def chain(page, request, args, kwargs):
        return handler(request, page)

    for wrap in reversed(hooks.get_hooks("on_serve_page")):
        if wrap is check_view_restrictions and not page.restricted:
            continue
        chain = wrap(chain)
    for before in hooks.get_hooks("before_serve_page"):
        result = before(page, request, (), {})
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, (), {})


@require_POST
def submit(request, quiz_id):
    """The quiz form posts here: no page routing, the same access rules as the quiz page."""
    return through_page_rules(request, quiz_for_a_form(quiz_id), take_form)


def refused(request, quiz, code):
    """400: the form could not be used; a sentence to read and a way back to the quiz. Nothing was stored."""
    return quiz_page(request, quiz, status=400, refused=ERRORS[code])


def version_of(form):
    try:
        return quiz_version(form.revision_id)
    except Revision.DoesNotExist:
        raise FormOutOfDate from None


def take_form(request, quiz):
    """A quiz form sent back: a practice question's Check, answers missing, or the submission."""
    user = request.user
    if not user.is_authenticated:
        return practise(request, quiz, questions_of(quiz))
    recording = can_store_attempts(user)
    token = request.POST.get("quiz_form")
    try:
        form = read_form_token(token, quiz.pk)
        questions = version_of(form).questions
    except FormRefused:
        return refused(request, quiz, "bad_form")
    except FormOutOfDate:
        return refused(request, quiz, "out_of_date")
    context = quiz_context(quiz, questions, form_token=token, recording=recording)

    def store(answers):
        return save_form(user, quiz, form, answers) if recording else None

    try:
        if context["instant_feedback"] and "check" in request.POST:
            return check_one_question(request, questions, context, store)
        try:
            answers, missing = clean_answers(questions, request.POST)
        except AnswerError as error:
            messages.error(request, ERRORS[str(error)])
            return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)
        if missing:
            store(answers)
            context.update(answers=answers, missing=set(missing))
            messages.error(request, _("Answer every question marked as missing; your other answers are kept."))
            return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)
        if not recording:
            return practice_result(request, quiz, questions, answers)
        attempt = submit_form(user, quiz, form, answers)
    except AlreadySubmitted as done:
        # Double click, retry, Back-then-submit or a second tab: that result, nothing new recorded.
        if done.attempt_id is None:
            return HttpResponseRedirect(quiz.url)
        return HttpResponseRedirect(reverse("quizzes:result", args=[done.attempt_id]))
    except FormOutOfDate:
        return refused(request, quiz, "out_of_date")
    except AttemptLimitReached:
        return quiz_page(request, quiz, limit_reached=True)
    return HttpResponseRedirect(reverse("quizzes:result", args=[attempt.pk]))


def practice_result(request, quiz, questions, answers):
    """Practice (anonymous, or a teacher or editor trying a quiz): the result is shown and nothing is stored."""
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
            "passed": None if quiz.is_diagnostic else passed(points, maximum, quiz.pass_mark),
            "practice": True,
        },
    )


@csrf_exempt
@require_POST
def practice(request, quiz_id):
    """The anonymous practice form posts here. It stores nothing and changes nothing, so it needs no
    CSRF token, and the quiz page an anonymous reader gets sets no csrftoken cookie (issue 13 #8).
    Its messages are in the page, not in the messages framework (which would set a cookie)."""
    quiz = get_object_or_404(QuizPage.objects.live().public(), pk=quiz_id)
    return practise(request, quiz, questions_of(quiz))


def practise(request, quiz, questions):
    context = quiz_context(quiz, questions)
    if context["instant_feedback"] and "check" in request.POST:
        return check_one_question(request, questions, context)
    try:
        answers, missing = clean_answers(questions, request.POST)
    except AnswerError as error:
        context["error"] = ERRORS[str(error)]
        return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)
    if missing:
        context.update(
            answers=answers,
            missing=set(missing),
            error=_("Answer every question marked as missing; your other answers are kept."),
        )
        return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)
    return practice_result(request, quiz, questions, answers)


def check_one_question(request, questions, context, store=None):
    """The no-JavaScript "Check" button of a practice quiz: keep every answer, show this question's
    explanation (and those checked before), submit nothing."""
    # Errors are shown in the page (context "error"), not through the messages framework, which would set a
    # cookie on the anonymous practice path that promises none.
    try:
        answers, _missing = clean_answers(questions, request.POST, require_all=False)
    except AnswerError as error:
        context["error"] = ERRORS[str(error)]
        return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)
    question_id = request.POST.get("check", "")
    if question_id not in {question.id for question in questions if question.scored}:
        context["error"] = ERRORS["unknown_question"]
        return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)
    if store:
        store(answers)  # a student's first Check starts the attempt
    checked = checked_questions(questions, request.POST, question_id)
    context.update(answers=answers, results=score(questions, answers)[2])
    if not answers.get(question_id):
        context.update(
            checked=[q for q in checked if q != question_id],
            missing={question_id},
            error=_("Choose an answer first, then press “Check this answer”."),
        )
        return TemplateResponse(request, "quizzes/quiz_page.html", context, status=400)
    context["checked"] = checked
    return TemplateResponse(request, "quizzes/quiz_page.html", context)


@login_required
@require_POST
def save(request, quiz_id):
    """The quiz form's autosave: store the student's answers as the form would send them, starting the
    attempt (pinned to the form's revision) if this is the first save. Never scores or submits."""
    if not can_store_attempts(request.user):
        raise Http404
    return through_page_rules(request, quiz_for_a_form(quiz_id), save_form_answers)


def save_form_answers(request, quiz):
    try:
        form = read_form_token(request.POST.get("quiz_form"), quiz.pk)
        questions = version_of(form).questions
        answers, _missing = clean_answers(questions, request.POST, require_all=False)
        save_form(request.user, quiz, form, answers)
    except FormRefused:
        return autosave_refused("bad_form")
    except FormOutOfDate:
        return autosave_refused("out_of_date")
    except AttemptLimitReached:
        return autosave_refused("limit_reached")
    except AnswerError as error:
        return autosave_refused(str(error))
    except AlreadySubmitted:
        # Submitted by another request (or tab) while this one was on its way.
        raise Http404 from None
    return JsonResponse({"saved": True, "saved_at": timezone.now().isoformat()})


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
