"""The inbox's REST API (`/api/v1/`) against its own OpenAPI document, with requests schemathesis generates from
it (issue 15, item 5): every operation gets valid and invalid path and query parameters, other methods and
missing or wrong tokens, and each answer must be no 5xx, a status code the document lists, and a body its schema
allows. What is generated: schemathesis's phases (the document's boundary values, then up to MAX_EXAMPLES
examples per operation from Hypothesis, derandomized so every run sends the same requests). Bound: 7 operations,
about 80 requests each, a few seconds in all.

The document is the one the unit's subdomain serves (checked first); the requests reach the platform through its
WSGI application in this process, on Toruń's host, inside the test's transaction. Query parameters the document
does not name are left out of the generated requests: the API ignores them, as HTTP clients expect (a cache
buster must not break a call).
"""

import json

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import translation
from django_tenants.utils import tenant_context
from drf_spectacular.generators import SchemaGenerator

from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.services import unit_form_save
from shared_services.identity.access import StaffRole
from shared_services.inbox.api.services import api_token_issue
from shared_services.inbox.case_services import case_write
from shared_services.inbox.models import Case, CaseNote, RegisterEntry
from shared_services.inbox.services import application_receive
from tests.support.accounts import staff_account
from tests.support.cases import cases_filed
from tests.support.generated_input import bounded
from tests.support.letters import PDF, TORUN

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 30
BASE_URL = f"http://{TORUN}"
# Any client address: the WSGI server sets one, which the abuse limits count by.
CLIENT = {"REMOTE_ADDR": "203.0.113.7"}

# Made here rather than fetched, because the operations are collected before any database exists;
# test_the_document_tested_is_the_one_served shows the two are the same.
with translation.override("en"):
    DOCUMENT = SchemaGenerator(urlconf="platform_core.urls_tenant").get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = WSGIHandler()
schema.config.update(base_url=BASE_URL)
schema.config.generation.update(allow_extra_parameters=False, deterministic=True)


@pytest.fixture
def in_process():
    """Requests answered by the WSGI application on the test's own database connection, as Django's test client
    does: the signals that would close it around each request are disconnected meanwhile."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(unit_a, settings):
    """A token with both scopes on Toruń, which has three register entries with cases and an application filed
    through intake (its receipt, its document and an attachment), whose case has a note. The generated calls
    without a valid token must not use up the limit on wrong tokens, which would turn the rest into 429s."""
    settings.RATE_LIMITS = {"api-token:ip": "100000/h", "api-token:unit": "100000/h"}
    admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
    with tenant_context(unit_a):
        entry = _application_filed()  # number 1, by intake's counter; cases_filed sets numbers as told
        cases_filed(3, first_number=2)
        case_write(user=admin, case=entry.case, kind=CaseNote.Kind.NOTE, text="Notatka.")
        _token, secret = api_token_issue(name="EZD", scopes=["register:read", "cases:read"])
    return secret


def _application_filed():
    version = unit_form_save(
        unit_form=None,
        name="Wniosek z załącznikiem",
        slug="wniosek-z-zalacznikiem",
        json_schema={
            "type": "object",
            "properties": {
                "imie": {"type": "string", "title": "Imię", "maxLength": 100},
                "skan": {"type": "string", "title": "Skan", "x-attachment": {"mediaTypes": ["application/pdf"]}},
            },
        },
        layout={},
    )
    form = ApplicationForm({"imie": "Anna"}, {"skan": SimpleUploadedFile("skan.pdf", PDF)}, definition=version)
    assert form.is_valid(), form.errors
    entry, _code = application_receive(form=form, service_key="own:wniosek", service_name="Wniosek")
    return entry


def call(case, token):
    return case.call_and_validate(
        base_url=BASE_URL, headers={"Authorization": f"Bearer {token}"}, environ_overrides=CLIENT
    )


def test_the_document_tested_is_the_one_served(client, unit_a):
    served = client.get("/api/v1/schema/?format=json", HTTP_HOST=TORUN)
    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(DOCUMENT))


@schema.parametrize()
@bounded(MAX_EXAMPLES)
@pytest.mark.usefixtures("in_process")
def test_every_generated_call_is_answered_as_documented(case, token):
    call(case, token)


@pytest.mark.usefixtures("in_process")
def test_the_entries_and_cases_that_exist_are_answered_as_documented(token, unit_a):
    """The generated numbers rarely name an entry that exists: each of the unit's is asked for by name."""
    with tenant_context(unit_a):
        entries = list(RegisterEntry.objects.values_list("year", "number"))
        attachments = list(
            RegisterEntry.objects.filter(submission__attachments__isnull=False).values_list(
                "year", "number", "submission__attachments__pk"
            )
        )
        cases = list(Case.objects.values_list("pk", flat=True))
    assert len(entries) == 4 and len(attachments) == 1 and len(cases) == 4
    asked = [
        *(
            (path, {"year": year, "number": number})
            for year, number in entries
            for path in (
                "/api/v1/register/{year}/{number}/",
                "/api/v1/register/{year}/{number}/upo.xml",
                "/api/v1/register/{year}/{number}/wniosek.json",
            )
        ),
        *(
            (
                "/api/v1/register/{year}/{number}/attachments/{attachment_id}",
                {"year": y, "number": n, "attachment_id": a},
            )
            for y, n, a in attachments
        ),
        *(("/api/v1/cases/{id}/", {"id": pk}) for pk in cases),
    ]
    statuses = [
        call(schema[path]["GET"].Case(path_parameters=parameters), token).status_code for path, parameters in asked
    ]
    # Each entry and case is found; only the three entries made without intake have no receipt or document.
    assert statuses.count(200) == len(asked) - 6 and statuses.count(404) == 6
