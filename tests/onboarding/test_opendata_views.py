"""The operators' regional view of open data (konsola/wskazniki/rejestry/): which units publish which registers
and how fresh, from the public mirror in a fixed number of queries; a CSV download; refused to anybody else."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from shared_services.identity.access import StaffRole
from tests.registers.test_opendata_catalogues import listing, registry_unit
from tests.support.accounts import signed_in, staff_account

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "localhost"}
PAGE, EXPORT = "/konsola/wskazniki/rejestry/", "/konsola/wskazniki/rejestry/eksport/"


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_user(
        "kc:5b9f0f7e-0000-4000-8000-00000000017c", "operator.rejestry@woj.example", is_staff=True
    )
    signed_in(client, None, user)
    return user


@pytest.fixture
def published(unit_a, unit_b):
    listing(unit_a, 1, "uchwaly-rady", records=12, published_at=timezone.now() - datetime.timedelta(days=3))
    listing(unit_a, 2, "przystanki", records=0, published_at=timezone.now() - datetime.timedelta(days=90))


def test_the_operator_sees_each_units_registers_and_their_freshness(client, operator, published):
    response = client.get(PAGE, **PORTAL)

    assert response.status_code == 200
    rows = [(row.unit_code, row.register_slug, row.record_count, age) for row, age in response.context["rows"]]
    assert rows == [("0463011", "przystanki", 0, 90), ("0463011", "uchwaly-rady", 12, 3)]
    units = {unit["code"]: unit["registers"] for unit in response.context["units"]}
    assert units == {"0463011": 1, "0415042": 0}  # Lubicz publishes nothing; an empty register does not count
    assert response.context["publishing"] == 1


def test_the_page_is_linked_from_the_usage_indicators(client, operator, published):
    assert PAGE in client.get("/konsola/wskazniki/", **PORTAL).content.decode()


def test_the_download_has_a_row_per_register(client, operator, published):
    response = client.get(EXPORT, **PORTAL)

    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3
    assert lines[2].startswith("0463011;Miasto Toruń;Rejestr uchwaly-rady;uchwaly-rady;12;")
    assert lines[2].endswith(";3;CC BY 4.0")


def test_the_page_costs_the_same_queries_with_more_units(client, operator, published, django_assert_num_queries):
    client.get(PAGE, **PORTAL)
    # search path, session, user; the listings with units and licences; the units with their counts
    with django_assert_num_queries(5):
        assert client.get(PAGE, **PORTAL).status_code == 200
    for n in range(15):
        unit = registry_unit(f"04150{n + 10:02d}")
        listing(unit, 1, "dotacje", theme="ECON")
    with django_assert_num_queries(5):
        response = client.get(PAGE, **PORTAL)
    assert len(response.context["rows"]) == 17


def test_only_operators_see_it(client, unit_a, published):
    assert client.get(PAGE, **PORTAL).status_code == 302  # sign in first
    signed_in(client, None, get_user_model().objects.create_user("mieszkanka", password="x"))
    assert client.get(PAGE, **PORTAL).status_code == 403
    assert client.get(EXPORT, **PORTAL).status_code == 403
    clerk = staff_account(unit_a, "urzednik", StaffRole.UNIT_ADMIN)
    signed_in(client, unit_a, clerk)
    assert client.get(PAGE, **PORTAL).status_code in (302, 403)
    assert client.get(EXPORT, **PORTAL).status_code in (302, 403)
