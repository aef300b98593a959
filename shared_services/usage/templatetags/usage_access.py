from django import template

from shared_services.identity.access import office_role

from ..views import ROLES

register = template.Library()


@register.filter
def sees_usage(user) -> bool:
    """For the office's menu only: the view decides access itself (views._managers_only)."""
    return office_role(user) in ROLES
