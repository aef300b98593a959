"""Writes to the standard catalogue: drafts, publishing, and loading the seed data."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import StandardService, StandardServiceVersion, VersionStatus
from .search import search_vectors, similarity_words

SEED_FILE = Path(__file__).resolve().parent / "data" / "standard_services.json"
FORMS_DIR = Path(__file__).resolve().parent / "data" / "forms"
# Fields a seed card and a version share by name; fee and deadline are nested in the seed.
_CARD_FIELDS = (
    "name",
    "name_en",
    "short_description",
    "description",
    "who_may_apply",
    "legal_basis",
    "required_documents",
    "appeal",
    "where_to_file",
    "jrwa",
    "maturity_level",
    "unit_kinds",
    "keywords",
)
_VERSION_FIELDS = (
    *_CARD_FIELDS,
    "fee_grosze",
    "fee_kind",
    "fee_description",
    "fee_exemptions",
    "deadline_days",
    "deadline_description",
    "form",
)


def service_draft_create(
    *, service: StandardService, changes: dict | None = None, categories=None, life_events=None
) -> StandardServiceVersion:
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
    version_index(version=version)
    service.published = version
    service.save(update_fields=["published"])
    return version


def version_index(*, version: StandardServiceVersion) -> None:
    """Store the words search finds the card by (shared_services.catalogue.search)."""
    StandardServiceVersion.objects.filter(pk=version.pk).update(
        **card_search_vectors(version), search_words=similarity_words(version.name, version.keywords)
    )


def card_search_vectors(version) -> dict:
    return search_vectors(
        name=version.name,
        weighted_texts=[
            (version.name, "A"),
            (" ".join(version.keywords), "A"),
            (version.name_en, "B"),
            (version.short_description, "B"),
            (version.description, "C"),
            (version.who_may_apply, "D"),
        ],
    )


def standard_catalogue_load(*, seed: dict, form_definitions: list[dict] = ()) -> dict[str, int]:
    """Bring the catalogue in line with `seed` (the format of data/standard_services.json) and its forms
    (files of data/forms/; an exported catalogue carries its own under "forms").

    New services get version 1; a service whose card differs from the seed gets a new published version;
    an unchanged one is left alone. Returns how many services were created, updated and unchanged. The same
    plan and apply as the console's import (transfer.py), trusting the file.
    """
    from .transfer import catalogue_apply  # transfer.py builds on this module's drafts and publishing

    plan = catalogue_apply({"forms": list(form_definitions), **seed}, actor_label="seed")
    counts = plan.counts()
    return {
        "created": counts["cards_created"],
        "updated": counts["cards_versioned"],
        "unchanged": counts["cards_unchanged"],
    }


def seed_read(path: Path = SEED_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def form_definitions_read(folder: Path = FORMS_DIR) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.json"))]
