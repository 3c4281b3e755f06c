"""Question blocks. Every question block and every choice has a stable id, so an attempt can store
answers by id and be re-scored and explained against the revision the student saw."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

SCORED_TYPES = ("single_choice", "multiple_choice", "true_false", "scenario")
REFLECTION_TYPES = ("reflection_text", "reflection_scale")


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Choice"))
    correct = blocks.BooleanBlock(required=False, label=_("Correct"))
    feedback = blocks.TextBlock(label=_("Feedback"), help_text=_("Shown when this choice is picked."))

    class Meta:
        icon = "radio-full"


class ChoiceQuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Question"))
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, label=_("Choices"))
    explanation = blocks.TextBlock(label=_("Explanation"))
    law = SnippetChooserBlock("lessons.LawReference", required=False, label=_("Law reference"))
    many_correct = False

    class Meta:
        icon = "radio-empty"
        template = "blocks/question_block.html"
        preview_value = {
            "prompt": "Which is a crime?",
            "choices": [
                {"text": "Making a sexual deepfake of a classmate", "correct": True, "feedback": ""},
                {"text": "Reporting a deepfake to the platform", "correct": False, "feedback": ""},
            ],
            "explanation": "Making one is a crime even without sharing it.",
        }

    def clean(self, value):
        from django.core.exceptions import ValidationError

        from wagtail.blocks.struct_block import StructBlockValidationError

        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct == 0 or (correct > 1 and not self.many_correct):
            message = (
                _("Mark exactly one choice as correct.")
                if not self.many_correct
                else _("Mark at least one choice as correct.")
            )
            raise StructBlockValidationError({"choices": ValidationError(message)})
        return value


class SingleChoiceQuestionBlock(ChoiceQuestionBlock):
    class Meta:
        description = _("One right answer.")


class MultipleChoiceQuestionBlock(ChoiceQuestionBlock):
    many_correct = True

    class Meta:
        icon = "tick"
        description = _("Select all that apply; right only when exactly the correct choices are picked.")


class TrueFalseQuestionBlock(ChoiceQuestionBlock):
    class Meta:
        icon = "tick-inverse"
        description = _("A statement that is true or false: two choices, True and False.")


class ScenarioQuestionBlock(ChoiceQuestionBlock):
    story = blocks.TextBlock(label=_("Situation"), help_text=_("Fictional and in the third person."))

    class Meta:
        icon = "group"
        description = _("What should the person in the story do?")
        preview_value = {
            "story": "Ji-woo finds an edited photo of a classmate in a group chat.",
            "prompt": "What should Ji-woo do first?",
            "choices": [
                {"text": "Keep the evidence and tell a trusted adult", "correct": True, "feedback": ""},
                {"text": "Forward it to ask others", "correct": False, "feedback": ""},
            ],
            "explanation": "Forwarding spreads the harm.",
        }


class ReflectionTextBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Question"))

    class Meta:
        icon = "edit"
        template = "blocks/question_block.html"
        description = _("Free-text reflection; never scored or shown to teachers per student.")
        preview_value = {"prompt": "What would you say to a friend who received such an image?"}


class ReflectionScaleBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Question"))
    low_label = blocks.CharBlock(label=_("Label for 1"))
    high_label = blocks.CharBlock(label=_("Label for 5"))

    class Meta:
        icon = "order"
        template = "blocks/question_block.html"
        description = _("A 1–5 scale; never scored or shown to teachers per student.")
        preview_value = {
            "prompt": "How sure are you about where to get help?",
            "low_label": "Not sure",
            "high_label": "Very sure",
        }


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock(label=_("Single choice"))
    multiple_choice = MultipleChoiceQuestionBlock(label=_("Multiple choice"))
    true_false = TrueFalseQuestionBlock(label=_("True or false"))
    scenario = ScenarioQuestionBlock(label=_("Scenario judgement"))
    reflection_text = ReflectionTextBlock(label=_("Reflection (text)"))
    reflection_scale = ReflectionScaleBlock(label=_("Reflection (1–5 scale)"))
