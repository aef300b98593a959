"""The inbox's REST API for the office's systems (EZD): tokens per unit and scope, the register, the cases,
the OpenAPI document, and the administrators' screen that issues and revokes tokens."""

import datetime
import hashlib
from urllib.parse import quote

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.audit.selectors import audit_check
from shared_services.identity.access import StaffRole
from shared_services.inbox import case_services, upo
from shared_services.inbox.api.services import api_token_issue, api_token_revoke
from shared_services.inbox.models import ApiToken, Case, CaseStatus, RegisterEntry
from shared_services.staff.models import Department
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, LUBICZ, PDF, TORUN, application_file

pytestmark = pytest.mark.django_db
BOTH_SCOPES = ["register:read", "cases:read"]


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


def file_letter(client, host=TORUN, **changes):
    response = application_file(client, FORM_URL, {**LETTER, **changes}, HTTP_HOST=host)
    assert response.status_code == 302
    client.cookies.clear()  # the API's calls carry no session
    return response


def issue(unit, scopes=BOTH_SCOPES, name="EZD RP"):
    with tenant_context(unit):
        return api_token_issue(name=name, scopes=scopes)


def api(client, path, token=None, host=TORUN, **extra):
    if token is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(f"/api/v1/{path}", HTTP_HOST=host, **extra)


