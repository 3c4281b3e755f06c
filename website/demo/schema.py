"""Checks that the demo content files follow docs/content-format.md.

Two kinds of check:
- `check_tree` (structure and types): what the demo loader needs to write pages. The loader runs
  it before it writes anything and refuses malformed files.
- `check_editorial` (issue 14): every statute a lesson states is cited, the scenario names follow
  the name rules, and the answer keys cannot be gamed. Broken editorial rules do not stop the
  loader (the pages are still well formed), but `python -m website.demo.schema demo` and
  tests/test_demo_schema.py fail on them.

Run `python -m website.demo.schema demo` (add `--report` to print the answer-key figures).
"""

import datetime
import re
import sys
from pathlib import Path

import yaml

from . import answer_keys
from .citations import mentioned_keys, texts
from .people import ROLES, check_people


def law_keys(root):
    """The law keys a demo tree defines: every `key:` in its law/references.<language>.yaml files."""
    keys = set()
    for lang in LANGUAGES:
        path = Path(root) / "law" / f"references.{lang}.yaml"
        if path.exists():
            keys |= {item.get("key") for item in (load_yaml(path) or []) if isinstance(item, dict)}
    keys.discard(None)
    return keys


LANGUAGES = ("ko", "en")
BANDS = {"middle_school", "high_school", "university"}
QUIZ_KINDS = {"practice", "check", "pre_test", "post_test"}
CHOICE_TYPES = {"single_choice", "multiple_choice", "true_false", "scenario"}
ONE_ANSWER_TYPES = {"single_choice", "true_false", "scenario"}
REFLECTION_TYPES = {"reflection_text", "reflection_scale"}
BODY_BLOCKS = {"heading", "paragraph", "callout", "scenario", "law", "steps", "quote", "glossary", "help_card"}
CALLOUT_KINDS = {"fact", "warning", "tip"}
CHANNEL_KINDS = {
    "emergency",
    "counselling",
    "deletion_support",
    "regulator_report",
    "police_report",
    "school",
    "platform_report",
    "international",
    "legal_aid",
}
SITUATIONS = {"danger", "image_shared", "threatened", "witness", "talk"}
AUDIENCES = {"all", "under_18", "adults", "young_people"}
DATE_KINDS = {"in_force", "last_amended", "text_as_of"}
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{1,18}[0-9]$")
URL_RE = re.compile(r"^https?://\S+$")

# The shape of each mapping: field → (type, required). `str` means a YAML string: a value
# such as `- Record this: the link` silently becomes a mapping, and the page would show "{…}".
TEXT, TEXTS, INT, BOOL, MAP, LIST, DATE = str, "texts", int, bool, dict, list, datetime.date
BLOCK_FIELDS = {
    "callout": {"kind": (TEXT, True), "title": (TEXT, False), "text": (TEXT, True)},
    "scenario": {"title": (TEXT, True), "story": (TEXT, True), "questions": (TEXTS, True), "people": (LIST, False)},
    "steps": {"title": (TEXT, False), "items": (TEXTS, True)},
    "quote": {"text": (TEXT, True), "attribution": (TEXT, False)},
    "glossary": {"term": (TEXT, True), "definition": (TEXT, True)},
    "help_card": {"title": (TEXT, False)},
}
TEXT_BLOCKS = {"heading", "paragraph", "law"}
LESSON_FIELDS = {
    "slug": (TEXT, True),
    "order": (INT, True),
    "title": (TEXT, True),
    "audience": (TEXT, True),
    "duration_minutes": (INT, True),
    "summary": (TEXT, True),
    "objectives": (TEXTS, True),
    "content_note": (TEXT, True),
    "alternative_activity": (TEXT, True),
    "key_takeaways": (TEXTS, True),
    "teacher_notes": (TEXT, True),
    "laws": (TEXTS, False),
    "body": (LIST, True),
    "quiz": (MAP, True),
    # An optional practice quiz: instant feedback, never completes the lesson (quizzes/feedback.py).
    "practice": (MAP, False),
}
MODULE_FIELDS = {
    "slug": (TEXT, True),
    "order": (INT, True),
    "title": (TEXT, True),
    "summary": (TEXT, True),
    "audience_bands": (TEXTS, True),
    "objectives": (TEXTS, True),
    "guardian_letter": (MAP, False),
    "pre_test": (MAP, True),
    "post_test": (MAP, True),
}
GUARDIAN_LETTER_FIELDS = {"title": (TEXT, False), "body": (TEXT, True)}
QUIZ_FIELDS = {
    "title": (TEXT, True),
    "kind": (TEXT, True),
    "pass_mark": (INT, False),
    "intro": (TEXT, False),
    "questions": (LIST, True),
}
QUESTION_FIELDS = {
    "id": (TEXT, True),
    "type": (TEXT, True),
    "prompt": (TEXT, True),
    "story": (TEXT, False),
    "choices": (LIST, False),
    "explanation": (TEXT, False),
    "law": (TEXT, False),
    "low_label": (TEXT, False),
    "high_label": (TEXT, False),
}
CHOICE_FIELDS = {"id": (TEXT, True), "text": (TEXT, True), "correct": (BOOL, False), "feedback": (TEXT, True)}
PERSON_FIELDS = {"name": (TEXT, True), "role": (TEXT, True)}


