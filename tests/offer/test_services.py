"""Units adopt the standard services of their kind and localise them without copying the standard text."""

import copy

import pytest
from django_tenants.utils import tenant_context

from onboarding.actors import Actor
from onboarding.services import unit_onboard
from shared_services.catalogue.services import standard_catalogue_load
from shared_services.offer.models import AdoptedService
from shared_services.offer.selectors import fee_grosze, offered_services
from shared_services.offer.services import offer_adopt_defaults
from tests.catalogue.test_services import CARD, SEED

pytestmark = pytest.mark.django_db
POWIAT_CARD = {
    **copy.deepcopy(CARD),
    "slug": "rejestracja-pojazdu",
    "name": "Rejestracja pojazdu",
    "unit_kinds": ["powiat", "miasto_na_prawach_powiatu"],
    "life_events": [],
}
TWO_LEVELS = {**SEED, "services": [CARD, POWIAT_CARD]}


@pytest.fixture
def catalogue():
    standard_catalogue_load(seed=TWO_LEVELS)


def names(unit):
    with tenant_context(unit):
        return [adopted.standard_service.published.name for adopted in offered_services()]


def test_onboarding_adopts_the_services_of_the_units_kind(catalogue):
    gmina, _ = unit_onboard(code="0415032", actor=Actor(label="test"))  # gmina wiejska Czernikowo
    powiat, _ = unit_onboard(code="0415", actor=Actor(label="test"))
    assert names(gmina) == ["Zameldowanie na pobyt stały"]
    assert names(powiat) == ["Rejestracja pojazdu"]


def test_adoption_follows_the_kinds_each_card_lists_and_is_idempotent(catalogue, unit_a):
    with tenant_context(unit_a):
        # Toruń is a city with powiat rights: the test registration card lists that kind, the other does not.
        assert offer_adopt_defaults(unit_kind=unit_a.kind) == 1
        assert offer_adopt_defaults(unit_kind=unit_a.kind) == 0  # idempotent
    assert names(unit_a) == ["Rejestracja pojazdu"]


def test_local_details_stay_local_and_improvements_of_the_standard_reach_the_unit(catalogue, unit_a, unit_b):
    for unit in (unit_a, unit_b):
        with tenant_context(unit):
            offer_adopt_defaults(unit_kind="gmina_wiejska")
    with tenant_context(unit_a):
        AdoptedService.objects.update(fee_override_grosze=500, room="pokój 12")
    improved = copy.deepcopy(TWO_LEVELS)
    improved["services"][0]["name"] = "Zameldowanie na pobyt stały (zgłoszenie)"
    standard_catalogue_load(seed=improved)
    with tenant_context(unit_a):
        [adopted] = offered_services()
        assert (adopted.standard_service.published.name, fee_grosze(adopted), adopted.room) == (
            "Zameldowanie na pobyt stały (zgłoszenie)",
            500,
            "pokój 12",
        )
    with tenant_context(unit_b):  # another unit: the standard fee, none of Toruń's local details
        [adopted] = offered_services()
        assert (fee_grosze(adopted), adopted.room) == (0, "")


def test_a_disabled_service_is_not_offered(catalogue, unit_b):
    with tenant_context(unit_b):
        offer_adopt_defaults(unit_kind="gmina_wiejska")
        AdoptedService.objects.update(enabled=False)
        assert list(offered_services()) == []


def test_references_to_missing_catalogue_rows_are_refused_when_written(catalogue, unit_a):
    from platform_core.public_references import MissingPublicRow
    from shared_services.catalogue.models import StandardService, UnitTermUse
    from shared_services.offer.models import UnitService
    from shared_services.offer.services import offer_adopt, unit_service_save

    with tenant_context(unit_a):
        with pytest.raises(MissingPublicRow, match=r"catalogue\.StandardService"):
            offer_adopt(standard_service=StandardService(pk=987654321, slug="nie-ma"))
        with pytest.raises(MissingPublicRow, match=r"catalogue\.LifeEvent with nie-ma"):
            unit_service_save(
                service=UnitService(slug="sala", name="Sala", short_description="Sala."),
                life_event_slugs=["przeprowadzka", "nie-ma"],
            )
        with pytest.raises(MissingPublicRow, match=r"catalogue\.StandardForm"):
            unit_service_save(
                service=UnitService(slug="sala", name="Sala", short_description="Sala.", standard_form_id=9)
            )
        assert not AdoptedService.objects.filter(standard_service_id=987654321).exists()
        assert not UnitService.objects.exists()
        service = unit_service_save(
            service=UnitService(slug="sala", name="Sala", short_description="Sala."),
            category_slugs=["sprawy-obywatelskie"],
            life_event_slugs=["przeprowadzka"],
        )
    uses = UnitTermUse.objects.filter(unit=unit_a, unit_service_id=service.pk)
    assert sorted(uses.values_list("kind", "slug")) == [
        ("category", "sprawy-obywatelskie"),
        ("life_event", "przeprowadzka"),
    ]
    with tenant_context(unit_a):
        unit_service_save(service=service, life_event_slugs=[])
    assert list(uses.values_list("kind", flat=True)) == ["category"]
