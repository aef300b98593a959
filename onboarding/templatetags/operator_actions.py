"""{% load operator_actions %}: an operator action's details said in sentences, not as its stored keys."""

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tenants.models import UnitStatus

register = template.Library()


def _status(value) -> str:
    return UnitStatus(value).label if value in UnitStatus.values else str(value)


@register.filter
def action_sentences(details: dict) -> list[str]:
    """The details of an operator action (onboarding.services.operator_action_record's keywords), each as a
    sentence in the reader's language; the archive's name is left to the page, which links it."""
    details = {key: value for key, value in details.items() if value not in (None, "", [], {})}
    sentences = []
    if "before" in details and "after" in details:
        sentences.append(
            _("The status changed from “%(before)s” to “%(after)s”.")
            % {"before": _status(details.pop("before")), "after": _status(details.pop("after"))}
        )
    elif "before" in details:
        sentences.append(_("The status was “%(before)s”.") % {"before": _status(details.pop("before"))})
    known = {
        "slug": _("Address: %(value)s."),
        "invited": _("Administrator invited: %(value)s."),
        "email": _("Administrator invited: %(value)s."),
        "job": _("Job number %(value)s."),
        "source": _("Source: %(value)s."),
        "units": _("Units: %(value)s."),
        "domains": _("Addresses removed: %(value)s."),
        "version": _("Version %(value)s."),
        "name": _("Name: %(value)s."),
        "note": _("Note: %(value)s"),
        "reason": _("Reason: %(value)s"),
        "units_reached": _("Units that show it at once: %(value)s."),
    }
    for key, value in details.items():
        if key == "archive":
            continue
        if key == "bytes":
            sentences.append(_("Archive size: %(value)s.") % {"value": filesizeformat(value)})
        elif key in known:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            sentences.append(known[key] % {"value": shown})
        else:  # a detail recorded by a newer action than this list knows: shown as it is rather than hidden
            sentences.append(f"{key}: {value}")
    return sentences
