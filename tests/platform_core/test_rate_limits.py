"""Abuse limits (platform_core/rate_limits.py): past each limit the answer is 429 with Retry-After and a message,
counted per client address across units and per unit; another address or unit is not affected; and a receipt's
e-mail past its limit is left out while the application is filed all the same."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_tenants.utils import tenant_context

from shared_services.eforms.models import Submission
from shared_services.inbox.api.services import api_token_issue
from shared_services.inbox.models import OutboxMessage
from tests.support.accounts import PLATFORM
from tests.support.letters import FORM_URL, LETTER, LUBICZ, TORUN, application_file

pytestmark = pytest.mark.django_db

ATTACKER, NEIGHBOUR = "203.0.113.7", "198.51.100.20"


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


@pytest.fixture
def english(client, settings):
    """Pages in English (the source texts), as the language switch sets them."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def assert_limited(response, *, json=False):
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    if json:
        assert response.json()["detail"]
    else:
        assert "Too many attempts" in response.content.decode()


def filed_access_code(client, **changes) -> str:
    response = application_file(client, FORM_URL, {**LETTER, **changes}, HTTP_HOST=TORUN, REMOTE_ADDR=NEIGHBOUR)
    page = client.get(response["Location"], HTTP_HOST=TORUN).content.decode()
    return re.search(r'class="access-code">([A-Z0-9-]+)<', page).group(1)


class TestAccessCodes:
    def wrong(self, client, address, host=TORUN):
        return client.post("/sprawa/", {"code": "AAAA-BBBB-CCCC"}, HTTP_HOST=host, REMOTE_ADDR=address)

    def test_wrong_codes_from_one_address_are_refused_past_the_limit_and_others_go_on(
        self, full_catalogue, client, english, settings
    ):
        code = filed_access_code(client)
        for _attempt in range(20):
            assert self.wrong(client, ATTACKER).status_code == 200
        assert_limited(self.wrong(client, ATTACKER))
        # Counted across units: the same address is refused on Lubicz's subdomain too, even with a right code.
        assert_limited(self.wrong(client, ATTACKER, host=LUBICZ))
        assert_limited(client.post("/sprawa/", {"code": code}, HTTP_HOST=TORUN, REMOTE_ADDR=ATTACKER))
        # Another address still opens its case.
        page = client.post("/sprawa/", {"code": code}, HTTP_HOST=TORUN, REMOTE_ADDR=NEIGHBOUR)
        assert page.status_code == 200 and "Register number" in page.content.decode()

    def test_wrong_codes_at_one_unit_from_many_addresses_pause_only_that_unit(self, client, english, settings):
        settings.RATE_LIMITS = {"access-code:unit": "3/h"}
        for number in range(3):
            assert self.wrong(client, f"192.0.2.{number}").status_code == 200
        assert_limited(self.wrong(client, "192.0.2.99"))
        assert self.wrong(client, "192.0.2.99", host=LUBICZ).status_code == 200

    def test_the_page_says_it_in_polish(self, client):
        for _attempt in range(20):
            self.wrong(client, ATTACKER)
        page = self.wrong(client, ATTACKER)
        assert page.status_code == 429 and "Zbyt wiele prób" in page.content.decode()


class TestApiTokens:
    def api(self, client, token, address, host=TORUN):
        return client.get(
            "/api/v1/register/", HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address
        )

    def test_wrong_tokens_from_one_address_are_refused_past_the_limit(self, client, unit_a):
        with tenant_context(unit_a):
            _token, secret = api_token_issue(name="EZD", scopes=["register:read"])
        for _attempt in range(30):
            assert self.api(client, "rtz_00000000_wrong", ATTACKER).status_code == 401
        assert_limited(self.api(client, "rtz_00000000_wrong", ATTACKER), json=True)
        assert_limited(self.api(client, secret, ATTACKER), json=True)  # refused before it is looked up
        assert_limited(self.api(client, "rtz_00000000_wrong", ATTACKER, host=LUBICZ), json=True)
        assert self.api(client, secret, NEIGHBOUR).status_code == 200

    def test_wrong_tokens_at_one_unit_pause_only_that_unit(self, client, unit_b, settings):
        settings.RATE_LIMITS = {"api-token:unit": "3/h"}
        with tenant_context(unit_b):
            _token, secret = api_token_issue(name="EZD", scopes=["register:read"])
        for number in range(3):
            assert self.api(client, "rtz_00000000_wrong", f"192.0.2.{number}").status_code == 401
        assert_limited(self.api(client, "rtz_00000000_wrong", "192.0.2.99"), json=True)
        assert self.api(client, secret, "192.0.2.99", host=LUBICZ).status_code == 200


