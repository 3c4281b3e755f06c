"""Teaching a lesson in the room: projector screens, the presenter's notes, the printable plan and handout.

Everything is generated from the lesson as editors wrote it (its StreamField, content note, teacher
notes and check quiz), so a new lesson gets a projector mode and a plan with no extra work.
"""

import math
import re
from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from .models import can_see_teacher_notes

# How long each kind of screen takes relative to the others: the lesson's minutes are shared out by
# these weights, so the presenter sees a suggested time for every screen that adds up to the lesson.
SCREEN_WEIGHTS = {
    "content_note": 1.0,
    "heading": 0.5,
    "paragraph": 1.5,
    "callout": 1.0,
    "glossary": 0.5,
    "law": 1.5,
    "steps": 1.5,
    "image": 0.5,
    "video": 2.0,
    "quote": 0.5,
    "scenario": 2.0,
    "question": 3.0,
    "reflection": 1.0,
    "help_card": 1.0,
}

# Teacher notes are paragraphs whose opening words say what they are ("Timing (50 min): …",
# "If a student discloses …", "수업 약속: …"); these patterns sort them, in both languages.
TIMING_HEAD = re.compile(r"\d+\s*(?:min|minutes|분)", re.IGNORECASE)
DISCLOSURE_HEAD = re.compile(r"disclos|털어놓", re.IGNORECASE)
GROUND_RULES_HEAD = re.compile(r"ground rules|discussion rules|^수업 약속|^약속|^토론 원칙", re.IGNORECASE)
TIMING_ITEM = re.compile(r"^(?P<label>.*?)[\s(]*(?P<minutes>\d+)\s*(?:min|minutes|분)?\)?\s*$", re.IGNORECASE)


@dataclass
class Screen:
    """One projector screen: what the class sees, and what only the teacher sees alongside it."""

    kind: str
    title: str = ""
    block: object = None
    question: str = ""
    scenario_title: str = ""
    low_label: str = ""
    high_label: str = ""
    poll_key: str = ""
    notes: list = field(default_factory=list)
    minutes: int = 1
    number: int = 0

    @property
    def anchor(self):
        return f"screen-{self.number}"

    @property
    def can_poll(self):
        return bool(self.poll_key)


@dataclass
class TeacherNotes:
    """A lesson's teacher notes, sorted by what each paragraph is for."""

    timing: list = field(default_factory=list)  # (label, minutes) pairs from the "Timing" paragraph
    timing_text: str = ""
    ground_rules: list = field(default_factory=list)
    disclosure: list = field(default_factory=list)
    guidance: list = field(default_factory=list)


def _head(paragraph):
    """The words before the first colon, or the opening words: where a note says what it is about."""
    first_line = paragraph.split("\n", 1)[0]
    return first_line.split(":", 1)[0][:60] if ":" in first_line[:60] else first_line[:40]


def parse_timing(text):
    body = text.split(":", 1)[1] if ":" in text[:60] else text
    # "a (3) → b (5)", "a (3) · b (5)" or "a 3분, b 5분"; a "·" with no spaces joins two words ("제14조·제14조의3").
    separator = r"\s*→\s*" if "→" in body else r"\s+·\s+"
    pieces = [piece for piece in re.split(separator, body.strip()) if piece.strip()]
    if len(pieces) == 1:
        pieces = [piece for piece in re.split(r"[,;]\s+", body.strip()) if piece.strip()]
    # A sentence after the last item ("… quiz 10 min. To fit 75 minutes, …") is a note, not an item.
    tail = re.split(r"(?:(?<=[0-9분)])|(?<=min)|(?<=minutes))\.\s+", pieces[-1], maxsplit=1) if pieces else []
    if len(tail) == 2:
        pieces[-1:] = tail
    items = []
    for piece in pieces:
        piece = piece.strip().rstrip(".")
        match = TIMING_ITEM.match(piece)
        if match and match.group("label").strip():
            items.append((match.group("label").strip(" ,(").strip(), int(match.group("minutes"))))
        else:
            items.append((piece, None))
    return items


def sort_teacher_notes(text):
    notes = TeacherNotes()
    for paragraph in [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]:
        head = _head(paragraph)
        if not notes.timing and TIMING_HEAD.search(head):
            notes.timing_text = paragraph
            notes.timing = parse_timing(paragraph)
        elif DISCLOSURE_HEAD.search(head):
            notes.disclosure.append(paragraph)
        elif GROUND_RULES_HEAD.search(head):
            notes.ground_rules.append(paragraph)
        else:
            notes.guidance.append(paragraph)
    return notes


def discussion_questions(lesson):
    """(scenario title, question) for every discussion question in the lesson, in order."""
    return [
        (block.value["title"], question)
        for block in lesson.body
        if block.block_type == "scenario"
        for question in block.value["questions"]
    ]


