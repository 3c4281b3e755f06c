"""Checks that the demo content files follow docs/content-format.md.

Used by the demo loader before it writes anything, and runnable on its own
(`python -m lessons.demo.schema demo/`) so writers and translators can check a file.
"""

import datetime
import re
import sys
from pathlib import Path

import yaml

LAW_KEYS = {"sca-14", "sca-14-2", "sca-14-3", "acpa-2", "acpa-11", "acpa-11-2", "acpa-15-2", "pipa-22-2"}
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
}
SITUATIONS = {"danger", "image_shared", "threatened", "witness", "talk"}
AUDIENCES = {"all", "under_18", "adults"}
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{1,18}[0-9]$")
URL_RE = re.compile(r"^https?://\S+$")


class ContentError(ValueError):
    """A demo content file does not follow the format."""


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _require(data, keys, where):
    missing = [key for key in keys if data.get(key) in (None, "", [])]
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}")


def check_quiz(quiz, where):
    _require(quiz, ["title", "kind", "questions"], where)
    if quiz["kind"] not in QUIZ_KINDS:
        raise ContentError(f"{where}: unknown quiz kind {quiz['kind']!r}")
    ids = set()
    for question in quiz["questions"]:
        qwhere = f"{where} question {question.get('id')!r}"
        _require(question, ["id", "type", "prompt"], qwhere)
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
        choice_ids = [str(choice.get("id")) for choice in question["choices"]]
        if len(set(choice_ids)) != len(choice_ids):
            raise ContentError(f"{qwhere}: duplicate choice ids")
        if kind == "true_false" and set(choice_ids) != {"true", "false"}:
            raise ContentError(f"{qwhere}: true_false choices must be 'true' and 'false'")
        correct = [choice for choice in question["choices"] if choice.get("correct")]
        if not correct:
            raise ContentError(f"{qwhere}: no correct choice")
        if kind in ONE_ANSWER_TYPES and len(correct) != 1:
            raise ContentError(f"{qwhere}: exactly one correct choice expected")
        for choice in question["choices"]:
            _require(choice, ["id", "text", "feedback"], f"{qwhere} choice {choice.get('id')!r}")
        if question.get("law") and question["law"] not in LAW_KEYS:
            raise ContentError(f"{qwhere}: unknown law key {question['law']!r}")
    return ids


def check_body(body, where):
    for position, item in enumerate(body):
        if not isinstance(item, dict) or len(item) != 1:
            raise ContentError(f"{where} body item {position}: expected a one-key mapping")
        ((kind, value),) = item.items()
        if kind not in BODY_BLOCKS:
            raise ContentError(f"{where} body item {position}: unknown block {kind!r}")
        if kind == "law" and value not in LAW_KEYS:
            raise ContentError(f"{where} body item {position}: unknown law key {value!r}")
        if kind == "callout" and value.get("kind") not in CALLOUT_KINDS:
            raise ContentError(f"{where} body item {position}: callout kind must be one of {CALLOUT_KINDS}")
        if kind == "scenario":
            _require(value, ["title", "story", "questions"], f"{where} body item {position}")
        if kind == "steps":
            _require(value, ["items"], f"{where} body item {position}")


def check_lesson(data, where):
    _require(
        data,
        [
            "slug",
            "order",
            "title",
            "audience",
            "duration_minutes",
            "summary",
            "objectives",
            "content_note",
            "alternative_activity",
            "key_takeaways",
            "teacher_notes",
            "body",
            "quiz",
        ],
        where,
    )
    if data["audience"] not in BANDS:
        raise ContentError(f"{where}: unknown audience {data['audience']!r}")
    for key in data.get("laws") or []:
        if key not in LAW_KEYS:
            raise ContentError(f"{where}: unknown law key {key!r}")
    check_body(data["body"], where)
    if not any("help_card" in item for item in data["body"]):
        raise ContentError(f"{where}: every lesson ends with a help card")
    check_quiz(data["quiz"], f"{where} quiz")


def check_module(data, where):
    fields = ["slug", "order", "title", "summary", "audience_bands", "objectives", "pre_test", "post_test"]
    _require(data, fields, where)
    unknown = set(data["audience_bands"]) - BANDS
    if unknown:
        raise ContentError(f"{where}: unknown audience bands {unknown}")
    check_quiz(data["pre_test"], f"{where} pre_test")
    check_quiz(data["post_test"], f"{where} post_test")


