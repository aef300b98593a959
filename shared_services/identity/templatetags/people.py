from django import template

from shared_services.identity.people import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user) -> str:
    """`{{ user|person_name }}`: the person's name, else their e-mail (identity.people)."""
    return _person_name(user)