def reflection_scales(lesson):
    quiz = lesson.check_quiz()
    if quiz is None:
        return []
    return [block for block in quiz.specific.questions if block.block_type == "reflection_scale"]


def build_screens(lesson):
    """The lesson as projector screens: content note first, one block per screen, help card last."""
    notes = sort_teacher_notes(lesson.teacher_notes)
    screens = [Screen(kind="content_note", title=lesson.title, notes=notes.ground_rules)]
    help_card = None
    for block in lesson.body:
        if block.block_type == "help_card":
            help_card = help_card or block
            continue
        if block.block_type == "scenario":
            screens.append(Screen(kind="scenario", title=block.value["title"], block=block, notes=notes.guidance))
            for index, question in enumerate(block.value["questions"], start=1):
                screens.append(
                    Screen(
                        kind="question",
                        title=question,
                        question=question,
                        scenario_title=block.value["title"],
                        poll_key=f"{block.id}:{index}",
                        notes=notes.guidance,
                    )
                )
            continue
        screens.append(Screen(kind=block.block_type, title=_block_title(block), block=block))
    for block in reflection_scales(lesson):
        screens.append(
            Screen(
                kind="reflection",
                title=block.value["prompt"],
                question=block.value["prompt"],
                low_label=block.value["low_label"],
                high_label=block.value["high_label"],
                poll_key=f"reflection:{block.id}",
            )
        )
    screens.append(Screen(kind="help_card", block=help_card, notes=notes.disclosure))
    _share_minutes(screens, lesson.duration_minutes)
    for number, screen in enumerate(screens, start=1):
        screen.number = number
    return screens


def _block_title(block):
    value = block.value
    if block.block_type == "law":
        return str(value["law"]) if value["law"] else ""
    if block.block_type == "paragraph":
        return Truncator(strip_tags(value.source)).chars(80)
    if hasattr(value, "get"):
        return str(value.get("title") or value.get("text") or value.get("term") or "")[:80]
    return ""


def _share_minutes(screens, total):
    weights = [SCREEN_WEIGHTS.get(screen.kind, 1.0) for screen in screens]
    scale = total / sum(weights)
    for screen, weight in zip(screens, weights, strict=True):
        screen.minutes = max(1, math.floor(weight * scale + 0.5))


def find_screen(screens, poll_key):
    return next((screen for screen in screens if screen.poll_key and screen.poll_key == poll_key), None)


def help_channels_for_band(band):
    """The active help channels in the reader's language that serve this audience band."""
    from support.channels import active_channels
    from support.models import HelpChannel

    from .models import AudienceBand

    excluded = HelpChannel.Audience.UNDER_18 if band == AudienceBand.UNIVERSITY else HelpChannel.Audience.ADULTS
    return [channel for channel in active_channels() if channel.audience != excluded]


def _teacher_only(request):
    """Teachers and editors get through; a signed-out reader is asked to sign in; anyone else gets 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_see_teacher_notes(request.user):
        raise Http404
    return None


def present(request, lesson):
    """The projector: every screen is an anchor with next/previous links; a small script adds keys."""
    screens = build_screens(lesson)
    is_teacher = can_see_teacher_notes(request.user)
    context = {
        "page": lesson,
        "screens": screens,
        "total": len(screens),
        # The poll form's classes come from the teaching app's template tag: lessons does not import it.
        "is_teacher": is_teacher,
    }
    return TemplateResponse(request, "lessons/present.html", context)


def presenter(request, lesson):
    """The teacher's second window (or phone): the current screen's notes and timing."""
    refused = _teacher_only(request)
    if refused:
        return refused
    screens = build_screens(lesson)
    notes = sort_teacher_notes(lesson.teacher_notes)
    context = {"page": lesson, "screens": screens, "total": len(screens), "notes": notes}
    return TemplateResponse(request, "lessons/presenter.html", context)


def plan(request, lesson):
    """The printable lesson plan (A4): everything a teacher needs in the room, on paper."""
    refused = _teacher_only(request)
    if refused:
        return refused
    context = {
        "page": lesson,
        "module": lesson.get_parent().specific,
        "screens": build_screens(lesson),
        "notes": sort_teacher_notes(lesson.teacher_notes),
        "questions": discussion_questions(lesson),
        "reflections": reflection_scales(lesson),
        "channels": help_channels_for_band(lesson.audience),
    }
    return TemplateResponse(request, "lessons/plan.html", context)


def handout(request, lesson):
    """The printable student handout: key takeaways and where to get help."""
    context = {"page": lesson, "channels": help_channels_for_band(lesson.audience)}
    return TemplateResponse(request, "lessons/handout.html", context)
