"""The regional standard catalogue: versioned service cards, loaded from the seed file."""

import copy

import pytest
from django.db import IntegrityError, transaction

from shared_services.catalogue.models import (
    StandardService,
    StandardServiceVersion,
    VersionNotEditable,
    VersionStatus,
)
from shared_services.catalogue.services import (
    CatalogueError,
    seed_read,
    service_create,
    service_draft_create,
    service_draft_discard,
    service_draft_save,
    service_draft_submit,
    service_restore,
    service_retire,
    service_review_publish,
    service_review_return,
    service_version_publish,
    standard_catalogue_load,
)
from tenants.models import UnitKind

pytestmark = pytest.mark.django_db

CARD = {
    "slug": "zameldowanie-na-pobyt-staly",
    "name": "Zameldowanie na pobyt stały",
    "name_en": "Registration of permanent residence",
    "short_description": "Zgłoszenie miejsca stałego pobytu.",
    "description": "Opis.",
    "who_may_apply": "Osoba meldująca się.",
    "legal_basis": ["Ustawa z dnia 24 września 2010 r. o ewidencji ludności"],
    "required_documents": ["Formularz zgłoszenia pobytu stałego"],
    "fee": {"amount_grosze": 0, "kind": "none", "description": "", "exemptions": ""},
    "deadline": {"days": None, "description": "Niezwłocznie."},
    "appeal": "Nie przysługuje.",
    "where_to_file": "Urząd gminy.",
    "jrwa": "5350",
    "maturity_level": 3,
    "categories": ["sprawy-obywatelskie"],
    "life_events": ["przeprowadzka"],
    "unit_kinds": ["gmina_miejska", "gmina_wiejska"],
    "keywords": ["meldunek"],
}
SEED = {
    "categories": [{"slug": "sprawy-obywatelskie", "name": "Sprawy obywatelskie", "name_en": "Civil matters"}],
    "life_events": [{"slug": "przeprowadzka", "name": "Przeprowadzka", "name_en": "Moving house"}],
    "services": [CARD],
}


def test_loading_creates_a_published_first_version_and_is_idempotent():
    assert standard_catalogue_load(seed=SEED) == {"created": 1, "updated": 0, "unchanged": 0}
    service = StandardService.objects.get(slug=CARD["slug"])
    assert (service.published.number, service.published.status) == (1, VersionStatus.PUBLISHED)
    assert list(service.published.life_events.values_list("slug", flat=True)) == ["przeprowadzka"]
    assert standard_catalogue_load(seed=SEED) == {"created": 0, "updated": 0, "unchanged": 1}
    assert service.versions.count() == 1


def test_a_changed_card_becomes_a_new_version_and_the_old_one_stays_as_it_was():
    standard_catalogue_load(seed=SEED)
    changed = copy.deepcopy(SEED)
    changed["services"][0]["fee"] = {
        "amount_grosze": 1700,
        "kind": "oplata_skarbowa",
        "description": "Za zaświadczenie.",
        "exemptions": "",
    }
    assert standard_catalogue_load(seed=changed)["updated"] == 1
    service = StandardService.objects.get(slug=CARD["slug"])
    first, second = service.versions.order_by("number")
    assert service.published == second and second.fee_grosze == 1700
    assert first.status == VersionStatus.SUPERSEDED and first.fee_grosze == 0


def test_published_versions_cannot_be_edited():
    standard_catalogue_load(seed=SEED)
    published = StandardServiceVersion.objects.get()
    published.name = "Inna nazwa"
    with pytest.raises(VersionNotEditable):
        published.save()
    assert StandardServiceVersion.objects.get().name == CARD["name"]


def test_a_draft_starts_from_the_published_card_and_only_one_draft_exists():
    standard_catalogue_load(seed=SEED)
    service = StandardService.objects.get()
    draft = service_draft_create(service=service)
    assert (draft.number, draft.status, draft.name) == (2, VersionStatus.DRAFT, CARD["name"])
    assert list(draft.categories.values_list("slug", flat=True)) == ["sprawy-obywatelskie"]
    draft.name = "Zameldowanie na pobyt stały (nowa wersja)"
    draft.save()  # drafts are editable
    with pytest.raises(IntegrityError), transaction.atomic():
        StandardServiceVersion.objects.create(service=service, number=3, status=VersionStatus.DRAFT, maturity_level=1)
    service_version_publish(version=draft)
    service.refresh_from_db()
    assert service.published.name.endswith("(nowa wersja)")