def test_receipt_verifications_are_limited_per_address(client, english):
    def verify(address):
        upload = SimpleUploadedFile("upo.xml", b"<not-a-receipt/>", content_type="application/xml")
        return client.post("/upo/weryfikacja/", {"receipt": upload}, HTTP_HOST=PLATFORM, REMOTE_ADDR=address)

    for _attempt in range(30):
        assert verify(ATTACKER).status_code == 200
    assert_limited(verify(ATTACKER))
    assert verify(NEIGHBOUR).status_code == 200
    assert client.get("/upo/weryfikacja/", HTTP_HOST=PLATFORM, REMOTE_ADDR=ATTACKER).status_code == 200


def test_sign_in_starts_are_limited_per_address_across_hosts(client, english, unit_a):
    from shared_services.identity.models import PendingLogin

    for number in range(60):
        host = TORUN if number % 2 else PLATFORM
        assert client.get("/oidc/logowanie/", HTTP_HOST=host, REMOTE_ADDR=ATTACKER).status_code == 302
    pending = PendingLogin.objects.count()
    assert_limited(client.get("/oidc/logowanie/", HTTP_HOST=LUBICZ, REMOTE_ADDR=ATTACKER))
    assert PendingLogin.objects.count() == pending  # nothing written
    assert client.get("/oidc/logowanie/", HTTP_HOST=LUBICZ, REMOTE_ADDR=NEIGHBOUR).status_code == 302


class TestReceiptEmails:
    def file(self, client, email, address):
        response = application_file(client, FORM_URL, {**LETTER, "email": email}, HTTP_HOST=TORUN, REMOTE_ADDR=address)
        assert response.status_code == 302
        page = client.get(response["Location"], HTTP_HOST=TORUN).content.decode()
        assert "Application received" in page
        return page

    def emailed(self, unit, email):
        with tenant_context(unit):
            receipts = Submission.objects.filter(contact_email=email).values_list(
                "register_entry__receipt__receipt_id", flat=True
            )
            return [
                OutboxMessage.objects.filter(kind="receipt_email", key=f"receipt_email:{receipt}").exists()
                for receipt in receipts.order_by("submitted_at")
            ]

    def test_past_the_limit_per_address_the_application_is_filed_without_the_email(
        self, full_catalogue, client, english, settings, unit_a
    ):
        settings.RATE_LIMITS = {"receipt-email:recipient": "2/h"}
        for number in range(2):
            assert "The receipt was not e-mailed" not in self.file(client, "ofiara@example.pl", f"192.0.2.{number}")
        page = self.file(client, "Ofiara@Example.pl", "192.0.2.50")  # the same address, however typed
        assert "The receipt was not e-mailed" in page and re.search(r'class="access-code">[A-Z0-9-]+<', page)
        assert self.emailed(unit_a, "ofiara@example.pl") == [True, True]
        with tenant_context(unit_a):
            assert Submission.objects.filter(contact_email__iexact="ofiara@example.pl").count() == 3  # all filed
        self.file(client, "inna@example.pl", "192.0.2.50")
        assert self.emailed(unit_a, "inna@example.pl") == [True]

    def test_past_the_limit_per_client_address_too(self, full_catalogue, client, english, settings, unit_a):
        settings.RATE_LIMITS = {"receipt-email:ip": "2/h"}
        for email in ("a@example.pl", "b@example.pl", "c@example.pl"):
            self.file(client, email, ATTACKER)
        self.file(client, "d@example.pl", NEIGHBOUR)
        assert [self.emailed(unit_a, email) for email in ("a@example.pl", "b@example.pl", "c@example.pl")] == [
            [True],
            [True],
            [False],
        ]
        assert self.emailed(unit_a, "d@example.pl") == [True]
