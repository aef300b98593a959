from django import template

from shared_services.staff.models import StaffRole

register = template.Library()


@register.filter
def is_unit_administrator(user) -> bool:
    """For menus only: the views decide access themselves (staff.views, inbox.permissions)."""
    return user.is_authenticated and user.groups.filter(name=StaffRole.UNIT_ADMIN).exists()
