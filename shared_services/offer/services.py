"""Writes to a unit's offer: adopting standard services, localising them, and the unit's own services.

Each change of what a unit offers is mirrored in the public `catalogue.Offering` table in the same
transaction, so operators and the regional search see it without visiting the unit's schema.
"""

from django.db import connection, transaction

from platform_core.public_references import public_rows_require
from shared_services.catalogue.models import (
    Category,
    LifeEvent,
    Offering,
    OwnServiceListing,
    StandardForm,
    StandardService,
    UnitTermUse,
)
from shared_services.catalogue.search import search_vectors

from . import filing_cache
from .models import AdoptedService, UnitService

LOCAL_DETAILS = ("enabled", "fee_override_grosze", "department", "room", "office_hours", "contact", "local_notes")


@transaction.atomic
def offer_adopt_defaults(*, unit_kind: str) -> int:
    """Adopt, in the current unit, every published standard service meant for its kind and not retired; returns
    how many were added (services adopted earlier are kept as the unit set them)."""
    standard = StandardService.objects.filter(published__unit_kinds__contains=[unit_kind], retired_at__isnull=True)
    adopted = set(AdoptedService.objects.values_list("standard_service_id", flat=True))
    new = [AdoptedService(standard_service=service) for service in standard if service.pk not in adopted]
    AdoptedService.objects.bulk_create(new)
    Offering.objects.bulk_create(
        [Offering(unit_id=connection.tenant.pk, standard_service_id=adoption.standard_service_id) for adoption in new],
        ignore_conflicts=True,
    )
    return len(new)


@transaction.atomic
def offer_adopt(*, standard_service: StandardService) -> AdoptedService:
    """Offer one more standard service (or offer again one the unit had switched off)."""
    # No foreign key checks the reference (platform_core/public_references.py): this does.
    public_rows_require(StandardService, [standard_service.pk])
    adopted, _ = AdoptedService.objects.get_or_create(standard_service=standard_service)
    if not adopted.enabled:
        adopted.enabled = True
        adopted.save(update_fields=["enabled"])
    _offering_sync(adopted)
    return adopted


@transaction.atomic
def offer_localise(*, adopted: AdoptedService, **details) -> AdoptedService:
    """Set the unit's local details of an adopted service (see LOCAL_DETAILS); the card's text stays the
    standard's."""
    unknown = set(details) - set(LOCAL_DETAILS)
    if unknown:
        raise TypeError(f"not local details: {', '.join(sorted(unknown))}")
    for field, value in details.items():
        setattr(adopted, field, value)
    adopted.full_clean()
    adopted.save()
    _offering_sync(adopted)
    return adopted


@transaction.atomic
def offerings_rebuild() -> int:
    """Make the public copies of the current unit's offer (standard services offered, own services listed)
    match its schema again, after an import from an archive, say; returns how many services it offers."""
    unit_id = connection.tenant.pk
    filing_cache.unit_offer_changed()  # its rows were loaded without the ORM's signals
    Offering.objects.filter(unit_id=unit_id).delete()
    offered = AdoptedService.objects.filter(enabled=True).values_list("standard_service_id", flat=True)
    Offering.objects.bulk_create([Offering(unit_id=unit_id, standard_service_id=service_id) for service_id in offered])
    OwnServiceListing.objects.filter(unit_id=unit_id).delete()
    for service in UnitService.objects.filter(enabled=True):
        _index_own_service(service)
    UnitTermUse.objects.filter(unit_id=unit_id).delete()
    for service in UnitService.objects.all():
        _term_uses_sync(service)
    return len(offered) + UnitService.objects.filter(enabled=True).count()


def _offering_sync(adopted: AdoptedService) -> None:
    mirror = Offering.objects.filter(unit_id=connection.tenant.pk, standard_service_id=adopted.standard_service_id)
    if adopted.enabled:
        Offering.objects.get_or_create(unit_id=connection.tenant.pk, standard_service_id=adopted.standard_service_id)
    else:
        mirror.delete()


@transaction.atomic
def unit_service_save(*, service: UnitService, category_slugs=None, life_event_slugs=None) -> UnitService:
    """Create or change one of the unit's own services, with its search words. MissingPublicRow when it names
    a standard form, category or life event the catalogue does not have."""
    if category_slugs is not None:
        service.category_slugs = sorted(set(category_slugs))
    if life_event_slugs is not None:
        service.life_event_slugs = sorted(set(life_event_slugs))
    # No foreign key checks these references (platform_core/public_references.py): this does.
    public_rows_require(StandardForm, [service.standard_form_id])
    public_rows_require(Category, service.category_slugs, field="slug")
    public_rows_require(LifeEvent, service.life_event_slugs, field="slug")
    service.full_clean()
    service.save()
    _index_own_service(service)
    _term_uses_sync(service)
    return service


def _term_uses_sync(service: UnitService) -> None:
    """Keep the public copy of the terms an own service names in step (catalogue.UnitTermUse): the catalogue
    refuses to delete a term while a unit names it."""
    unit_id = connection.tenant.pk
    UnitTermUse.objects.filter(unit_id=unit_id, unit_service_id=service.pk).delete()
    UnitTermUse.objects.bulk_create(
        [
            UnitTermUse(unit_id=unit_id, unit_service_id=service.pk, kind=kind, slug=slug)
            for kind, slugs in (("category", service.category_slugs), ("life_event", service.life_event_slugs))
            for slug in slugs
        ]
    )


def _index_own_service(service: UnitService) -> None:
    vectors = search_vectors(
        name=service.name,
        weighted_texts=[
            (service.name, "A"),
            (service.keywords, "A"),
            (service.short_description, "B"),
            (service.description, "C"),
            (service.who_may_apply, "D"),
        ],
    )
    UnitService.objects.filter(pk=service.pk).update(**vectors)
    _listing_sync(service, vectors)


def _listing_sync(service: UnitService, vectors: dict) -> None:
    """Keep the public listing of an own service in step: present while offered, gone when not."""
    listing = OwnServiceListing.objects.filter(unit_id=connection.tenant.pk, unit_service_id=service.pk)
    if not service.enabled:
        listing.delete()
        return
    OwnServiceListing.objects.update_or_create(
        unit_id=connection.tenant.pk,
        unit_service_id=service.pk,
        defaults={
            "slug": service.slug,
            "name": service.name,
            "short_description": service.short_description,
            "keywords": service.keywords,
            **vectors,
        },
    )