class TestTokens:
    def test_a_token_is_shown_once_and_only_its_hash_is_kept(self, unit_a):
        token, secret = issue(unit_a, scopes=["cases:read", "register:read", "cases:read"])
        prefix, rest = secret.removeprefix("rtz_").split("_", 1)
        assert secret.startswith("rtz_") and prefix == token.prefix and len(prefix) == 8 and len(rest) == 43
        with tenant_context(unit_a):
            stored = ApiToken.objects.get()
            assert stored.secret_sha256 == hashlib.sha256(rest.encode()).hexdigest()
            assert rest not in str(ApiToken.objects.values().get())
            assert stored.scopes == ["cases:read", "register:read"]
            assert list(AuditEntry.objects.values_list("action", flat=True)) == ["api_token.issue"]

    def test_a_token_opens_the_api_of_its_unit(self, full_catalogue, client, unit_a):
        file_letter(client)
        _token, secret = issue(unit_a)
        response = api(client, "register/", secret)
        assert response.status_code == 200 and response.json()["count"] == 1
        with tenant_context(unit_a):
            assert ApiToken.objects.get().last_used_at is not None

    def test_no_token_wrong_token_or_revoked_token_is_401(self, client, unit_a):
        token, secret = issue(unit_a)
        wrong_secret = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
        unknown_prefix = "rtz_00000000_" + secret.rsplit("_", 1)[-1] if token.prefix != "00000000" else secret
        for presented in (None, wrong_secret, unknown_prefix, "rtz_garbage", "", "Bearer"):
            response = api(client, "register/", presented)
            assert response.status_code == 401, presented
            assert response["WWW-Authenticate"].startswith("Bearer")
            assert "results" not in response.json()
        assert (
            client.get("/api/v1/register/", HTTP_HOST=TORUN, HTTP_AUTHORIZATION=f"Bearer {secret} extra").status_code
            == 401
        )
        assert api(client, "register/", secret).status_code == 200
        with tenant_context(unit_a):
            api_token_revoke(token=token, actor="admin")
            assert ApiToken.objects.get().revoked_at is not None
        assert api(client, "register/", secret).status_code == 401
        with tenant_context(unit_a):
            assert audit_check() == []

    def test_a_token_without_the_scope_is_refused_with_403(self, full_catalogue, client, unit_a):
        file_letter(client)
        _token, register_only = issue(unit_a, scopes=["register:read"])
        _token, cases_only = issue(unit_a, scopes=["cases:read"], name="Raporty")
        assert api(client, "register/", register_only).status_code == 200
        assert api(client, "cases/", register_only).status_code == 403
        assert api(client, "register/", cases_only).status_code == 403
        assert api(client, "register/2000/1/upo.xml", cases_only).status_code == 403
        assert api(client, "cases/", cases_only).status_code == 200

    def test_a_token_of_one_unit_is_unknown_on_another_units_subdomain(self, full_catalogue, client, unit_a, unit_b):
        file_letter(client, host=LUBICZ, imie="Jan", nazwisko="Lubiczanin")
        _token, torun_secret = issue(unit_a)
        issue(unit_b, name="EZD Lubicz")
        for path in (
            "register/",
            "cases/",
            f"register/{timezone.localdate().year}/1/",
            f"register/{timezone.localdate().year}/1/upo.xml",
        ):
            response = api(client, path, torun_secret, host=LUBICZ)
            assert response.status_code == 401, path
            assert "Lubiczanin" not in response.content.decode()
        # On its own unit the token works, and sees none of Lubicz's correspondence.
        assert api(client, "register/", torun_secret).json()["count"] == 0

    def test_the_platform_domain_has_no_api(self, client, unit_a):
        _token, secret = issue(unit_a)
        assert (
            client.get("/api/v1/register/", HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
            == 404
        )

    def test_last_use_is_written_at_most_once_a_minute(self, client, unit_a):
        _token, secret = issue(unit_a)
        api(client, "register/", secret)
        with tenant_context(unit_a):
            first = ApiToken.objects.get().last_used_at
        api(client, "register/", secret)
        with tenant_context(unit_a):
            assert ApiToken.objects.get().last_used_at == first
            ApiToken.objects.update(last_used_at=first - datetime.timedelta(minutes=2))
        api(client, "register/", secret)
        with tenant_context(unit_a):
            assert ApiToken.objects.get().last_used_at > first


class TestRegister:
    def test_the_register_lists_what_was_filed(self, full_catalogue, client, unit_a):
        file_letter(client, zalacznik=SimpleUploadedFile("skan.pdf", PDF))
        file_letter(client, imie="Jan", nazwisko="Nowak")
        _token, secret = issue(unit_a)
        body = api(client, "register/", secret).json()
        year = timezone.localdate().year
        assert body["count"] == 2 and [entry["number"] for entry in body["results"]] == [1, 2]
        first = body["results"][0]
        with tenant_context(unit_a):
            entry = RegisterEntry.objects.select_related("receipt", "case", "submission").get(number=1)
        assert first["label"] == f"1/{year}" and first["year"] == year
        assert (first["sender_name"], first["sender_email"]) == ("Anna Kowalska", "anna@example.pl")
        assert first["subject"] == "Wydanie dowodu osobistego"
        assert first["receipt_id"] == str(entry.receipt.receipt_id)
        assert first["submission_reference"] == str(entry.submission.reference)
        assert first["case"] == {"id": entry.case.pk, "sign": ""}
        assert first["links"]["self"] == f"http://{TORUN}/api/v1/register/{year}/1/"
        assert first["links"]["upo_xml"] == f"http://{TORUN}/api/v1/register/{year}/1/upo.xml"
        assert first["links"]["case"] == f"http://{TORUN}/api/v1/cases/{entry.case.pk}/"
        assert body["results"][1]["sender_name"] == "Jan Nowak"
        # What is new since entry 1, and pages.
        since = api(client, f"register/?year={year}&since_number=1", secret).json()
        assert [entry["number"] for entry in since["results"]] == [2]
        assert api(client, f"register/?year={year - 1}", secret).json()["count"] == 0
        page = api(client, "register/?limit=1&offset=1", secret).json()
        assert [entry["number"] for entry in page["results"]] == [2] and page["next"] is None
        # Without a year, a number within each year's register (tests/inbox/test_api_parameters.py).
        assert [entry["number"] for entry in api(client, "register/?since_number=1", secret).json()["results"]] == [2]
        assert api(client, "register/?year=dwa", secret).status_code == 400

    def test_an_entry_with_its_application_attachments_receipt_and_files(self, full_catalogue, client, unit_a):
        file_letter(client, zalacznik=SimpleUploadedFile("skan.pdf", PDF))
        _token, secret = issue(unit_a, scopes=["register:read"])
        year = timezone.localdate().year
        detail = api(client, f"register/{year}/1/", secret).json()
        submission = detail["submission"]
        assert submission["data"]["tytul"] == "Pytanie o odpady" and submission["contact_email"] == "anna@example.pl"
        assert submission["service_key"] == "standard:wydanie-dowodu-osobistego"
        form = submission["form"]
        assert form["kind"] == "standard" and form["version"] >= 1 and form["slug"] and form["json_schema"]
        [attachment] = detail["attachments"]
        assert (attachment["name"], attachment["media_type"], attachment["size"]) == (
            "skan.pdf",
            "application/pdf",
            len(PDF),
        )
        assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
        assert detail["receipt"]["receipt_id"] == detail["receipt_id"]

        download = client.get(attachment["download_url"], HTTP_HOST=TORUN, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content) == PDF
        xml = api(client, f"register/{year}/1/upo.xml", secret, HTTP_ACCEPT="application/xml")
        assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
        document = api(client, f"register/{year}/1/wniosek.json", secret)
        assert document.status_code == 200
        verification = upo.receipt_verify(xml.content, {"wniosek.json": document.content, "skan.pdf": PDF})
        assert verification.valid, verification.problem
        assert verification.all_documents_match
        assert (
            verification.facts.document_id == api(client, f"register/{year}/1/", secret).json()["submission_reference"]
        )

        assert api(client, f"register/{year}/2/", secret).status_code == 404
        assert api(client, f"register/{year}/2/upo.xml", secret).status_code == 404
        assert api(client, f"register/{year}/1/attachments/{attachment['id'] + 1000}", secret).status_code == 404
        assert api(client, f"register/{year}/1/attachments/{attachment['id']}").status_code == 401

    def test_a_page_costs_the_same_number_of_queries_however_many_entries(self, full_catalogue, client, unit_a):
        _token, secret = issue(unit_a)

        def queries_for_a_page():
            api(client, "register/", secret)  # last_used_at is written now, not during the measurement
            with CaptureQueriesContext(connection) as queries:
                response = api(client, "register/", secret)
            assert response.status_code == 200
            return len(queries), response.json()["count"]

        file_letter(client, zalacznik=SimpleUploadedFile("skan.pdf", PDF))
        one = queries_for_a_page()
        for _ in range(3):
            file_letter(client)
        four = queries_for_a_page()
        assert (one[1], four[1]) == (1, 4)
        # The unit's SET search_path, the token, the count and the page.
        assert one[0] == four[0] == 4


class TestCases:
    def test_cases_with_their_state_filtered_by_status_and_change(self, full_catalogue, client, unit_a):
        file_letter(client)
        file_letter(client)
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        before_registering = timezone.now()
        with tenant_context(unit_a):
            department = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
            registered = Case.objects.get(register_entry__number=2)
            case_services.case_register(
                user=admin, case=registered, department=department, jrwa="5340", archival_category="B10"
            )
            case_services.case_assign(user=admin, case=registered, assignee=admin)
            case_services.case_write(user=admin, case=registered, kind="note", text="Sprawdzić w PESEL.")
            registered.refresh_from_db()
        _token, secret = issue(unit_a, scopes=["cases:read"])

        listing = api(client, "cases/", secret).json()
        assert listing["count"] == 2
        assert [case["id"] for case in listing["results"]][-1] == registered.pk  # the last one changed last
        shown = listing["results"][-1]
        assert (
            shown["status"],
            shown["sign"],
            shown["department_code"],
            shown["assignee"],
            shown["jrwa"],
            shown["archival_category"],
        ) == (CaseStatus.IN_PROGRESS, registered.sign, "SO", "admin@urzad.example", "5340", "B10")
        assert shown["register_entry"]["number"] == 2 and shown["deadline"] == (
            registered.deadline.isoformat() if registered.deadline else None
        )

        [new_case] = [case["id"] for case in listing["results"] if case["id"] != registered.pk]
        assert [case["id"] for case in api(client, "cases/?status=new", secret).json()["results"]] == [new_case]
        since = quote(before_registering.isoformat())
        changed = api(client, f"cases/?updated_since={since}", secret).json()
        assert [case["id"] for case in changed["results"]] == [registered.pk]
        later = quote((timezone.now() + datetime.timedelta(minutes=1)).isoformat())
        assert api(client, f"cases/?updated_since={later}", secret).json()["count"] == 0
        assert api(client, "cases/?status=lost", secret).status_code == 400

        with CaptureQueriesContext(connection) as queries:
            assert api(client, "cases/", secret).status_code == 200
        assert len(queries) == 4  # search_path, token, count, page (department, clerk, entry joined)
        with CaptureQueriesContext(connection) as queries:
            detail = api(client, f"cases/{registered.pk}/", secret).json()
        assert len(queries) == 4  # search_path, token, the case, its notes with their authors
        assert [(note["kind"], note["author"], note["text"]) for note in detail["notes"]] == [
            ("note", "admin@urzad.example", "Sprawdzić w PESEL.")
        ]
        assert api(client, "cases/999999/", secret).status_code == 404


class TestSchema:
    def test_the_openapi_document_lists_the_paths_without_a_token(self, client, unit_a):
        response = client.get("/api/v1/schema/?format=json", HTTP_HOST=TORUN)
        assert response.status_code == 200
        document = response.json()
        assert document["openapi"].startswith("3.")
        assert {
            "/api/v1/register/",
            "/api/v1/register/{year}/{number}/",
            "/api/v1/register/{year}/{number}/upo.xml",
            "/api/v1/register/{year}/{number}/attachments/{attachment_id}",
            "/api/v1/cases/",
            "/api/v1/cases/{id}/",
        } <= set(document["paths"])
        assert document["components"]["securitySchemes"]["unitToken"]["scheme"] == "bearer"
        assert "closed" in str(document["components"]["schemas"]["StatusEnum"])
        docs = client.get("/api/v1/docs/", HTTP_HOST=TORUN)
        page = docs.content.decode()
        assert docs.status_code == 200 and 'spec-url="/api/v1/schema/"' in page
        # Redoc comes from the platform's own static files, and nothing from elsewhere.
        script = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
        assert f'src="/static/{script}"' in page and finders.find(script)
        assert "https://" not in page

    def test_the_filed_application_is_described_as_the_json_object_it_is(self, client, unit_a):
        document = client.get("/api/v1/schema/?format=json", HTTP_HOST=TORUN).json()
        operation = document["paths"]["/api/v1/register/{year}/{number}/wniosek.json"]["get"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "object"

    def test_an_attachment_is_described_with_any_media_type_as_it_is_sent(self, client, unit_a):
        document = client.get("/api/v1/schema/?format=json", HTTP_HOST=TORUN).json()
        operation = document["paths"]["/api/v1/register/{year}/{number}/attachments/{attachment_id}"]["get"]
        assert list(operation["responses"]["200"]["content"]) == ["*/*"]

    def test_the_document_is_in_english_whatever_the_language(self, client, unit_a):
        client.cookies["django_language"] = "pl"
        document = client.get("/api/v1/schema/?format=json", HTTP_HOST=TORUN).json()
        assert "in progress" in document["components"]["schemas"]["StatusEnum"]["description"]


class TestOfficeScreen:
    def test_an_administrator_issues_a_token_sees_it_once_and_revokes_it(self, client, unit_a):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        assert client.get("/urzad/api/", HTTP_HOST=TORUN).status_code == 200
        response = client.post(
            "/urzad/api/", {"name": "EZD RP", "scopes": ["register:read", "cases:read"]}, HTTP_HOST=TORUN
        )
        assert response.status_code == 200
        with tenant_context(unit_a):
            token = ApiToken.objects.get()
        page = response.content.decode()
        secret = page.split('id="issued-token">', 1)[1].split("<", 1)[0]
        assert secret.startswith(f"rtz_{token.prefix}_") and "no-store" in response["Cache-Control"]
        again = client.get("/urzad/api/", HTTP_HOST=TORUN).content.decode()
        assert secret not in again and f"rtz_{token.prefix}_…" in again
        client.cookies.clear()
        assert api(client, "register/", secret).status_code == 200
        signed_in(client, unit_a, admin)
        assert client.post(f"/urzad/api/{token.pk}/uniewaznij/", HTTP_HOST=TORUN).status_code == 302
        client.cookies.clear()
        assert api(client, "register/", secret).status_code == 401
        with tenant_context(unit_a):
            actions = list(AuditEntry.objects.order_by("sequence").values_list("action", "actor"))
            assert actions == [("api_token.issue", admin.get_username()), ("api_token.revoke", admin.get_username())]

    def test_an_empty_choice_is_explained(self, client, unit_a):
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        response = client.post("/urzad/api/", {"name": "EZD"}, HTTP_HOST=TORUN)
        assert response.status_code == 400 and 'id="issued-token"' not in response.content.decode()
        with tenant_context(unit_a):
            assert not ApiToken.objects.exists()

    def test_only_the_units_administrators_manage_tokens(self, client, unit_a, unit_b):
        token, _secret = issue(unit_a)
        revoke = f"/urzad/api/{token.pk}/uniewaznij/"
        assert client.get("/urzad/api/", HTTP_HOST=TORUN).status_code == 302  # to sign in
        assert client.post(revoke, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
        signed_in(client, unit_a, resident)
        assert client.get("/urzad/api/", HTTP_HOST=TORUN).status_code == 403
        assert client.post(revoke, HTTP_HOST=TORUN).status_code == 403
        signed_in(client, unit_a, staff_account(unit_a, "urzednik", StaffRole.CLERK))
        assert client.get("/urzad/api/", HTTP_HOST=TORUN).status_code == 403
        assert client.post("/urzad/api/", {"name": "X", "scopes": ["cases:read"]}, HTTP_HOST=TORUN).status_code == 403
        client.cookies.clear()
        signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
        assert client.get("/urzad/api/", HTTP_HOST=LUBICZ).status_code == 200  # Lubicz's own screen: no tokens
        assert client.post(revoke, HTTP_HOST=LUBICZ).status_code == 404  # Toruń's token is not Lubicz's
        assert client.get("/urzad/api/", HTTP_HOST=TORUN).status_code == 302  # nobody in Toruń
        with tenant_context(unit_a):
            assert ApiToken.objects.get().revoked_at is None and ApiToken.objects.count() == 1
