"""Writes to the standard catalogue: drafts, publishing, and loading the seed data."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import Category, LifeEvent, StandardService, StandardServiceVersion, VersionStatus

SEED_FILE = Path(__file__).resolve().parent / "data" / "standard_services.json"
# Fields a seed card and a version share by name; fee and deadline are nested in the seed.
_CARD_FIELDS = ("name", "name_en", "short_description", "description", "who_may_apply", "legal_basis",
                "required_documents", "appeal", "where_to_file", "jrwa", "maturity_level", "unit_kinds", "keywords")
_VERSION_FIELDS = (*_CARD_FIELDS, "fee_grosze", "fee_kind", "fee_description", "fee_exemptions", "deadline_days",
                   "deadline_description")


def service_draft_create(*, service: StandardService, changes: dict | None = None, categories=None,
                         life_events=None) -> StandardServiceVersion:
    """A new draft version of `service`: its published card (if any) with `changes` applied."""
    base = service.published
    draft = StandardServiceVersion(service=service, number=service.versions.count() + 1, status=VersionStatus.DRAFT)
    if base is not None:
        for field in _VERSION_FIELDS:
            setattr(draft, field, getattr(base, field))
    for field, value in (changes or {}).items():
        setattr(draft, field, value)
    draft.full_clean()
    draft.save()
    draft.categories.set(categories if categories is not None else base.categories.all() if base else [])
    draft.life_events.set(life_events if life_events is not None else base.life_events.all() if base else [])
    return draft


@transaction.atomic
def service_version_publish(*, version: StandardServiceVersion) -> StandardServiceVersion:
    """Make a draft the version everyone sees; the previously published one becomes superseded."""
    service = StandardService.objects.select_for_update().get(pk=version.service_id)
    if version.status != VersionStatus.DRAFT:
        raise ValueError(f"{version} is not a draft")
    if service.published_id:
        previous = service.published
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    version.status, version.published_at = VersionStatus.PUBLISHED, timezone.now()
    version.save(update_fields=["status", "published_at"])
    service.published = version
    service.save(update_fields=["published"])
    return version


@transaction.atomic
def standard_catalogue_load(*, seed: dict) -> dict[str, int]:
    """Bring the catalogue in line with `seed` (the format of data/standard_services.json).

    New services get version 1; a service whose card differs from the seed gets a new published version;
    an unchanged one is left alone. Returns how many services were created, updated and unchanged.
    """
    categories = {c["slug"]: Category.objects.update_or_create(slug=c["slug"], defaults=c)[0]
                  for c in seed["categories"]}
    events = {e["slug"]: LifeEvent.objects.update_or_create(slug=e["slug"], defaults=e)[0]
              for e in seed["life_events"]}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for card in seed["services"]:
        service, created = StandardService.objects.get_or_create(slug=card["slug"])
        wanted = _version_fields(card)
        current = service.published
        if current is not None and _card_of(current) == (wanted, set(card["categories"]), set(card["life_events"])):
            counts["unchanged"] += 1
            continue
        draft = service_draft_create(
            service=service, changes=wanted, categories=[categories[slug] for slug in card["categories"]],
            life_events=[events[slug] for slug in card["life_events"]],
        )
        service_version_publish(version=draft)
        counts["created" if created else "updated"] += 1
    return counts


def seed_read(path: Path = SEED_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _version_fields(card: dict) -> dict:
    fee, deadline = card["fee"], card["deadline"]
    return {
        **{field: card[field] for field in _CARD_FIELDS},
        "fee_grosze": fee["amount_grosze"], "fee_kind": fee["kind"], "fee_description": fee["description"],
        "fee_exemptions": fee["exemptions"], "deadline_days": deadline["days"],
        "deadline_description": deadline["description"],
    }


def _card_of(version: StandardServiceVersion):
    fields = {field: getattr(version, field) for field in _VERSION_FIELDS}
    return (fields, set(version.categories.values_list("slug", flat=True)),
            set(version.life_events.values_list("slug", flat=True)))
