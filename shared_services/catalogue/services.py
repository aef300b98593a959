"""Writes to the standard catalogue: drafts, publishing, and loading the seed data."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from shared_services.eforms.services import form_version_create

from .models import Category, LifeEvent, StandardForm, StandardService, StandardServiceVersion, VersionStatus
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


def standard_forms_load(*, definitions: list[dict]) -> dict[str, StandardForm]:
    """Bring the standard forms in line with `definitions` (files of data/forms/); a changed one gets a new
    version. Returns the forms by slug."""
    forms = {}
    for definition in definitions:
        form, _ = StandardForm.objects.update_or_create(slug=definition["slug"], defaults={"name": definition["name"]})
        current = form.current
        if current is None or (current.json_schema, current.layout) != (
            definition["json_schema"],
            definition["layout"],
        ):
            form_version_create(form=form, json_schema=definition["json_schema"], layout=definition["layout"])
        forms[form.slug] = form
    return forms


@transaction.atomic
def standard_catalogue_load(*, seed: dict, form_definitions: list[dict] = ()) -> dict[str, int]:
    """Bring the catalogue in line with `seed` (the format of data/standard_services.json) and its forms.

    New services get version 1; a service whose card differs from the seed gets a new published version;
    an unchanged one is left alone. Returns how many services were created, updated and unchanged.
    """
    forms = standard_forms_load(definitions=form_definitions)
    categories = {
        c["slug"]: Category.objects.update_or_create(slug=c["slug"], defaults=c)[0] for c in seed["categories"]
    }
    events = {e["slug"]: LifeEvent.objects.update_or_create(slug=e["slug"], defaults=e)[0] for e in seed["life_events"]}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for card in seed["services"]:
        service, created = StandardService.objects.get_or_create(slug=card["slug"])
        wanted = {**_version_fields(card), "form": forms.get(card.get("form"))}
        current = service.published
        if current is not None and _card_of(current) == (wanted, set(card["categories"]), set(card["life_events"])):
            counts["unchanged"] += 1
            continue
        draft = service_draft_create(
            service=service,
            changes=wanted,
            categories=[categories[slug] for slug in card["categories"]],
            life_events=[events[slug] for slug in card["life_events"]],
        )
        service_version_publish(version=draft)
        counts["created" if created else "updated"] += 1
    return counts


def seed_read(path: Path = SEED_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def form_definitions_read(folder: Path = FORMS_DIR) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.json"))]


def _version_fields(card: dict) -> dict:
    fee, deadline = card["fee"], card["deadline"]
    return {
        **{field: card[field] for field in _CARD_FIELDS},
        "fee_grosze": fee["amount_grosze"],
        "fee_kind": fee["kind"],
        "fee_description": fee["description"],
        "fee_exemptions": fee["exemptions"],
        "deadline_days": deadline["days"],
        "deadline_description": deadline["description"],
    }


def _card_of(version: StandardServiceVersion):
    fields = {field: getattr(version, field) for field in _VERSION_FIELDS}
    return (
        fields,
        set(version.categories.values_list("slug", flat=True)),
        set(version.life_events.values_list("slug", flat=True)),
    )