def check_law_references(items, where):
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
        if item["key"] not in LAW_KEYS:
            raise ContentError(f"{iwhere}: unknown law key")
        if not URL_RE.match(item["source_url"]):
            raise ContentError(f"{iwhere}: source_url must be http(s)")
        for field in ("in_force_since", "last_reviewed"):
            if not isinstance(item[field], datetime.date):
                raise ContentError(f"{iwhere}: {field} must be a YYYY-MM-DD date")


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
        unknown = set(item.get("situations") or []) - SITUATIONS
        if unknown:
            raise ContentError(f"{iwhere}: unknown situations {unknown}")


def check_report_guides(items, where):
    for item in items:
        iwhere = f"{where} {item.get('key')!r}"
        _require(item, ["key", "platform", "report_url", "steps"], iwhere)
        if not URL_RE.match(item["report_url"]):
            raise ContentError(f"{iwhere}: report_url must be http(s)")


def check_pair(ko, en, where, id_paths):
    """The two languages of one item must agree on everything the loader keys on."""
    for path in id_paths:
        if path(ko) != path(en):
            raise ContentError(f"{where}: ko and en differ in {path.__doc__ or 'structure'}")


def _quiz_ids(quiz):
    """question ids"""
    return [q["id"] for q in quiz["questions"]]


def check_tree(root):
    root = Path(root)
    errors = []

    def run(check, *args):
        try:
            check(*args)
        except ContentError as error:
            errors.append(str(error))
        except (KeyError, TypeError, AttributeError) as error:
            errors.append(f"{args[-1]}: malformed ({error!r})")

    for name, check in (
        ("law/references", check_law_references),
        ("help/channels", check_channels),
        ("help/report-guides", check_report_guides),
    ):
        for lang in LANGUAGES:
            path = root / f"{name}.{lang}.yaml"
            if path.exists():
                run(check, load_yaml(path) or [], str(path))
    for module_dir in sorted(p for p in (root / "curriculum").glob("*") if p.is_dir()):
        files = {}
        for path in sorted(module_dir.glob("*.yaml")):
            stem, _, lang = path.stem.rpartition(".")
            if lang not in LANGUAGES:
                errors.append(f"{path}: file name must end in .ko.yaml or .en.yaml")
                continue
            data = load_yaml(path)
            files.setdefault(stem, {})[lang] = data
            run(check_module if stem == "module" else check_lesson, data, str(path))
        if "module" not in files:
            errors.append(f"{module_dir}: needs module.ko.yaml and module.en.yaml")
        for stem, pair in files.items():
            if set(pair) != set(LANGUAGES):
                errors.append(f"{module_dir}/{stem}: needs both .ko.yaml and .en.yaml")
                continue
            ko, en = pair["ko"], pair["en"]
            if stem == "module":
                quizzes = [
                    ("pre_test", ko.get("pre_test"), en.get("pre_test")),
                    ("post_test", ko.get("post_test"), en.get("post_test")),
                ]
            else:
                quizzes = [("quiz", ko.get("quiz"), en.get("quiz"))]
                if [list(b)[0] for b in ko.get("body", [])] != [list(b)[0] for b in en.get("body", [])]:
                    errors.append(f"{module_dir}/{stem}: ko and en body blocks differ in order or kind")
            if ko.get("slug") != en.get("slug"):
                errors.append(f"{module_dir}/{stem}: ko and en slugs differ")
            for label, ko_quiz, en_quiz in quizzes:
                try:
                    if _quiz_ids(ko_quiz) != _quiz_ids(en_quiz):
                        errors.append(f"{module_dir}/{stem} {label}: ko and en question ids differ")
                    for kq, eq in zip(ko_quiz["questions"], en_quiz["questions"], strict=False):
                        kc = [(str(c["id"]), bool(c.get("correct"))) for c in kq.get("choices") or []]
                        ec = [(str(c["id"]), bool(c.get("correct"))) for c in eq.get("choices") or []]
                        if kc != ec or kq["type"] != eq["type"]:
                            errors.append(f"{module_dir}/{stem} {label} {kq['id']}: ko and en choices differ")
                except (KeyError, TypeError):
                    errors.append(f"{module_dir}/{stem} {label}: malformed quiz")
    return errors


if __name__ == "__main__":
    problems = check_tree(sys.argv[1] if len(sys.argv) > 1 else "demo")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)
