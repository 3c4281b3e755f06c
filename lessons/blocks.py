"""StreamField blocks for lessons. Each has an icon, a template, a description and a preview."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"))
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section (h2)")), ("h3", _("Subsection (h3)"))], default="h2", label=_("Level")
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        description = _("A section heading; lessons start at h2 because the title is the h1.")
        preview_value = {"text": "What the law says", "level": "h2"}


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("fact", _("Fact")), ("warning", _("Warning")), ("tip", _("Tip"))], default="fact", label=_("Kind")
    )
    title = blocks.CharBlock(required=False, label=_("Title"))
    text = blocks.TextBlock(label=_("Text"))

    class Meta:
        icon = "info-circle"
        template = "blocks/callout_block.html"
        description = _("A highlighted fact, warning or tip.")
        preview_value = {"kind": "fact", "title": "Did you know?", "text": "Viewing a sexual deepfake is a crime."}


class ScenarioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    story = blocks.TextBlock(label=_("Story"), help_text=_("Fictional, third person, no explicit detail."))
    questions = blocks.ListBlock(blocks.CharBlock(label=_("Question")), label=_("Discussion questions"))

    class Meta:
        icon = "group"
        template = "blocks/scenario_block.html"
        description = _("A fictional story with discussion questions.")
        preview_value = {
            "title": "Min-jun's group chat",
            "story": "Min-jun sees a classmate's edited photo in a group chat.",
            "questions": ["What could Min-jun do?"],
        }


class LawBlock(blocks.StructBlock):
    law = SnippetChooserBlock("lessons.LawReference", label=_("Law reference"))

    class Meta:
        icon = "doc-full"
        template = "blocks/law_block.html"
        description = _("What the law says: renders a law reference, kept up to date in one place.")

    def get_preview_value(self):
        # A real reference in the editor's language: a made-up statute in the preview would mislead.
        from wagtail.models import Locale

        from .models import LawReference

        laws = LawReference.objects.filter(live=True).order_by("act", "article")
        return {"law": laws.filter(locale=Locale.get_active()).first() or laws.first()}

    def get_context(self, value, parent_context=None):
        from .citations import public_law

        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        # The page's own language, not the snippet's: a translated lesson cites the translated law.
        context["law"] = public_law(value.get("law"), getattr(page, "locale_id", None))
        return context


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, label=_("Title"))
    items = blocks.ListBlock(blocks.CharBlock(label=_("Step")), label=_("Steps"))

    class Meta:
        icon = "list-ol"
        template = "blocks/steps_block.html"
        description = _("Numbered steps: what to do.")
        preview_value = {"title": "What to do", "items": ["Don't forward it", "Note the link and the time"]}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"), help_text=_("Describe the image for readers who cannot see it.")
    )
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        description = _("An illustration with required alternative text. Never real or explicit images.")

    def get_preview_value(self):
        from wagtail.images import get_image_model

        return {
            "image": get_image_model().objects.order_by("pk").first(),
            "alt_text": "Illustration",
            "caption": "An illustration with its caption.",
        }


class VideoBlock(blocks.StructBlock):
    """A video is linked, not embedded, so no third party sees who is reading the lesson."""

    title = blocks.CharBlock(label=_("Title"))
    url = blocks.URLBlock(label=_("Video address"))
    transcript = blocks.TextBlock(label=_("Transcript"), help_text=_("Required: everything said and shown."))

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        description = _("A video with a required transcript, opened on the video site.")
        preview_value = {"title": "Video", "url": "https://example.org/video", "transcript": "Narrator: ..."}

    def clean(self, value):
        value = super().clean(value)
        if not value.get("url", "").startswith(("https://", "http://")):
            raise StructBlockValidationError({"url": ValidationError(_("Enter an http(s) address."))})
        return value


class HelpCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, label=_("Title"))

    class Meta:
        icon = "help"
        template = "blocks/help_card_block.html"
        description = _("Where to get help: renders the active help channels for the reader's language.")
        preview_value = {"title": "Where to get help"}


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        description = _("A quotation with its source.")
        preview_value = {"text": "Consent can be withdrawn at any time.", "attribution": "Lesson guide"}


class GlossaryBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Term"))
    definition = blocks.TextBlock(label=_("Definition"))

    class Meta:
        icon = "pilcrow"
        template = "blocks/glossary_block.html"
        description = _("A term and its plain-language definition.")
        preview_value = {"term": "Deepfake", "definition": "An image or video edited by AI to look real."}


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"],
        label=_("Rich text"),
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        description=_("Paragraphs of text."),
        preview_value="<p>Text of the lesson.</p>",
    )
    heading = HeadingBlock(label=_("Heading"))
    callout = CalloutBlock(label=_("Callout"))
    scenario = ScenarioBlock(label=_("Scenario"))
    law = LawBlock(label=_("What the law says"))
    steps = StepsBlock(label=_("Steps"))
    image = ImageBlock(label=_("Image"))
    video = VideoBlock(label=_("Video"))
    help_card = HelpCardBlock(label=_("Help card"))
    quote = QuoteBlock(label=_("Quote"))
    glossary = GlossaryBlock(label=_("Glossary term"))