class ContentError(ValueError):
    """A demo content file does not follow the format."""


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        try:
            return yaml.safe_load(handle)
        except yaml.YAMLError as error:
            raise ContentError(f"{path}: not valid YAML ({error})") from error


# The keys of the project's own demo (demo/law/), for the checks called without a tree of their own.
LAW_KEYS = law_keys(Path(__file__).resolve().parents[2] / "demo")


def _require(data, keys, where):
    missing = [key for key in keys if data.get(key) in (None, "", [])]
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}")


def _type_name(kind):
    return {
        TEXT: "text",
        TEXTS: "a list of texts",
        INT: "a whole number",
        BOOL: "true or false",
        MAP: "a mapping",
    }.get(kind, "a list" if kind is LIST else "a YYYY-MM-DD date")


def _is(value, kind):
    if kind == TEXTS:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if kind is INT:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def check_fields(data, fields, where):
    """Each field has its type; required ones are present; no field outside the format."""
    if not isinstance(data, dict):
        raise ContentError(f"{where}: expected a mapping, found {type(data).__name__}")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    _require(data, [name for name, (_, required) in fields.items() if required], where)
    for name, (kind, _) in fields.items():
        value = data.get(name)
        if value is None:
            continue
        if not _is(value, kind):
            if kind == TEXTS and isinstance(value, list):
                bad = next(i for i, item in enumerate(value) if not isinstance(item, str))
                raise ContentError(
                    f"{where}: {name} item {bad} must be text, found {type(value[bad]).__name__} "
                    "(quote a line that contains ': ')"
                )
            raise ContentError(f"{where}: {name} must be {_type_name(kind)}, found {type(value).__name__}")


