"""Writes for open data: the public mirror of a unit's registers (`catalogue.RegisterListing`), kept in the
transaction that publishes or withdraws a record so the regional catalogue and the operators' view never visit
the units' schemas, and the unit's choice of licence (`catalogue.OpenDataPublisher`)."""

from django.db import connection, transaction

from shared_services.audit.services import audit_record
from shared_services.catalogue.models import OpenDataLicence, OpenDataPublisher, RegisterListing


@transaction.atomic
def open_data_licence_choose(*, licence: str, actor: str) -> OpenDataPublisher:
    """The current unit puts its registers' data under `licence` (CC0 or CC BY 4.0); audited in its trail."""
    if licence not in OpenDataLicence.values:
        raise ValueError(f"unknown licence {licence!r}")
    unit_id = connection.tenant.pk
    choice, _created = OpenDataPublisher.objects.select_for_update().get_or_create(unit_id=unit_id)
    before = choice.licence if not _created else None
    choice.licence = licence
    choice.save()
    audit_record(actor=actor, action="opendata.licence", target=f"unit:{unit_id}", before=before, after=licence)
    return choice


def register_listing_write(*, register_id: int, published: dict | None) -> None:
    """Make the current unit's mirror row of one register say `published` (the fields of RegisterListing but
    the unit and the register), or drop it when None (the register is gone or no longer published).

    Call it inside the transaction that changes what the register publishes: both commit, or neither."""
    unit_id = connection.tenant.pk
    if published is None:
        RegisterListing.objects.filter(unit_id=unit_id, register_id=register_id).delete()
        return
    RegisterListing.objects.update_or_create(unit_id=unit_id, register_id=register_id, defaults=published)
