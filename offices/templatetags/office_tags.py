from django import template

from ..models import OfficeStaff

register = template.Library()


@register.simple_tag(takes_context=True)
def is_office_staff(context):
    """Whether the signed-in person has an office role: asked only for staff accounts (one query)."""
    user = context["request"].user
    return user.is_authenticated and OfficeStaff.objects.filter(user=user).exists()
