"""Turn the demo content files (docs/content-format.md) into Wagtail pages and snippets.

Idempotent: every object is keyed by a translation key derived from its slug, so a second run
finds what the first one made and adds nothing. Existing objects are left as they are unless
`update=True`, so an editor's corrections are never overwritten by a re-run.
"""

import json
import uuid
from html import escape
from pathlib import Path

from django.db import transaction

from wagtail.models import Locale

from .schema import LANGUAGES, ContentError, check_tree, load_yaml

NAMESPACE = uuid.UUID("6f1c1c52-8f0e-4c1e-9a55-3d0b7c1f2a10")


def stable_uuid(*parts):
    return uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts))


def paragraphs_html(text):
    return "".join(f"<p>{escape(chunk.strip())}</p>" for chunk in str(text).split("\n\n") if chunk.strip())


def list_value(items, key):
    """A ListBlock's raw value with stable item ids."""
    return [
        {"type": "item", "value": item, "id": str(stable_uuid(key, position))} for position, item in enumerate(items)
    ]


class DemoLoader:
    def __init__(self, root, stdout=None, update=False):
        self.root = Path(root)
        self.stdout = stdout
        self.update = update
        self.locales = {}
        self.laws = {}
        self.created = 0

    def log(self, message):
        if self.stdout:
            self.stdout.write(message)

    def locale(self, language):
        if language not in self.locales:
            self.locales[language], _ = Locale.objects.get_or_create(language_code=language)
        return self.locales[language]

    # -- snippets -------------------------------------------------------------------------

    def load_laws(self):
        from lessons.models import LawReference

        for language in LANGUAGES:
            path = self.root / "law" / f"references.{language}.yaml"
            for item in load_yaml(path) or []:
                key = stable_uuid("law", item["key"])
                law = LawReference.objects.filter(translation_key=key, locale=self.locale(language)).first()
                fields = {
                    field: item[field]
                    for field in (
                        "key",
                        "jurisdiction",
                        "act",
                        "article",
                        "in_force_since",
                        "source_url",
                        "last_reviewed",
                    )
                }
                fields.update(
                    punishes=str(item["punishes"]).strip(),
                    penalty=str(item["penalty"]).strip(),
                    date_kind=item.get("date_kind") or "in_force",
                    date_note=str(item.get("date_note") or "").strip(),
                )
                if law is None:
                    law = LawReference(translation_key=key, locale=self.locale(language), **fields)
                    law.full_clean()
                    law.save()
                    law.save_revision().publish()
                    self.created += 1
                elif self.update:
                    for name, value in fields.items():
                        setattr(law, name, value)
                    law.full_clean()
                    law.save_revision().publish()
                self.laws[(language, item["key"])] = law

    def load_help(self):
        from support.models import HelpChannel, ReportGuide

        for language in LANGUAGES:
            for item in load_yaml(self.root / "help" / f"channels.{language}.yaml") or []:
                key = stable_uuid("channel", item["key"])
                fields = {
                    "key": item["key"],
                    "name": item["name"],
                    "kind": item["kind"],
                    "phone": str(item.get("phone") or ""),
                    "text_or_chat": item.get("text_or_chat") or "",
                    "url": item.get("url") or "",
                    "hours": item.get("hours") or "",
                    "audience": item["audience"],
                    "description": str(item["description"]).strip(),
                    "country": item["country"],
                    "situations": item.get("situations") or [],
                    "sort_order": item["order"],
                    "confirmed": item.get("confirmed", True),
                    "status_note": str(item.get("status_note") or "").strip(),
                }
                self._upsert_snippet(HelpChannel, key, language, fields)
            for position, item in enumerate(load_yaml(self.root / "help" / f"report-guides.{language}.yaml") or []):
                key = stable_uuid("guide", item["key"])
                fields = {
                    "key": item["key"],
                    "platform": item["platform"],
                    "report_url": item["report_url"],
                    "steps": "\n".join(str(step).strip() for step in item["steps"]),
                    "notes": str(item.get("notes") or "").strip(),
                    "sort_order": (position + 1) * 10,
                }
                self._upsert_snippet(ReportGuide, key, language, fields)

    def _upsert_snippet(self, model, key, language, fields):
        obj = model.objects.filter(translation_key=key, locale=self.locale(language)).first()
        if obj is None:
            obj = model(translation_key=key, locale=self.locale(language), **fields)
            obj.full_clean()
            obj.save()
            self.created += 1
        elif self.update:
            for name, value in fields.items():
                setattr(obj, name, value)
            obj.full_clean()
            obj.save()
        return obj

    # -- pages ----------------------------------------------------------------------------

    def home(self, language):
        from website.models import HomePage

        return HomePage.objects.get(locale=self.locale(language))

    def page(self, model, parent, key, language, fields):
        """Find the page with this translation key and language, or create and publish it."""
        page = model.objects.filter(translation_key=key, locale=self.locale(language)).first()
        if page is None:
            page = model(translation_key=key, locale=self.locale(language), **fields)
            parent.add_child(instance=page)
            page.save_revision().publish()
            self.created += 1
        elif self.update:
            for name, value in fields.items():
                setattr(page, name, value)
            page.save_revision().publish()
        return page

    def load_curriculum(self):
        from lessons.models import CurriculumIndexPage

        titles = {
            "ko": ("커리큘럼", "학년별 모듈과 수업입니다. 중학교, 고등학교, 대학 가운데 골라 보세요."),
            "en": ("Curriculum", "Modules and lessons by school level: middle school, high school, university."),
        }
        for module_dir in sorted(p for p in (self.root / "curriculum").iterdir() if p.is_dir()):
            for language in LANGUAGES:
                title, intro = titles[language]
                index = self.page(
                    CurriculumIndexPage,
                    self.home(language),
                    stable_uuid("curriculum"),
                    language,
                    {"title": title, "slug": "curriculum", "intro": intro},
                )
                self.load_module(module_dir, language, index)

    def load_module(self, module_dir, language, index):
        from lessons.models import AudienceBand, LessonPage, ModulePage

        data = load_yaml(module_dir / f"module.{language}.yaml")
        bands = set(data["audience_bands"])
        module = self.page(
            ModulePage,
            index,
            stable_uuid("module", data["slug"]),
            language,
            {
                "title": data["title"],
                "slug": data["slug"],
                "summary": str(data["summary"]).strip(),
                "objectives": "\n".join(data["objectives"]),
                "for_middle_school": AudienceBand.MIDDLE_SCHOOL in bands,
                "for_high_school": AudienceBand.HIGH_SCHOOL in bands,
                "for_university": AudienceBand.UNIVERSITY in bands,
                "guardian_letter_title": str((data.get("guardian_letter") or {}).get("title") or "").strip(),
                "guardian_letter": str((data.get("guardian_letter") or {}).get("body") or "").strip(),
            },
        )
        lessons = []
        for path in module_dir.glob(f"*.{language}.yaml"):
            if path.name != f"module.{language}.yaml":
                lessons.append(load_yaml(path))
        for lesson_data in sorted(lessons, key=lambda item: item["order"]):
            lesson = self.page(
                LessonPage,
                module,
                stable_uuid("lesson", data["slug"], lesson_data["slug"]),
                language,
                self.lesson_fields(lesson_data, language),
            )
            self.load_quiz(lesson, lesson_data["quiz"], language, ("lesson", lesson_data["slug"]), "check")
            if lesson_data.get("practice"):
                # After the check quiz, so the check quiz stays the lesson's first child.
                key = ("lesson", lesson_data["slug"], "practice")
                self.load_quiz(lesson, lesson_data["practice"], language, key, "practice")
        self.load_quiz(module, data["pre_test"], language, ("module", data["slug"], "pre"), "pre-test")
        self.load_quiz(module, data["post_test"], language, ("module", data["slug"], "post"), "post-test")

    def lesson_fields(self, data, language):
        body = []
        cited = {value for item in data["body"] for kind, value in item.items() if kind == "law"}
        missing = [key for key in data.get("laws") or [] if key not in cited]
        for position, item in enumerate(data["body"]):
            ((kind, value),) = item.items()
            if kind == "help_card" and missing:
                # A law the lesson cites but does not quote in the body is shown before the help card.
                for key in missing:
                    body.append(self.block("law", key, language, (data["slug"], "law", key)))
                missing = []
            body.append(self.block(kind, value, language, (data["slug"], position)))
        return {
            "title": data["title"],
            "slug": data["slug"],
            "audience": data["audience"],
            "duration_minutes": data["duration_minutes"],
            "summary": str(data["summary"]).strip(),
            "objectives": "\n".join(data["objectives"]),
            "content_note": str(data["content_note"]).strip(),
            "alternative_activity": str(data["alternative_activity"]).strip(),
            "key_takeaways": "\n".join(data["key_takeaways"]),
            "teacher_notes": str(data["teacher_notes"]).strip(),
            "body": json.dumps(body),
        }

    def block(self, kind, value, language, key):
        block_id = str(stable_uuid("block", *key))
        if kind == "paragraph":
            raw = paragraphs_html(value)
        elif kind == "heading":
            raw = {"text": value, "level": "h2"}
        elif kind == "law":
            raw = {"law": self.laws[(language, value)].pk}
        elif kind == "scenario":
            raw = {
                "title": value["title"],
                "story": str(value["story"]).strip(),
                "questions": list_value(value["questions"], (*key, "q")),
            }
        elif kind == "steps":
            raw = {"title": value.get("title") or "", "items": list_value(value["items"], (*key, "s"))}
        elif kind == "callout":
            raw = {"kind": value["kind"], "title": value.get("title") or "", "text": str(value["text"]).strip()}
        elif kind == "quote":
            raw = {"text": str(value["text"]).strip(), "attribution": value.get("attribution") or ""}
        elif kind == "glossary":
            raw = {"term": value["term"], "definition": str(value["definition"]).strip()}
        elif kind == "help_card":
            raw = {"title": (value or {}).get("title") or ""}
        else:
            raise ContentError(f"unknown block {kind}")
        return {"type": kind, "value": raw, "id": block_id}

    def load_quiz(self, parent, data, language, key, slug):
        from quizzes.models import QuizPage

        questions = []
        for question in data["questions"]:
            kind = question["type"]
            qid = str(stable_uuid("question", *key, question["id"]))
            if kind == "reflection_text":
                raw = {"prompt": str(question["prompt"]).strip()}
            elif kind == "reflection_scale":
                raw = {
                    "prompt": str(question["prompt"]).strip(),
                    "low_label": question.get("low_label", "1"),
                    "high_label": question.get("high_label", "5"),
                }
            else:
                raw = {
                    "prompt": str(question["prompt"]).strip(),
                    "choices": [
                        {
                            "type": "item",
                            "id": str(choice["id"]),
                            "value": {
                                "text": str(choice["text"]).strip(),
                                "correct": bool(choice.get("correct")),
                                "feedback": str(choice["feedback"]).strip(),
                            },
                        }
                        for choice in question["choices"]
                    ],
                    "explanation": str(question["explanation"]).strip(),
                    "law": self.laws[(language, question["law"])].pk if question.get("law") else None,
                }
                if kind == "scenario":
                    raw["story"] = str(question["story"]).strip()
            questions.append({"type": kind, "value": raw, "id": qid})
        return self.page(
            QuizPage,
            parent,
            stable_uuid("quiz", *key),
            language,
            {
                "title": data["title"],
                "slug": slug,
                "kind": data["kind"],
                "intro": str(data.get("intro") or "").strip(),
                # Pre-tests are diagnostics: no pass mark (QuizPage.is_diagnostic).
                "pass_mark": 0 if data["kind"] == "pre_test" else data.get("pass_mark", 60),
                "questions": json.dumps(questions),
            },
        )

    def run(self):
        problems = check_tree(self.root)
        if problems:
            raise ContentError("The demo content has problems:\n" + "\n".join(problems))
        with transaction.atomic():
            self.load_laws()
            self.load_help()
            self.load_curriculum()
        return self.created


def load_demo_content(root, stdout=None, update=False):
    return DemoLoader(root, stdout=stdout, update=update).run()
