"""{% load operator_actions %}: an operator action's details said in sentences, not as its stored keys."""

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_services.catalogue.terms import TERM_KIND_LABELS
from tenants.models import UnitStatus

register = template.Library()

IMPORT_COUNTS = {
    "cards_created": gettext_lazy("New cards: %(value)s."),
    "cards_versioned": gettext_lazy("Cards given a new version: %(value)s."),
    "cards_unchanged": gettext_lazy("Cards unchanged: %(value)s."),
    "cards_retired": gettext_lazy("Cards retired: %(value)s."),
    "cards_restored": gettext_lazy("Retired cards offered again: %(value)s."),
    "cards_left_alone": gettext_lazy("Cards not in the file, left as they are: %(value)s."),
    "conflicts": gettext_lazy("Cards left as they are for their version open in the console: %(value)s."),
    "terms_created": gettext_lazy("New categories and life events: %(value)s."),
    "terms_renamed": gettext_lazy("Renamed categories and life events: %(value)s."),
    "forms_created": gettext_lazy("New standard forms: %(value)s."),
    "forms_versioned": gettext_lazy("Standard forms given a new version: %(value)s."),
    "forms_renamed": gettext_lazy("Renamed standard forms: %(value)s."),
    "forms_unchanged": gettext_lazy("Standard forms unchanged: %(value)s."),
}


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
        # The catalogue's export and import (onboarding/catalogue_transfer_services.py).
        "cards": _("Cards: %(value)s."),
        "forms": _("Standard forms: %(value)s."),
        "sha256": _("File's SHA-256: %(value)s."),
        **IMPORT_COUNTS,
    }
    for key, value in details.items():
        if key == "archive":
            continue
        if key == "bytes":
            sentences.append(_("Archive size: %(value)s.") % {"value": filesizeformat(value)})
        elif key == "size_bytes":
            sentences.append(_("File size: %(value)s.") % {"value": filesizeformat(value)})
        elif key == "term":
            sentences.append(_("Kind: %(value)s.") % {"value": TERM_KIND_LABELS.get(value, value)})
        elif key == "created":
            sentences.append(_("Created.") if value else _("Names changed."))
        elif key in known:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            sentences.append(known[key] % {"value": shown})
        else:  # a detail recorded by a newer action than this list knows: shown as it is rather than hidden
            sentences.append(f"{key}: {value}")
    return sentences
