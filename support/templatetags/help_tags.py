from django import template

from support.channels import active_channels

register = template.Library()


@register.simple_tag
def help_channels():
    """The active help channels in the reader's language, for help cards."""
    return list(active_channels())
