"""Pages are sent with `Cache-Control: no-store` (platform_core/middleware.py, NoStoreMiddleware): neither the
browser's cache of a shared computer nor a proxy keeps the form, the check page, the confirmation, a case, answers,
receipts, the account, the office or the API. Only what is the same for everybody says otherwise itself."""

import re
import uuid

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from shared_services.inbox.api.services import api_token_issue
from shared_services.inbox.models import EntryKind, RegisterEntry
from shared_services.inbox.outbox_worker import outbox_run
from tests.support.accounts import PLATFORM, local_account, signed_in
from tests.support.answers import case_awaiting_resident
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file
from tests.support.routes import named_routes

pytestmark = pytest.mark.django_db

# The same for everybody, and cached on purpose: they choose their own Cache-Control.
CACHED_FOR_EVERYBODY = {"favicon", "coat-of-arms", "unit-colours"}
# Open data (registers/opendata_views.py): public, kept but revalidated with their ETag each time.
CACHED_FOR_EVERYBODY |= {f"opendata-catalogue-{fmt}" for fmt in ("ttl", "jsonld", "rdf")}
CACHED_FOR_EVERYBODY |= {f"opendata-region-catalogue-{fmt}" for fmt in ("ttl", "jsonld", "rdf")}
CACHED_FOR_EVERYBODY |= {"opendata-feed", "opendata-feed-md5"}
# A value of each path converter that reverses: what it names need not exist (404 must not be cached either).
SAMPLE_VALUES = {"int": "1", "uuid": str(uuid.UUID(int=1)), "slug": "x", "str": "x", "path": "x"}


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


def routes(urlconf: str) -> dict[str, str]:
    """Every route of `urlconf` as a path with sample values: path → its URL name."""

    def sample(route: str) -> str:
        return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda match: SAMPLE_VALUES[match.group(1) or "str"], route)

    return {sample(route): name for route, name in named_routes(urlconf)}


def assert_no_store(response, what: str) -> None:
    assert "no-store" in response.get("Cache-Control", ""), f"{what}: Cache-Control {response.get('Cache-Control')!r}"


@pytest.mark.parametrize(
    "urlconf, host", [("platform_core.urls_tenant", TORUN), ("platform_core.urls_public", PLATFORM)]
)
def test_every_route_answers_no_store_unless_it_is_the_same_for_everybody(urlconf, host, unit_a):
    visitor = Client(raise_request_exception=False)
    for path, name in routes(urlconf).items():
        if name not in CACHED_FOR_EVERYBODY:
            response = visitor.get(path, HTTP_HOST=host)
            assert_no_store(response, f"GET {path} ({name}, {response.status_code})")


def test_pages_with_personal_data_are_sent_no_store(full_catalogue, unit_a):
    pages = []  # (what, response): each must be the page itself, and not stored

    filer = Client()  # an anonymous filer: the form with her answers, the check page, what she filed
    filer.post(FORM_URL, LETTER, HTTP_HOST=TORUN)
    pages += [
        ("form", filer.get(FORM_URL, HTTP_HOST=TORUN)),
        ("check", filer.get(f"{FORM_URL}sprawdz/", HTTP_HOST=TORUN)),
    ]
    confirmation = application_file(filer, FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"]
    with tenant_context(unit_a):
        outbox_run()  # the receipt's PDF
    for what, suffix in [
        ("confirmation", ""),
        ("my case", "sprawa/"),
        ("receipt", "upo.xml"),
        ("receipt PDF", "upo.pdf"),
    ]:
        pages.append((what, filer.get(confirmation + suffix, HTTP_HOST=TORUN)))
    pages.append(("application", filer.get(f"{confirmation}wniosek.json", HTTP_HOST=TORUN)))

    awaiting = case_awaiting_resident(unit_a)  # a case opened with its access code, and answered
    follower = Client()
    pages.append(("case by access code", follower.post("/sprawa/", {"code": awaiting.access_code}, HTTP_HOST=TORUN)))
    answer_form = f"/wnioski/{awaiting.reference}/sprawa/odpowiedz/"
    pages.append(("answer form", follower.get(answer_form, HTTP_HOST=TORUN)))
    document_id = uuid.uuid4()
    follower.post(answer_form, {"text": "Przesyłam.", "document_id": str(document_id)}, HTTP_HOST=TORUN)
    answered = f"/wnioski/{awaiting.reference}/odpowiedzi/{document_id}/"
    pages += [
        ("answer", follower.get(answered, HTTP_HOST=TORUN)),
        ("answer receipt", follower.get(f"{answered}upo.xml", HTTP_HOST=TORUN)),
    ]

    resident = Client()
    with tenant_context(unit_a):
        signed_in(resident, unit_a, local_account(email="jan@example.pl"))
    pages += [("account", resident.get("/konto/", HTTP_HOST=TORUN))]
    pages += [("account's e-mails", resident.get("/konto/powiadomienia/", HTTP_HOST=TORUN))]

    office = Client()
    signed_in(office, unit_a, awaiting.admin)
    for path in ("/urzad/", "/urzad/skrzynka/", f"/urzad/sprawy/{awaiting.case.pk}/", "/urzad/rejestr/"):
        pages.append((path, office.get(path, HTTP_HOST=TORUN)))

    with tenant_context(unit_a):
        _token, secret = api_token_issue(name="EZD", scopes=["register:read", "cases:read"])
        entry = RegisterEntry.objects.filter(kind=EntryKind.APPLICATION).first()
    for path in ("/api/v1/register/", f"/api/v1/register/{entry.year}/{entry.number}/", "/api/v1/cases/"):
        pages.append((path, Client().get(path, HTTP_HOST=TORUN, HTTP_AUTHORIZATION=f"Bearer {secret}")))

    for what, response in pages:
        assert response.status_code == 200, f"{what}: {response.status_code}"
        assert_no_store(response, what)
