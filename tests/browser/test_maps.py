"""Maps in a real browser: a resident picks a place on the map of a form's location field (a click sets a point)
and types a parcel identifier, files, and the office finds the case on its map of cases and by the parcel filter;
axe-core finds no WCAG 2.1 AA violation on any page with a map, and no page breaks the Content-Security-Policy
(the vendored Leaflet styles elements through the DOM, which the policy allows, never inline).

No basemap is configured in the tests: the maps draw the unit's outline and the places on a plain background."""

import psycopg2
import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from shared_services.branding.services import branding_update
from shared_services.eforms.locations import location_field_schema
from shared_services.eforms.services import unit_form_save
from shared_services.offer.models import UnitService
from shared_services.offer.services import unit_service_save
from shared_services.places.models import Place, Resolution
from shared_services.places.services import place_resolve
from tenants.models import Tenant
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.cases import cases_remove
from tests.support.places import dev_uldk, dev_uldk_server  # noqa: F401 (fixtures)
from tests.support.processes import database_url_of

pytestmark = pytest.mark.browser

PARCEL = "046301_1.0012.123/4"  # a parcel of the development parcel service, by Toruń's old town market
FORM_URL = "/uslugi-lokalne/wycinka-mapy/wniosek/"
SCHEMA = {
    "type": "object",
    "title": "Zezwolenie na usunięcie drzewa",
    "properties": {
        "miejsca": location_field_schema("Działki, na których rośnie drzewo", max_places=3),
        "email": {"type": "string", "format": "email", "title": "Adres e-mail", "maxLength": 254},
    },
    "required": ["miejsca", "email"],
    "additionalProperties": False,
}
SERVICE_POINTS = "Biuro Obsługi Mieszkańców; ul. Wały gen. Sikorskiego 8, 87-100 Toruń; 53.0107, 18.6053"


@pytest.fixture(scope="module")
def tree_service(committed_catalogue, django_db_blocker):
    """Toruń's own service with a location field, and its service points, committed for the server."""
    unit = Tenant.objects.get(code=UNIT_A["code"])
    with django_db_blocker.unblock():
        with tenant_context(unit):
            version = unit_form_save(unit_form=None, name="Wycinka", slug="wycinka-mapy", json_schema=SCHEMA, layout={})
            service = unit_service_save(
                service=UnitService(
                    slug="wycinka-mapy",
                    name="Zezwolenie na usunięcie drzewa",
                    short_description="Wycinka drzewa lub krzewu.",
                    unit_form=version.form,
                )
            )
            branding_update(service_points=SERVICE_POINTS)
        connection.set_schema_to_public()
        try:
            yield unit
        finally:
            with tenant_context(unit):
                cases_remove()
                UnitService.objects.filter(pk=service.pk).delete()
                branding_update(service_points="")
            connection.set_schema_to_public()


class _Undone(Exception):
    pass


RESOLVED_COLUMNS = ("status", "resolved_label", "lat", "lon", "min_lat", "min_lon", "max_lat", "max_lon", "outline_wkt")


def parcel_resolved_for_the_server(unit) -> tuple[dict, int]:
    """Resolve the filed parcel through the development parcel service and commit what it found for the server.
    The test's own connection is inside its transaction, so the lookup runs there in a savepoint that is undone
    (releasing the row), and its columns are written on a connection of their own."""
    with tenant_context(unit):
        place = Place.objects.get(identifier=PARCEL)
        try:
            with transaction.atomic():
                place_resolve(place.pk)
                resolved = Place.objects.filter(pk=place.pk).values(*RESOLVED_COLUMNS).get()
                raise _Undone
        except _Undone:
            pass
    connection.set_schema_to_public()
    assignments = ", ".join(f"{column} = %s" for column in RESOLVED_COLUMNS)
    with psycopg2.connect(database_url_of(connection.settings_dict)) as database, database.cursor() as cursor:
        cursor.execute(f'SET search_path TO "{unit.schema_name}"')
        cursor.execute(
            f"UPDATE places_place SET {assignments} WHERE id = %s",
            [resolved[column] for column in RESOLVED_COLUMNS] + [place.pk],
        )
    database.close()
    return resolved, place.case_id


def map_drawn(browser, map_id: str):
    """The map element once Leaflet has drawn it (its container class) and shown it."""
    return wait_for(
        browser,
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, f"#{map_id}.leaflet-container")),
    )


