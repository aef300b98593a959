"""`user|edits_bip`: whether the office's menu offers BIP's editing (the same decision as its views' guard);
`section|in_language`: a menu section's title in the page's language."""

from django import template
from django.utils.translation import get_language

from shared_services.identity.access import Area, Verdict, decide

register = template.Library()


@register.filter
def edits_bip(user) -> bool:
    return decide(user, Area.OFFICE_EDITOR) is Verdict.ALLOWED


@register.filter
def in_language(section) -> str:
    return section.title_in(get_language())
