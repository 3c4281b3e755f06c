"""Answer-key statistics (issue 14 point 11): keys a student cannot game by picking the longest
option, always "b", or always "false".

Limits, per module and for the whole curriculum:
- the keyed option is strictly the longest in at most 40 % of one-answer choice items (each language;
  a tie gives no cue);
- each keyed position (a, b, c, d) is 15–35 % of one-answer items offering that position;
- true/false keys are 35–65 % "true".
A count passes when some whole-item rounding of the limit allows it (floor of the lower bound,
ceiling of the upper), so a module with three true/false items can meet 35–65 % with one or two.
"""

import math

LONGEST_MAX = 0.40
POSITION_MIN, POSITION_MAX = 0.15, 0.35
TRUE_MIN, TRUE_MAX = 0.35, 0.65
POSITIONS = "abcd"
ONE_ANSWER = ("single_choice", "scenario")


def _within(count, total, low, high):
    return math.floor(low * total) <= count <= math.ceil(high * total)


def _keyed(question):
    return [index for index, choice in enumerate(question["choices"]) if choice.get("correct")]


def statistics(questions_by_language):
    """Figures for a list of questions per language (the same questions, ko and en)."""
    figures = {"longest": {}, "positions": {}, "true_false": None}
    for language, questions in questions_by_language.items():
        items = [q for q in questions if q.get("type") in ONE_ANSWER and len(_keyed(q)) == 1]
        longest = 0
        for question in items:
            lengths = [len(str(choice.get("text") or "").strip()) for choice in question["choices"]]
            keyed = _keyed(question)[0]
            if lengths[keyed] > max(length for index, length in enumerate(lengths) if index != keyed):
                longest += 1
        figures["longest"][language] = (longest, len(items))
    questions = next(iter(questions_by_language.values()), [])
    items = [q for q in questions if q.get("type") in ONE_ANSWER and len(_keyed(q)) == 1]
    for index, letter in enumerate(POSITIONS):
        offered = [q for q in items if len(q["choices"]) > index]
        figures["positions"][letter] = (sum(1 for q in offered if _keyed(q)[0] == index), len(offered))
    true_false = [q for q in questions if q.get("type") == "true_false"]
    trues = sum(1 for q in true_false for c in q["choices"] if c.get("correct") and str(c.get("id")) == "true")
    figures["true_false"] = (trues, len(true_false))
    return figures


def _percent(count, total):
    return f"{count}/{total} ({100 * count / total:.0f} %)" if total else "0/0"


def problems(figures, where):
    found = []
    for language, (count, total) in figures["longest"].items():
        if total and not _within(count, total, 0, LONGEST_MAX):
            found.append(
                f"{where}: the keyed option is the longest in {_percent(count, total)} of one-answer items "
                f"({language}); at most {LONGEST_MAX:.0%}"
            )
    for letter, (count, total) in figures["positions"].items():
        if total and not _within(count, total, POSITION_MIN, POSITION_MAX):
            found.append(
                f"{where}: option {letter} is keyed in {_percent(count, total)} of one-answer items; "
                f"keep each position within {POSITION_MIN:.0%}–{POSITION_MAX:.0%}"
            )
    count, total = figures["true_false"]
    if total and not _within(count, total, TRUE_MIN, TRUE_MAX):
        found.append(
            f"{where}: {_percent(count, total)} true/false keys are 'true'; keep within {TRUE_MIN:.0%}–{TRUE_MAX:.0%}"
        )
    return found


def describe(figures, where):
    """One report line per group, for `python -m website.demo.schema demo --report`."""
    longest = ", ".join(f"{lang} {_percent(*pair)}" for lang, pair in figures["longest"].items())
    positions = ", ".join(f"{letter} {_percent(*pair)}" for letter, pair in figures["positions"].items())
    true_false = _percent(*figures["true_false"])
    return f"{where}\n  longest is keyed: {longest}\n  keyed positions: {positions}\n  true/false 'true': {true_false}"
