"""The office's screens for the unit's offer: fees are typed in złoty and kept in grosze."""

import pytest
from django_tenants.utils import tenant_context

from shared_services.catalogue.services import standard_catalogue_load
from shared_services.identity.access import StaffRole
from shared_services.offer.models import AdoptedService, UnitService
from shared_services.offer.services import offer_adopt_defaults
from tests.catalogue.test_services import CARD, SEED
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db
ADOPTED_URL = f"/urzad/uslugi/{CARD['slug']}/"
LOCAL_DETAILS = {"enabled": "on", "department": "", "room": "", "office_hours": "", "contact": "", "local_notes": ""}
OWN_SERVICE = {"name": "Wynajem sali wiejskiej", "slug": "wynajem-sali", "enabled": "on", "short_description": "Sala."}


@pytest.fixture
def administrator(client, unit_a):
    standard_catalogue_load(seed=SEED)
    with tenant_context(unit_a):
        offer_adopt_defaults(unit_kind="gmina_wiejska")
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))


def adopted_fee(unit):
    with tenant_context(unit):
        return AdoptedService.objects.get().fee_override_grosze


@pytest.mark.parametrize("typed,grosze", [("17", 1700), ("17,50", 1750), ("17.50", 1750), ("1 234,50", 123450)])
def test_a_local_fee_is_typed_in_zloty(administrator, client, unit_a, typed, grosze):
    response = client.post(ADOPTED_URL, {**LOCAL_DETAILS, "fee_override_grosze": typed}, HTTP_HOST=TORUN)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert adopted_fee(unit_a) == grosze


def test_the_local_fee_is_shown_in_zloty_for_editing_and_in_the_overview(administrator, client, unit_a):
    client.post(ADOPTED_URL, {**LOCAL_DETAILS, "fee_override_grosze": "17"}, HTTP_HOST=TORUN)
    page = client.get(ADOPTED_URL, HTTP_HOST=TORUN).content.decode()
    assert 'name="fee_override_grosze" value="17,00"' in page
    assert "Opłata lokalna (zł)" in page
    assert "17,00 zł" in client.get("/urzad/uslugi/", HTTP_HOST=TORUN).content.decode()


def test_an_empty_local_fee_means_the_standard_fee(administrator, client, unit_a):
    with tenant_context(unit_a):
        AdoptedService.objects.update(fee_override_grosze=500)
    client.post(ADOPTED_URL, {**LOCAL_DETAILS, "fee_override_grosze": ""}, HTTP_HOST=TORUN)
    assert adopted_fee(unit_a) is None


@pytest.mark.parametrize(
    "typed,message",
    [
        ("-17", "Kwota nie może być ujemna."),
        ("17,505", "Podaj kwotę w złotych z najwyżej dwoma miejscami po przecinku (grosze), np. 17,50."),
        ("17 zł 50 gr", "Podaj kwotę w złotych, np. 17 albo 17,50."),
        ("5000000", "Kwota jest za duża: najwyżej 1\u00a0000\u00a0000,00 zł."),
    ],
)
def test_a_wrong_local_fee_is_refused_in_polish(administrator, client, unit_a, typed, message):
    response = client.post(ADOPTED_URL, {**LOCAL_DETAILS, "fee_override_grosze": typed}, HTTP_HOST=TORUN)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert adopted_fee(unit_a) is None


def test_an_own_services_fee_is_typed_in_zloty(administrator, client, unit_a):
    response = client.post("/urzad/uslugi-wlasne/nowa/", {**OWN_SERVICE, "fee_grosze": "17,50"}, HTTP_HOST=TORUN)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(unit_a):
        assert UnitService.objects.get().fee_grosze == 1750
    page = client.get("/urzad/uslugi-wlasne/wynajem-sali/", HTTP_HOST=TORUN).content.decode()
    assert 'name="fee_grosze" value="17,50"' in page


def test_an_own_service_without_a_fee_is_free(administrator, client, unit_a):
    response = client.post("/urzad/uslugi-wlasne/nowa/", {**OWN_SERVICE, "fee_grosze": ""}, HTTP_HOST=TORUN)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(unit_a):
        assert UnitService.objects.get().fee_grosze == 0


def test_an_own_services_terms_are_kept_by_slug_and_shown_on_its_card(administrator, client, unit_a):
    terms = {"categories": ["sprawy-obywatelskie"], "life_events": ["przeprowadzka"]}
    response = client.post("/urzad/uslugi-wlasne/nowa/", {**OWN_SERVICE, **terms}, HTTP_HOST=TORUN)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(unit_a):
        service = UnitService.objects.get()
        assert (service.category_slugs, service.life_event_slugs) == (["sprawy-obywatelskie"], ["przeprowadzka"])
    page = client.get("/urzad/uslugi-wlasne/wynajem-sali/", HTTP_HOST=TORUN).content.decode()
    assert 'value="sprawy-obywatelskie" checked' in page.replace(' id="id_categories_0"', "")
    card = client.get("/uslugi-lokalne/wynajem-sali/", HTTP_HOST=TORUN).content.decode()
    assert 'href="/kategorie/sprawy-obywatelskie/"' in card


def test_an_own_service_naming_an_unknown_term_is_refused(administrator, client, unit_a):
    response = client.post(
        "/urzad/uslugi-wlasne/nowa/", {**OWN_SERVICE, "categories": ["nie-ma-takiej"]}, HTTP_HOST=TORUN
    )
    assert response.status_code == 200
    assert "nie-ma-takiej" in response.content.decode()  # Django's "not one of the available choices"
    with tenant_context(unit_a):
        assert not UnitService.objects.exists()