def test_the_seed_catalogue_is_complete_and_consistent():
    seed = seed_read()
    assert len(seed["services"]) >= 40
    counts = standard_catalogue_load(seed=seed)
    assert counts["created"] == len(seed["services"])
    kinds = set(UnitKind.values)
    for card in seed["services"]:
        assert set(card["unit_kinds"]) <= kinds and card["unit_kinds"], card["slug"]
        assert card["fee"]["amount_grosze"] >= 0 and card["legal_basis"], card["slug"]
    offered_by = {kind: StandardServiceVersion.objects.filter(unit_kinds__contains=[kind]).count() for kind in kinds}
    assert offered_by["gmina_wiejska"] >= 20 and offered_by["powiat"] >= 5 and offered_by["wojewodztwo"] >= 1


# --- The operators' flow: draft → review → publish, discarding, retiring ------------------------------------


def _loaded() -> StandardService:
    standard_catalogue_load(seed=SEED)
    return StandardService.objects.select_related("published").get()


def _terms(service):
    return {"categories": service.published.categories.all(), "life_events": service.published.life_events.all()}


def test_a_draft_is_saved_in_the_one_open_version_and_published_only_from_review():
    service = _loaded()
    draft, created = service_draft_save(
        service=service, changes={"name": "Zameldowanie (v2)"}, **_terms(service), by="anna@woj.example"
    )
    assert created and (draft.number, draft.created_by) == (2, "anna@woj.example")
    again, created = service_draft_save(
        service=service, changes={"description": "Nowy opis."}, **_terms(service), by="jan@woj.example"
    )
    assert not created and again.pk == draft.pk and again.name == "Zameldowanie (v2)"
    with pytest.raises(CatalogueError):
        service_review_publish(version=again, by="x")  # a draft is sent for review first

    submitted = service_draft_submit(version=again, by="anna@woj.example")
    assert submitted.status == VersionStatus.IN_REVIEW and submitted.submitted_at is not None
    with pytest.raises(CatalogueError):  # in review, nobody edits it
        service_draft_save(service=service, changes={"name": "X"}, **_terms(service), by="jan@woj.example")
    with pytest.raises(CatalogueError):
        service_draft_submit(version=submitted, by="anna@woj.example")

    published = service_review_publish(version=submitted, by="ewa@woj.example")
    service.refresh_from_db()
    assert service.published == published and published.published_by == "ewa@woj.example"
    assert published.search_words.startswith("zameldowanie (v2)")  # indexed for search on publishing
    first = service.versions.get(number=1)
    assert first.status == VersionStatus.SUPERSEDED and first.name == CARD["name"]
    published.name = "Zmiana po publikacji"
    with pytest.raises(VersionNotEditable):
        published.save()
    with pytest.raises(CatalogueError):  # publishing twice is refused, not a second publication
        service_version_publish(version=published, by="ewa@woj.example")


def test_a_returned_version_is_a_draft_again_and_a_discarded_one_is_gone():
    service = _loaded()
    draft, _ = service_draft_save(service=service, changes={"name": "Nowa"}, **_terms(service), by="a")
    service_draft_submit(version=draft, by="a")
    returned = service_review_return(version=draft)
    assert returned.status == VersionStatus.DRAFT and returned.submitted_by == "" and returned.submitted_at is None
    assert service_draft_discard(version=returned) == service
    assert list(service.versions.values_list("number", flat=True)) == [1]
    # The next draft takes the next number after the highest kept.
    draft, _ = service_draft_save(service=service, changes={}, **_terms(service), by="a")
    assert draft.number == 2


def test_a_new_card_is_a_draft_and_discarding_it_removes_the_card():
    service = _loaded()
    draft = service_create(
        slug="nowa-usluga", changes={**_version_of(service), "name": "Nowa usługa"}, **_terms(service), by="a"
    )
    draft.refresh_from_db()
    assert draft.service.published is None and draft.number == 1 and draft.search_words == "nowa usluga meldunek"
    with pytest.raises(CatalogueError):
        service_create(slug="nowa-usluga", changes=_version_of(service), **_terms(service), by="a")
    assert service_draft_discard(version=draft) is None
    assert not StandardService.objects.filter(slug="nowa-usluga").exists()


def _version_of(service) -> dict:
    from shared_services.catalogue.services import _VERSION_FIELDS

    return {field: getattr(service.published, field) for field in _VERSION_FIELDS}


def test_retiring_needs_a_reason_and_restoring_clears_it():
    service = _loaded()
    with pytest.raises(CatalogueError):
        service_retire(service=service, by="a", reason="  ")
    retired = service_retire(service=service, by="anna@woj.example", reason="Przeniesiona do gov.pl.")
    assert retired.retired_at is not None and retired.retired_by == "anna@woj.example"
    with pytest.raises(CatalogueError):
        service_retire(service=service, by="a", reason="Znowu.")
    restored = service_restore(service=service)
    assert (restored.retired_at, restored.retired_by, restored.retired_reason) == (None, "", "")
    with pytest.raises(CatalogueError):
        service_restore(service=service)