def check_quiz(quiz, where, law_keys=None):
    law_keys = LAW_KEYS if law_keys is None else law_keys
    check_fields(quiz, QUIZ_FIELDS, where)
    if quiz["kind"] not in QUIZ_KINDS:
        raise ContentError(f"{where}: unknown quiz kind {quiz['kind']!r}")
    if quiz["kind"] == "pre_test" and quiz.get("pass_mark"):
        raise ContentError(f"{where}: a pre-test is a diagnostic and has no pass mark")
    ids = set()
    for question in quiz["questions"]:
        qwhere = f"{where} question {question.get('id') if isinstance(question, dict) else question!r}"
        check_fields(question, QUESTION_FIELDS, qwhere)
        if question["id"] in ids:
            raise ContentError(f"{qwhere}: duplicate id")
        ids.add(question["id"])
        kind = question["type"]
        if kind in REFLECTION_TYPES:
            continue
        if kind not in CHOICE_TYPES:
            raise ContentError(f"{qwhere}: unknown type {kind!r}")
        _require(question, ["choices", "explanation"], qwhere)
        if kind == "scenario":
            _require(question, ["story"], qwhere)
        for choice in question["choices"]:
            check_fields(
                choice, CHOICE_FIELDS, f"{qwhere} choice {choice.get('id') if isinstance(choice, dict) else ''!r}"
            )
        choice_ids = [choice["id"] for choice in question["choices"]]
        if len(set(choice_ids)) != len(choice_ids):
            raise ContentError(f"{qwhere}: duplicate choice ids")
        if kind == "true_false" and set(choice_ids) != {"true", "false"}:
            raise ContentError(f"{qwhere}: true_false choices must be 'true' and 'false'")
        correct = [choice for choice in question["choices"] if choice.get("correct")]
        if not correct:
            raise ContentError(f"{qwhere}: no correct choice")
        if kind in ONE_ANSWER_TYPES and len(correct) != 1:
            raise ContentError(f"{qwhere}: exactly one correct choice expected")
        if question.get("law") and question["law"] not in law_keys:
            raise ContentError(f"{qwhere}: unknown law key {question['law']!r}")
    return ids


def check_body(body, where, law_keys=None):
    law_keys = LAW_KEYS if law_keys is None else law_keys
    for position, item in enumerate(body):
        bwhere = f"{where} body item {position}"
        if not isinstance(item, dict) or len(item) != 1:
            raise ContentError(f"{bwhere}: expected a one-key mapping")
        ((kind, value),) = item.items()
        if kind not in BODY_BLOCKS:
            raise ContentError(f"{bwhere}: unknown block {kind!r}")
        if kind in TEXT_BLOCKS:
            if not isinstance(value, str) or not value.strip():
                raise ContentError(f"{bwhere}: {kind} must be text, found {type(value).__name__}")
        elif kind == "help_card" and value is None:
            pass
        else:
            check_fields(value, BLOCK_FIELDS[kind], f"{bwhere} ({kind})")
        if kind == "law" and value not in law_keys:
            raise ContentError(f"{bwhere}: unknown law key {value!r}")
        if kind == "callout" and value.get("kind") not in CALLOUT_KINDS:
            raise ContentError(f"{bwhere}: callout kind must be one of {CALLOUT_KINDS}")
        if kind == "scenario":
            for person in value.get("people") or []:
                check_fields(person, PERSON_FIELDS, f"{bwhere} people")
                if person["role"] not in ROLES:
                    raise ContentError(f"{bwhere}: role of {person['name']!r} must be one of {sorted(ROLES)}")


def check_lesson(data, where, law_keys=None):
    law_keys = LAW_KEYS if law_keys is None else law_keys
    check_fields(data, LESSON_FIELDS, where)
    if data["audience"] not in BANDS:
        raise ContentError(f"{where}: unknown audience {data['audience']!r}")
    for key in data.get("laws") or []:
        if key not in law_keys:
            raise ContentError(f"{where}: unknown law key {key!r}")
    check_body(data["body"], where, law_keys)
    if not any("help_card" in item for item in data["body"]):
        raise ContentError(f"{where}: every lesson ends with a help card")
    check_quiz(data["quiz"], f"{where} quiz", law_keys)
    if data.get("practice"):
        check_quiz(data["practice"], f"{where} practice", law_keys)


def check_module(data, where, law_keys=None):
    check_fields(data, MODULE_FIELDS, where)
    unknown = set(data["audience_bands"]) - BANDS
    if unknown:
        raise ContentError(f"{where}: unknown audience bands {unknown}")
    if data.get("guardian_letter") is not None:
        check_fields(data["guardian_letter"], GUARDIAN_LETTER_FIELDS, f"{where} guardian_letter")
    check_quiz(data["pre_test"], f"{where} pre_test", law_keys)
    check_quiz(data["post_test"], f"{where} post_test", law_keys)


