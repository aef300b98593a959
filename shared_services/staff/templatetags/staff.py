from django import template

from shared_services.staff.models import StaffRole

register = template.Library()


@register.filter
def is_unit_administrator(user) -> bool:
    """For menus only: the views decide access themselves (identity.access, inbox.permissions)."""
    return user.is_authenticated and user.groups.filter(name=StaffRole.UNIT_ADMIN).exists()


@register.filter
def staff_role_label(name: str) -> str:
    """A role group's name as people say it (unit administrator, department head, clerk)."""
    return StaffRole(name).label if name in StaffRole.values else name
