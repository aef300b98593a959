"""`user|edits_bip`: whether the office's menu offers BIP's editing (the same decision as its views' guard)."""

from django import template

from shared_services.identity.access import Area, Verdict, decide

register = template.Library()


@register.filter
def edits_bip(user) -> bool:
    return decide(user, Area.OFFICE_EDITOR) is Verdict.ALLOWED