def check_law_references(items, where, law_keys=None):
    law_keys = LAW_KEYS if law_keys is None else law_keys
    for item in items:
        iwhere = f"{where} {item.get('key')!r}"
        fields = [
            "key",
            "jurisdiction",
            "act",
            "article",
            "punishes",
            "penalty",
            "in_force_since",
            "source_url",
            "last_reviewed",
        ]
        _require(item, fields, iwhere)
        if item["key"] not in law_keys:
            raise ContentError(f"{iwhere}: unknown law key")
        if not URL_RE.match(item["source_url"]):
            raise ContentError(f"{iwhere}: source_url must be http(s)")
        for field in ("in_force_since", "last_reviewed"):
            if not isinstance(item[field], datetime.date):
                raise ContentError(f"{iwhere}: {field} must be a YYYY-MM-DD date")
        if item.get("date_kind", "in_force") not in DATE_KINDS:
            raise ContentError(f"{iwhere}: date_kind must be one of {sorted(DATE_KINDS)}")
    missing = law_keys - {item.get("key") for item in items}
    if missing:
        raise ContentError(f"{where}: no reference for law key(s) {', '.join(sorted(missing))}")


def check_channels(items, where):
    for item in items:
        iwhere = f"{where} {item.get('key')!r}"
        _require(item, ["key", "name", "kind", "audience", "description", "country", "order"], iwhere)
        if item["kind"] not in CHANNEL_KINDS:
            raise ContentError(f"{iwhere}: unknown kind {item['kind']!r}")
        if item["audience"] not in AUDIENCES:
            raise ContentError(f"{iwhere}: unknown audience {item['audience']!r}")
        if item.get("phone") and not PHONE_RE.match(str(item["phone"])):
            raise ContentError(f"{iwhere}: phone is not dialable")
        if item.get("url") and not URL_RE.match(item["url"]):
            raise ContentError(f"{iwhere}: url must be http(s)")
        if not item.get("phone") and not item.get("url"):
            raise ContentError(f"{iwhere}: a channel needs a phone or a web address")
        if not isinstance(item.get("confirmed", True), bool):
            raise ContentError(f"{iwhere}: confirmed must be true or false")
        if item.get("confirmed") is False and not str(item.get("status_note") or "").strip():
            raise ContentError(f"{iwhere}: an unconfirmed channel needs a status_note saying what is unknown")
        unknown = set(item.get("situations") or []) - SITUATIONS
        if unknown:
            raise ContentError(f"{iwhere}: unknown situations {unknown}")


def check_report_guides(items, where):
    for item in items:
        iwhere = f"{where} {item.get('key')!r}"
        _require(item, ["key", "platform", "report_url", "steps"], iwhere)
        if not URL_RE.match(item["report_url"]):
            raise ContentError(f"{iwhere}: report_url must be http(s)")
        if not _is(item["steps"], TEXTS):
            raise ContentError(f"{iwhere}: steps must be a list of texts (quote a line that contains ': ')")


def _quiz_ids(quiz):
    """question ids"""
    return [q["id"] for q in quiz["questions"]]


def read_tree(root):
    """{module directory: {stem: {language: data}}} plus problems with file names."""
    modules, errors = {}, []
    for module_dir in sorted(p for p in (Path(root) / "curriculum").glob("*") if p.is_dir()):
        files = modules.setdefault(module_dir, {})
        for path in sorted(module_dir.glob("*.yaml")):
            stem, _, lang = path.stem.rpartition(".")
            if lang not in LANGUAGES:
                errors.append(f"{path}: file name must end in .ko.yaml or .en.yaml")
                continue
            try:
                files.setdefault(stem, {})[lang] = load_yaml(path)
            except ContentError as error:
                errors.append(str(error))
    return modules, errors


