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
    seed_read,
    service_draft_create,
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
