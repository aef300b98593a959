"""The operators' changes to the regional catalogue, each written to the operators' audit log in the same
transaction as the change (the catalogue's own services, in shared_services.catalogue, know nothing of the
console). Every record names the card's address and the version's number."""

from django.db import transaction
from django.utils.translation import gettext as _

from shared_services.catalogue.models import StandardService, StandardServiceVersion
from shared_services.catalogue.selectors import card_units_offering_count
from shared_services.catalogue.services import (
    CatalogueError,
    service_create,
    service_draft_discard,
    service_draft_save,
    service_draft_submit,
    service_restore,
    service_retire,
    service_review_publish,
    service_review_return,
)

from .actors import Actor
from .models import OperatorActionKind
from .services import operator_action_record


def _record(actor: Actor, action: OperatorActionKind, version: StandardServiceVersion, **details) -> None:
    operator_action_record(
        actor=actor, action=action, unit=None, slug=version.service.slug, version=version.number, **details
    )


@transaction.atomic
def card_create(*, slug: str, changes: dict, categories, life_events, actor: Actor) -> StandardServiceVersion:
    draft = service_create(slug=slug, changes=changes, categories=categories, life_events=life_events, by=actor.label)
    _record(actor, OperatorActionKind.CARD_DRAFT, draft, name=draft.name)
    return draft


@transaction.atomic
def card_draft_save(
    *, service: StandardService, changes: dict, categories, life_events, actor: Actor
) -> StandardServiceVersion:
    draft, _created = service_draft_save(
        service=service, changes=changes, categories=categories, life_events=life_events, by=actor.label
    )
    _record(actor, OperatorActionKind.CARD_DRAFT, draft, name=draft.name)
    return draft


@transaction.atomic
def card_submit(*, version: StandardServiceVersion, actor: Actor) -> StandardServiceVersion:
    submitted = service_draft_submit(version=version, by=actor.label)
    _record(actor, OperatorActionKind.CARD_SUBMIT, submitted)
    return submitted


@transaction.atomic
def card_return(*, version: StandardServiceVersion, note: str, actor: Actor) -> StandardServiceVersion:
    """Send a version in review back to draft; the note says what to change (kept in the audit log)."""
    note = note.strip()
    if not note:
        raise CatalogueError(_("Say what should change before the card is published."))
    returned = service_review_return(version=version)
    _record(actor, OperatorActionKind.CARD_RETURN, returned, note=note)
    return returned


@transaction.atomic
def card_publish(*, version: StandardServiceVersion, actor: Actor) -> StandardServiceVersion:
    published = service_review_publish(version=version, by=actor.label)
    _record(
        actor, OperatorActionKind.CARD_PUBLISH, published, units_reached=card_units_offering_count(published.service)
    )
    return published


@transaction.atomic
def card_discard(*, version: StandardServiceVersion, actor: Actor) -> StandardService | None:
    slug, number = version.service.slug, version.number
    service = service_draft_discard(version=version)
    operator_action_record(actor=actor, action=OperatorActionKind.CARD_DISCARD, unit=None, slug=slug, version=number)
    return service


def _record_card(actor: Actor, action: OperatorActionKind, service: StandardService, **details) -> None:
    """A change of the card as a whole: the version named is the published one."""
    number = service.published.number if service.published_id else None
    operator_action_record(actor=actor, action=action, unit=None, slug=service.slug, version=number, **details)


@transaction.atomic
def card_retire(*, service: StandardService, reason: str, actor: Actor) -> StandardService:
    retired = service_retire(service=service, by=actor.label, reason=reason)
    _record_card(actor, OperatorActionKind.CARD_RETIRE, retired, reason=retired.retired_reason)
    return retired


@transaction.atomic
def card_restore(*, service: StandardService, actor: Actor) -> StandardService:
    restored = service_restore(service=service)
    _record_card(actor, OperatorActionKind.CARD_RESTORE, restored)
    return restored