def check_tree(root):
    """Structure and types: the problems that would stop the loader."""
    root = Path(root)
    errors = []
    try:
        keys = law_keys(root)
    except ContentError as error:
        errors.append(str(error))
        keys = set()

    def run(check, data, where, *extra):
        try:
            check(data, where, *extra)
        except ContentError as error:
            errors.append(str(error))
        except (KeyError, TypeError, AttributeError) as error:
            errors.append(f"{where}: malformed ({error!r})")

    for name, check, extra in (
        ("law/references", check_law_references, (keys,)),
        ("help/channels", check_channels, ()),
        ("help/report-guides", check_report_guides, ()),
    ):
        for lang in LANGUAGES:
            path = root / f"{name}.{lang}.yaml"
            if path.exists():
                try:
                    items = load_yaml(path) or []
                except ContentError as error:
                    errors.append(str(error))
                    continue
                run(check, items, str(path), *extra)
    modules, file_errors = read_tree(root)
    errors.extend(file_errors)
    for module_dir, files in modules.items():
        for stem, pair in files.items():
            for lang, data in pair.items():
                path = str(module_dir / f"{stem}.{lang}.yaml")
                run(check_module if stem == "module" else check_lesson, data, path, keys)
        if "module" not in files:
            errors.append(f"{module_dir}: needs module.ko.yaml and module.en.yaml")
        for stem, pair in files.items():
            if set(pair) != set(LANGUAGES):
                errors.append(f"{module_dir}/{stem}: needs both .ko.yaml and .en.yaml")
                continue
            errors.extend(check_pair(pair["ko"], pair["en"], f"{module_dir}/{stem}", stem == "module"))
    return errors


def _people_roles(data):
    return [
        [(p.get("role") if isinstance(p, dict) else None) for p in (b["scenario"].get("people") or [])]
        for b in data.get("body") or []
        if isinstance(b, dict) and isinstance(b.get("scenario"), dict)
    ]


def check_pair(ko, en, where, is_module):
    """The two languages of one file agree on everything the loader keys on."""
    errors = []
    if not isinstance(ko, dict) or not isinstance(en, dict):
        return [f"{where}: malformed file"]
    if is_module:
        quizzes = [
            ("pre_test", ko.get("pre_test"), en.get("pre_test")),
            ("post_test", ko.get("post_test"), en.get("post_test")),
        ]
        if (ko.get("guardian_letter") is None) != (en.get("guardian_letter") is None):
            errors.append(f"{where}: guardian_letter must be in both languages or neither")
    else:
        quizzes = [("quiz", ko.get("quiz"), en.get("quiz"))]
        if ko.get("practice") or en.get("practice"):
            quizzes.append(("practice", ko.get("practice"), en.get("practice")))
        try:
            if [list(b)[0] for b in ko.get("body", [])] != [list(b)[0] for b in en.get("body", [])]:
                errors.append(f"{where}: ko and en body blocks differ in order or kind")
            elif _people_roles(ko) != _people_roles(en):
                errors.append(f"{where}: ko and en scenario people differ in number or role")
        except (TypeError, AttributeError, IndexError):
            errors.append(f"{where}: malformed body")
        if ko.get("laws") != en.get("laws"):
            errors.append(f"{where}: ko and en cite different laws")
    if ko.get("slug") != en.get("slug"):
        errors.append(f"{where}: ko and en slugs differ")
    for label, ko_quiz, en_quiz in quizzes:
        try:
            if _quiz_ids(ko_quiz) != _quiz_ids(en_quiz):
                errors.append(f"{where} {label}: ko and en question ids differ")
            for kq, eq in zip(ko_quiz["questions"], en_quiz["questions"], strict=False):
                kc = [(str(c["id"]), bool(c.get("correct"))) for c in kq.get("choices") or []]
                ec = [(str(c["id"]), bool(c.get("correct"))) for c in eq.get("choices") or []]
                if kc != ec or kq["type"] != eq["type"]:
                    errors.append(f"{where} {label} {kq['id']}: ko and en choices differ")
                if kq.get("law") != eq.get("law"):
                    errors.append(f"{where} {label} {kq['id']}: ko and en law keys differ")
        except (KeyError, TypeError, AttributeError):
            errors.append(f"{where} {label}: malformed quiz")
    return errors


