"""Writes of letter templates: created, changed, switched off and on by the unit administrator, each with an
audit entry; seeded for a new unit at onboarding."""

from django.db import transaction
from django.forms.models import model_to_dict

from shared_services.audit.services import audit_record

from .fields import fields_check
from .models import LetterTemplate
from .seed_data import seed_templates

EDITABLE = ("kind", "name", "subject", "body")


def _state(template: LetterTemplate) -> dict:
    return model_to_dict(template, fields=(*EDITABLE, "active"))


def _audit(actor: str, action: str, template: LetterTemplate, before: dict | None) -> None:
    audit_record(
        actor=actor,
        action=f"letter_template.{action}",
        target=f"letter_template:{template.pk}",
        before=before,
        after=_state(template),
    )


def _checked(template: LetterTemplate) -> LetterTemplate:
    """Refuses (ValidationError, in Polish) an unknown field or braces that are not a field."""
    template.full_clean()
    for text in (template.subject, template.body):
        fields_check(text)
    return template


@transaction.atomic
def letter_template_create(*, actor: str, kind: str, name: str, subject: str, body: str) -> LetterTemplate:
    template = _checked(LetterTemplate(kind=kind, name=name, subject=subject, body=body))
    template.save()
    _audit(actor, "create", template, None)
    return template


@transaction.atomic
def letter_template_update(*, actor: str, template: LetterTemplate, **changes) -> LetterTemplate:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not template fields: {', '.join(sorted(unknown))}")
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    before = _state(template)
    for field, value in changes.items():
        setattr(template, field, value)
    _checked(template).save()
    _audit(actor, "update", template, before)
    return template


@transaction.atomic
def letter_template_set_active(*, actor: str, template: LetterTemplate, active: bool) -> LetterTemplate:
    """Switched off, a template is no longer offered on cases; letters sent from it stay as they were."""
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    before = _state(template)
    template.active = active
    template.save(update_fields=["active", "updated_at"])
    _audit(actor, "activate" if active else "deactivate", template, before)
    return template


def letter_templates_seed(*, unit_kind: str) -> int:
    """Give the current unit the seeded templates it does not have yet (by their seed key; a name the unit
    already uses is left alone); returns how many were added. Part of the unit's onboarding transaction."""
    have = LetterTemplate.objects.values_list("seed_key", "name")
    keys, names = {key for key, _name in have}, {name for _key, name in have}
    new = [
        LetterTemplate(
            seed_key=seed["key"], kind=seed["kind"], name=seed["name"], subject=seed["subject"], body=seed["body"]
        )
        for seed in seed_templates(unit_kind)
        if seed["key"] not in keys and seed["name"] not in names
    ]
    LetterTemplate.objects.bulk_create(new)
    return len(new)
