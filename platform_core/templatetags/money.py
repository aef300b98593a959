"""{% load money %}: amounts kept in grosze, shown in złoty."""

from django import template

from platform_core.money import zloty_display

register = template.Library()


@register.filter
def zloty(grosze) -> str:
    """1750 → "17,50 zł" in the reader's number format; empty for no amount."""
    if grosze in (None, ""):
        return ""
    return zloty_display(grosze)
