"""Writes to the standard catalogue: drafts, review, publishing, retiring, and loading the seed data.

A card moves draft → review → published: operators edit the one open draft (a copy of the published card),
send it for review, and a reviewer returns it to draft or publishes it. Publishing makes a new version;
every unit that offers the card reads the published version, so it reaches them at once. Who moved each
version is kept on it (labels, as in the operators' audit log, which the console writes alongside).
"""

import json
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

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


OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)


class CatalogueError(Exception):
    """The change cannot be made as asked; the message says why, for the operator."""


def service_draft_create(
    *, service: StandardService, changes: dict | None = None, categories=None, life_events=None, by: str = ""
) -> StandardServiceVersion:
    """A new draft version of `service`: its published card (if any) with `changes` applied."""
    base = service.published
    number = (service.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    draft = StandardServiceVersion(service=service, number=number, status=VersionStatus.DRAFT, created_by=by)
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
def service_version_publish(*, version: StandardServiceVersion, by: str = "") -> StandardServiceVersion:
    """Make a draft (or a version in review) the version everyone sees; the previously published one becomes
    superseded. Units read the published version, and saving it tells the filing cache (offer/signals.py), so
    every unit offering the card shows it from the next request."""
    service = StandardService.objects.select_for_update().get(pk=version.service_id)
    version.refresh_from_db(fields=["status"])
    if version.status not in OPEN_STATUSES:
        raise CatalogueError(_("Version %(number)d is not a draft any more.") % {"number": version.number})
    if service.published_id:
        previous = service.published
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    version.status, version.published_at, version.published_by = VersionStatus.PUBLISHED, timezone.now(), by
    version.save(update_fields=["status", "published_at", "published_by"])
    version_index(version=version)
    service.published = version
    service.save(update_fields=["published"])
    return version


def service_open_version(service: StandardService) -> StandardServiceVersion | None:
    """The card's one version being worked on (a draft or in review), if any."""
    return service.versions.filter(status__in=OPEN_STATUSES).first()


@transaction.atomic
def service_create(*, slug: str, changes: dict, categories, life_events, by: str) -> StandardServiceVersion:
    """A new card of the catalogue: its first version, a draft that nobody sees until it is published."""
    if StandardService.objects.filter(slug=slug).exists():
        raise CatalogueError(_("A card with the address %(slug)s exists already.") % {"slug": slug})
    service = StandardService.objects.create(slug=slug)
    draft = service_draft_create(
        service=service, changes=changes, categories=categories, life_events=life_events, by=by
    )
    version_index(version=draft)
    return draft


@transaction.atomic
def service_draft_save(
    *, service: StandardService, changes: dict, categories, life_events, by: str
) -> tuple[StandardServiceVersion, bool]:
    """Write `changes` into the card's open draft, making one (a copy of the published card) when there is
    none; returns (draft, created). A version in review is not edited: the reviewer returns it first."""
    StandardService.objects.select_for_update().get(pk=service.pk)  # one open version, even with two editors
    draft = service_open_version(service)
    if draft is not None and draft.status == VersionStatus.IN_REVIEW:
        raise CatalogueError(
            _("Version %(number)d is in review and cannot be edited; return it to draft first.")
            % {"number": draft.number}
        )
    if draft is None:
        draft = service_draft_create(
            service=service, changes=changes, categories=categories, life_events=life_events, by=by
        )
        version_index(version=draft)
        return draft, True
    for field, value in changes.items():
        setattr(draft, field, value)
    draft.full_clean()
    draft.save()
    draft.categories.set(categories)
    draft.life_events.set(life_events)
    version_index(version=draft)  # the console's search finds drafts too; units read only published versions
    return draft, False


def _open_version_locked(version: StandardServiceVersion, *expected: str) -> StandardServiceVersion:
    """`version` read afresh under a lock, if it is in one of the `expected` states; else CatalogueError."""
    locked = StandardServiceVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status not in expected:
        raise CatalogueError(
            _("Version %(number)d is %(status)s; nothing was changed.")
            % {"number": locked.number, "status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def service_draft_submit(*, version: StandardServiceVersion, by: str) -> StandardServiceVersion:
    """Send a draft for review: from now it is read, not edited."""
    draft = _open_version_locked(version, VersionStatus.DRAFT)
    draft.status, draft.submitted_by, draft.submitted_at = VersionStatus.IN_REVIEW, by, timezone.now()
    draft.save(update_fields=["status", "submitted_by", "submitted_at"])
    return draft


@transaction.atomic
def service_review_return(*, version: StandardServiceVersion) -> StandardServiceVersion:
    """The reviewer sends a version back to be worked on (why is in the operators' audit log)."""
    reviewed = _open_version_locked(version, VersionStatus.IN_REVIEW)
    reviewed.status, reviewed.submitted_by, reviewed.submitted_at = VersionStatus.DRAFT, "", None
    reviewed.save(update_fields=["status", "submitted_by", "submitted_at"])
    return reviewed


@transaction.atomic
def service_review_publish(*, version: StandardServiceVersion, by: str) -> StandardServiceVersion:
    """The reviewer publishes a version in review."""
    reviewed = _open_version_locked(version, VersionStatus.IN_REVIEW)
    return service_version_publish(version=reviewed, by=by)


@transaction.atomic
def service_draft_discard(*, version: StandardServiceVersion) -> StandardService | None:
    """Throw a draft away. A card that was never published, offered by nobody, goes with its only draft;
    returns the card when it stays."""
    draft = _open_version_locked(version, VersionStatus.DRAFT)
    service = StandardService.objects.select_for_update().get(pk=draft.service_id)
    draft.delete()
    if service.published_id is None and not service.versions.exists() and not service.offerings.exists():
        # Never published, so no unit adopted it: nothing in any unit's schema refers to it. Deleted without the
        # ORM's collector, which would look for adoptions in the public schema, where that table is not.
        StandardService.objects.filter(pk=service.pk)._raw_delete(using=service._state.db)
        return None
    return service


@transaction.atomic
def service_retire(*, service: StandardService, by: str, reason: str) -> StandardService:
    """Stop offering a card everywhere: residents see it as no longer offered and cannot apply for it; units
    keep their adoptions and cases, and the card keeps its versions (it can be offered again)."""
    reason = reason.strip()
    if not reason:
        raise CatalogueError(_("Say why the card is retired: units and residents are told."))
    service = StandardService.objects.select_for_update().get(pk=service.pk)
    if service.retired_at is not None:
        raise CatalogueError(_("The card is retired already."))
    service.retired_at, service.retired_by, service.retired_reason = timezone.now(), by, reason
    service.save(update_fields=["retired_at", "retired_by", "retired_reason"])
    return service


@transaction.atomic
def service_restore(*, service: StandardService) -> StandardService:
    """Offer a retired card again, in every unit that had adopted it."""
    service = StandardService.objects.select_for_update().get(pk=service.pk)
    if service.retired_at is None:
        raise CatalogueError(_("The card is not retired."))
    service.retired_at, service.retired_by, service.retired_reason = None, "", ""
    service.save(update_fields=["retired_at", "retired_by", "retired_reason"])
    return service


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
