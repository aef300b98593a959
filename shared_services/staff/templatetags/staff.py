from django import template

from shared_services.identity.access import StaffRole, office_role

register = template.Library()


@register.filter
def is_unit_administrator(user) -> bool:
    """For menus only: the views decide access themselves (identity.access, inbox.permissions)."""
    return office_role(user) == StaffRole.UNIT_ADMIN


@register.filter
def staff_role_label(name: str) -> str:
    """A role group's name as people say it (unit administrator, department head, clerk)."""
    return StaffRole(name).label if name in StaffRole.values else name
