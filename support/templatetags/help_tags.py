import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from support.channels import core_channels

register = template.Library()


@register.simple_tag(takes_context=True)
def help_card_channels(context):
    """The core lines for the band of the lesson being read (the page's `audience`), in the page's language."""
    page = context.get("page")
    return core_channels(getattr(page, "audience", None), getattr(page, "locale", None))


URL_RE = re.compile(r"https?://[^\s<>\"')]+[^\s<>\"').,;:!?]")


@register.filter
def link_urls(text):
    """Escape text and make each web address in it a link that sends no referrer (report guides)."""
    text = str(text)
    parts, last = [], 0
    for match in URL_RE.finditer(text):
        parts.append(escape(text[last : match.start()]))
        url = escape(match.group(0))
        parts.append(f'<a href="{url}" rel="noreferrer">{url}</a>')
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
