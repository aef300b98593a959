"""The API's lists accept exactly what their OpenAPI document says of their query parameters (issue 15, item 5):
each parameter alone, pages included, checked in one place, and nothing the document does not allow — an empty
value, a number written otherwise than as JSON writes one, a page size out of range — is taken for a default."""

from urllib.parse import quote

import pytest
from django_tenants.utils import tenant_context

from tests.inbox.test_api import api, issue
from tests.support.cases import YEAR, cases_filed
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(unit_a):
    with tenant_context(unit_a):
        cases_filed(3)
    return issue(unit_a)[1]


def numbers(client, query, secret):
    response = api(client, f"register/?{query}", secret)
    assert response.status_code == 200, response.content
    return [entry["number"] for entry in response.json()["results"]]


def test_since_number_alone_is_a_number_within_each_years_register(client, secret):
    assert numbers(client, "since_number=0", secret) == [1, 2, 3]
    assert numbers(client, "since_number=2", secret) == [3]
    assert numbers(client, f"year={YEAR}&since_number=1", secret) == [2, 3]
    assert numbers(client, f"year={YEAR - 1}&since_number=0", secret) == []


def test_a_page_is_what_limit_and_offset_say(client, secret):
    assert numbers(client, "limit=1", secret) == [1]
    assert numbers(client, "limit=2&offset=1", secret) == [2, 3]
    assert numbers(client, "offset=3", secret) == []
    assert numbers(client, f"limit=500&offset={2**31 - 1}", secret) == []


@pytest.mark.parametrize(
    "query",
    [
        "limit=-1",
        "limit=0",
        "limit=501",
        "limit=",
        "limit=1.0",
        "offset=false",
        "offset=-1",
        "offset=",
        f"offset={2**31}",
        "year=",
        "year=2026.0",
        "year=%202026",
        "year=%2B2026",
        "year=%C2%B2",
        "year=1899",
        "since_number=",
        "since_number=-1",
        "since_number=1e3",
        f"since_number={2**31}",
        "since_number=99999999999999999999999",
    ],
)
def test_a_register_parameter_the_document_does_not_allow_is_refused(client, secret, query):
    response = api(client, f"register/?{query}", secret)
    name = query.split("=")[0]
    assert response.status_code == 400 and name in response.json(), response.content


@pytest.mark.parametrize(
    "query",
    [
        "updated_since=",
        "updated_since=yesterday",
        f"updated_since={quote('9999-12-31T23:59:59-23:00')}",
        f"updated_since={quote('0001-01-01T00:00:00+14:00')}",
        "status=",
        "status=lost",
        "limit=-5",
        "offset=true",
    ],
)
def test_a_case_parameter_the_document_does_not_allow_is_refused(client, secret, query):
    response = api(client, f"cases/?{query}", secret)
    name = query.split("=")[0]
    assert response.status_code == 400 and name in response.json(), response.content


def test_the_document_describes_each_parameter_as_it_is_checked(client, unit_a):
    document = client.get("/api/v1/schema/?format=json", HTTP_HOST=TORUN).json()

    def parameters(path):
        listed = document["paths"][path]["get"]["parameters"]
        assert len({parameter["name"] for parameter in listed}) == len(listed)  # each once
        return {parameter["name"]: parameter["schema"] for parameter in listed}

    register, cases = parameters("/api/v1/register/"), parameters("/api/v1/cases/")
    page = {
        "limit": {"type": "integer", "minimum": 1, "maximum": 500},
        "offset": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    }
    assert register == {
        **page,
        "year": {"type": "integer", "minimum": 1900, "maximum": 9999},
        "since_number": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    }
    assert {name: cases[name] for name in page} == page
    assert cases["updated_since"] == {"type": "string", "format": "date-time"}
    assert set(cases["status"]["enum"]) == {"new", "in_progress", "awaiting_resident", "closed"}
    since_number = next(
        p for p in document["paths"]["/api/v1/register/"]["get"]["parameters"] if p["name"] == "since_number"
    )
    assert "needs `year`" not in since_number["description"]
