"""Writes for open data: the public mirror of a unit's registers (`catalogue.RegisterListing`), kept in the
transaction that publishes or withdraws a record so the regional catalogue and the operators' view never visit
the units' schemas, and the unit's choice of licence (`catalogue.OpenDataPublisher`)."""

from django.db import connection, transaction
from django.utils import timezone

from shared_services.audit.services import audit_record
from shared_services.catalogue.models import (
    OpenDataLicence,
    OpenDataPublisher,
    RegisterListing,
    StandardRegisterVersion,
)

from . import opendata
from .models import Record, RecordStatus, Register


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


def register_listing_refresh(register, *, now=None) -> None:
    """Bring the current unit's public mirror row of `register` up to date: its description from the adopted
    definition, the number of published records, and `now` as its last publication. Called by the register's
    services inside the transaction that publishes, changes a published record or withdraws one.

    A register that has never published stays out of the catalogue; one whose records are all withdrawn stays in
    it, empty, so harvesters see that it emptied. A register no longer kept leaves it."""
    now = now or timezone.now()
    if not register.enabled:
        register_listing_write(register_id=register.pk, published=None)
        return
    count = Record.objects.filter(register=register, status=RecordStatus.PUBLISHED).count()
    listed = RegisterListing.objects.filter(unit_id=connection.tenant.pk, register_id=register.pk)
    first = listed.values_list("first_published_at", flat=True).first()
    if count == 0 and not listed.exists():
        return
    definition = StandardRegisterVersion.objects.get(register__slug=register.slug, number=register.version)
    register_listing_write(
        register_id=register.pk,
        published={
            "key": register.slug[:36],
            "slug": register.slug,
            "title_pl": definition.name[:300],
            "title_en": (definition.name_en or definition.name)[:300],
            "description_pl": definition.description,
            "description_en": definition.description_en or definition.description,
            "theme": definition.category,
            "update_frequency": definition.update_frequency,
            "keywords_pl": list(definition.tags or []),
            "keywords_en": list(definition.tags_en or []),
            "record_count": count,
            "has_place": opendata.place_fields(definition.properties) is not None,
            "first_published_at": first or now,
            "last_published_at": now,
        },
    )


@transaction.atomic
def register_listings_rebuild() -> int:
    """Make the public mirror of the current unit's registers match its schema again (after an import from an
    archive, whose rows came without the register's services); returns how many registers it lists."""
    RegisterListing.objects.filter(unit_id=connection.tenant.pk).delete()
    for register in Register.objects.filter(enabled=True):
        register_listing_refresh(register)
    return RegisterListing.objects.filter(unit_id=connection.tenant.pk).count()