def test_a_resident_picks_a_parcel_files_and_the_office_finds_it(
    browser,
    browser_server,
    tree_service,
    django_db_blocker,
    dev_uldk,  # noqa: F811
):
    home = browser_server.unit(UNIT_A["slug"])
    use_language(browser, home, "pl")
    browser.get(home)
    map_drawn(browser, "service-points-map")
    assert "ul. Wały gen. Sikorskiego 8" in browser.find_element(By.CLASS_NAME, "service-point-list").text
    check_page(browser)

    browser.get(browser_server.unit(UNIT_A["slug"], FORM_URL))
    picker = map_drawn(browser, "picker-miejsca")
    check_page(browser)
    picker.click()  # the middle of the map: a point goes into the first empty place
    latitude = browser.find_element(By.ID, "id_miejsca-0-lat")
    wait_for(browser, lambda driver: latitude.get_attribute("value"))
    longitude = browser.find_element(By.ID, "id_miejsca-0-lon").get_attribute("value")
    assert 52.9 < float(latitude.get_attribute("value")) < 53.1 and 18.4 < float(longitude) < 18.8  # in Toruń
    status = browser.find_element(By.ID, "picker-miejsca-status").text
    assert status.startswith("Ustawiono punkt w miejscu 1: 53.")  # announced to screen readers (role=status)
    # The resident changes their mind and types the parcel's identifier instead (no map needed for that).
    latitude.clear()
    browser.find_element(By.ID, "id_miejsca-0-lon").clear()
    browser.find_element(By.ID, "id_miejsca-0-parcel").send_keys(PARCEL)
    browser.find_element(By.ID, "id_email").send_keys("mieszkanka@example.pl")
    browser.find_element(By.NAME, "check_answers").click()
    send = wait_for(
        browser, expected_conditions.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Wyślij wniosek']"))
    )
    assert PARCEL in browser.find_element(By.TAG_NAME, "main").text
    send.click()
    wait_for(browser, expected_conditions.title_contains("Wniosek przyjęty"))

    # The parcel service answers: a worker does this after filing; here the test asks it as the worker would.
    place, case_id = parcel_resolved_for_the_server(tree_service)
    assert place["status"] == Resolution.RESOLVED and place["lat"] is not None

    office_map = browser_server.unit(UNIT_A["slug"], "/urzad/mapa/")
    browser.get(office_map)
    sign_in_at_provider(browser, "urzednik.journey")
    browser.get(office_map)
    map_drawn(browser, "case-map")
    assert browser.find_elements(By.CLASS_NAME, "case-map-list"), browser.find_element(By.TAG_NAME, "main").text
    table = browser.find_element(By.CLASS_NAME, "case-map-list")
    assert PARCEL in table.text
    check_page(browser)
    # The case's marker (alone: no other case is located) opens a popup linking to the case.
    marker = wait_for(
        browser, expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "#case-map .leaflet-marker-icon[alt]"))
    )
    marker.click()
    link = wait_for(
        browser, expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "#case-map .leaflet-popup a"))
    )
    assert link.get_attribute("href").endswith(f"/urzad/sprawy/{case_id}/")

    # By the parcel filter of the inbox; and the case page draws its parcel.
    field = browser.find_element(By.ID, "id_parcel")
    field.send_keys(PARCEL)
    field.submit()
    wait_for(browser, expected_conditions.url_contains("parcel="))
    assert PARCEL in browser.find_element(By.CLASS_NAME, "case-map-list").text
    browser.get(browser_server.unit(UNIT_A["slug"], f"/urzad/skrzynka/?parcel={PARCEL}"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.case-list tbody tr")
    assert len(rows) == 1
    browser.get(browser_server.unit(UNIT_A["slug"], f"/urzad/sprawy/{case_id}/"))
    map_drawn(browser, "case-places-map")
    assert browser.find_elements(By.CSS_SELECTOR, "#case-places-map path.leaflet-interactive")  # the outline
    check_page(browser)


def test_an_area_drawn_on_the_map_fills_the_filter(browser, browser_server, tree_service):
    office_map = browser_server.unit(UNIT_A["slug"], "/urzad/mapa/")
    use_language(browser, office_map, "en")
    browser.get(office_map)
    sign_in_at_provider(browser, "urzednik.journey")
    browser.get(office_map)
    element = map_drawn(browser, "case-map")
    check_page(browser, "en")
    browser.find_element(By.XPATH, "//button[normalize-space()='Use the visible area']").click()
    area = browser.find_element(By.ID, "id_area").get_attribute("value")
    south, west, north, east = (float(number) for number in area.split(","))
    assert south < north and west < east
    draw = browser.find_element(By.XPATH, "//button[normalize-space()='Draw an area']")
    draw.click()
    assert draw.get_attribute("aria-pressed") == "true"
    ActionChains(browser).move_to_element_with_offset(element, -60, -40).click_and_hold().move_by_offset(
        120, 80
    ).release().perform()
    drawn = browser.find_element(By.ID, "id_area").get_attribute("value")
    d_south, d_west, d_north, d_east = (float(number) for number in drawn.split(","))
    assert south < d_south < d_north < north and west < d_west < d_east < east  # a smaller box inside the view
    assert draw.get_attribute("aria-pressed") == "false"