# -- editorial rules (issue 14) -----------------------------------------------------------


def _scored(quiz):
    return [q for q in (quiz or {}).get("questions") or [] if isinstance(q, dict) and q.get("type") in CHOICE_TYPES]


def check_citations(data, where, is_module=False, law_keys=None):
    """Every statute the file states is cited; a scored question that states one carries `law:`.

    A lesson cites a key with `laws:`, a `law` block or a question's `law:`. A module has no law
    cards of its own, so each pre/post question that states a statute must carry one of them.
    """
    law_keys = LAW_KEYS if law_keys is None else law_keys
    problems = []
    quizzes = [("pre_test", data.get("pre_test")), ("post_test", data.get("post_test"))]
    if not is_module:
        quizzes = [("quiz", data.get("quiz"))]
    for label, quiz in quizzes:
        for question in _scored(quiz):
            stated = set().union(*(mentioned_keys(text, law_keys) for text in texts(question)))
            if stated and question.get("law") not in stated:
                problems.append(
                    f"{where} {label} {question.get('id')}: states {', '.join(sorted(stated))} "
                    f"but its law: is {question.get('law') or 'missing'}"
                )
    if not is_module:
        cited = set(data.get("laws") or [])
        cited |= {b["law"] for b in data.get("body") or [] if isinstance(b, dict) and isinstance(b.get("law"), str)}
        cited |= {q.get("law") for q in _scored(data.get("quiz")) if q.get("law")}
        stated = set().union(*(mentioned_keys(text, law_keys) for text in texts(data)))
        uncited = stated - cited
        if uncited:
            problems.append(f"{where}: states {', '.join(sorted(uncited))} without citing it (add to laws:)")
    return problems


def _module_questions(files, language):
    questions = []
    for stem, pair in sorted(files.items()):
        data = pair.get(language) or {}
        for label in ("pre_test", "post_test") if stem == "module" else ("quiz",):
            questions.extend(_scored(data.get(label)))
    return questions


def answer_key_figures(modules):
    """{label: figures} per module and for the whole curriculum."""
    figures = {}
    everything = {language: [] for language in LANGUAGES}
    for module_dir, files in modules.items():
        by_language = {language: _module_questions(files, language) for language in LANGUAGES}
        for language in LANGUAGES:
            everything[language].extend(by_language[language])
        figures[str(module_dir)] = answer_keys.statistics(by_language)
    figures["whole curriculum"] = answer_keys.statistics(everything)
    return figures


def check_editorial(root):
    """Citations, names and answer-key statistics across the curriculum."""
    modules, _ = read_tree(root)
    problems = []
    lessons = {language: {} for language in LANGUAGES}
    for module_dir, files in modules.items():
        for stem, pair in files.items():
            for language, data in pair.items():
                if not isinstance(data, dict):
                    continue
                where = str(module_dir / f"{stem}.{language}.yaml")
                problems.extend(check_citations(data, where, is_module=stem == "module"))
                if stem != "module":
                    lessons[language][where] = data
    for language in LANGUAGES:
        problems.extend(check_people(lessons[language], language))
    for label, figures in answer_key_figures(modules).items():
        problems.extend(answer_keys.problems(figures, label))
    return problems


def check_all(root):
    return check_tree(root) + check_editorial(root)


def main(argv):
    report = "--report" in argv
    args = [arg for arg in argv if arg != "--report"]
    root = args[0] if args else "demo"
    problems = check_tree(root)
    try:
        problems += check_editorial(root)
        if report:
            modules, _ = read_tree(root)
            for label, figures in answer_key_figures(modules).items():
                print(answer_keys.describe(figures, label))
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        problems.append(f"{root}: editorial checks skipped until the structure is fixed ({error!r})")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
