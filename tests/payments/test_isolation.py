"""One unit never sees or changes another unit's payments; residents and visitors see only their own; the
unit's payment configuration is its administrator's, with secrets encrypted and never shown in full."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole
from shared_services.payments.models import Payment, PaymentStatus, ProviderConfig
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, LUBICZ, TORUN, application_file
from tests.support.payments import MERCHANT, configure_p24, set_fee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


@pytest.fixture
def torun_payment(full_catalogue, client, unit_a, settings):
    from django.test import Client

    set_fee(unit_a)
    with tenant_context(unit_a):
        ProviderConfig.objects.create(provider="office", enabled=True)
    filer = Client()
    application_file(filer, FORM_URL, LETTER, HTTP_HOST=TORUN)
    with tenant_context(unit_a):
        return Payment.objects.get()


def test_another_units_staff_cannot_see_or_change_a_payment(torun_payment, client, unit_a, unit_b):
    # Paid at Toruń's office, so that Toruń's own report lists it (a report lists paid fees).
    signed_in(client, unit_a, staff_account(unit_a, "admin-torun", StaffRole.UNIT_ADMIN))
    pid = torun_payment.public_id
    assert client.post(f"/urzad/platnosci/{pid}/oplacono/", HTTP_HOST=TORUN).status_code == 302
    period = {"report-date_from": "2000-01-01", "report-date_to": "2100-01-01", "report-format": "csv"}
    assert "Wydanie dowodu osobistego" in client.get(
        "/urzad/platnosci/raport/", period, HTTP_HOST=TORUN
    ).content.decode("utf-8-sig")
    admin_b = staff_account(unit_b, "admin-lubicz", StaffRole.UNIT_ADMIN)
    signed_in(client, unit_b, admin_b)
    assert client.post(f"/urzad/platnosci/{pid}/oplacono/", HTTP_HOST=LUBICZ).status_code == 404
    assert client.post(f"/urzad/platnosci/{pid}/zwrot/", {"refund-amount": "1"}, HTTP_HOST=LUBICZ).status_code == 404
    report = client.get("/urzad/platnosci/raport/", period, HTTP_HOST=LUBICZ)
    assert report.status_code == 200 and "Wydanie dowodu osobistego" not in report.content.decode("utf-8-sig")
    # Lubicz's session is no session on Toruń's subdomain.
    response = client.post(f"/urzad/platnosci/{pid}/oplacono/", HTTP_HOST=TORUN)
    assert response.status_code == 302 and "/oplacono/" not in response["Location"].split("?")[0]
    assert client.get("/urzad/platnosci/", HTTP_HOST=TORUN).status_code == 302
    with tenant_context(unit_a):
        payment = Payment.objects.get()
        assert payment.status == PaymentStatus.PAID and payment.refunded_grosze == 0


def test_residents_and_visitors_see_only_their_own_payment(torun_payment, client, unit_a, unit_b):
    pid = torun_payment.public_id
    assert client.get(f"/platnosci/{pid}/", HTTP_HOST=TORUN).status_code == 404
    assert client.post(f"/platnosci/{pid}/zaplac/", HTTP_HOST=TORUN).status_code == 404
    with tenant_context(unit_b):
        from django.contrib.auth.models import User

        resident_b = User.objects.create_user("mieszkaniec", "m@example.pl", "bardzo-tajne-haslo")
    signed_in(client, unit_b, resident_b)
    assert client.get(f"/platnosci/{pid}/", HTTP_HOST=LUBICZ).status_code == 404
    assert client.get(f"/platnosci/{pid}/", HTTP_HOST=TORUN).status_code == 404
    # A resident of Toruń who did not file it, signed in on Toruń's own subdomain.
    with tenant_context(unit_a):
        neighbour = local_account(email="sasiad@example.pl")
    signed_in(client, unit_a, neighbour)
    assert client.get(f"/platnosci/{pid}/", HTTP_HOST=TORUN).status_code == 404
    assert client.post(f"/platnosci/{pid}/zaplac/", HTTP_HOST=TORUN).status_code == 404


def test_a_clerk_sees_only_payments_of_cases_they_may_see(torun_payment, client, unit_a):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK)  # no case assigned
    signed_in(client, unit_a, clerk)
    assert client.post(f"/urzad/platnosci/{torun_payment.public_id}/oplacono/", HTTP_HOST=TORUN).status_code == 404


def test_only_the_unit_administrator_configures_payments(full_catalogue, client, unit_a):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK)
    signed_in(client, unit_a, clerk)
    assert client.get("/urzad/platnosci/", HTTP_HOST=TORUN).status_code == 403


def test_secrets_are_encrypted_at_rest_and_shown_masked(full_catalogue, client, unit_a, gateway):
    admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
    signed_in(client, unit_a, admin)
    form = {
        "provider": "przelewy24",
        "action": "save",
        "przelewy24-merchant_id": "123456",
        "przelewy24-pos_id": "",
        "przelewy24-crc": MERCHANT["crc"],
        "przelewy24-api_key": MERCHANT["api_key"],
        "przelewy24-environment": "sandbox",
        "przelewy24-base_url_override": gateway.base_url,
        "przelewy24-enabled": "on",
    }
    assert client.post("/urzad/platnosci/", form, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(unit_a), connection.cursor() as cursor:
        cursor.execute("SELECT options::text, secrets_encrypted FROM payments_providerconfig")
        options, stored = cursor.fetchone()
    assert MERCHANT["crc"] not in stored and MERCHANT["api_key"] not in stored and "api" not in options
    page = client.get("/urzad/platnosci/", HTTP_HOST=TORUN).content.decode()
    assert MERCHANT["api_key"] not in page and MERCHANT["crc"] not in page and "0001" in page
    # Saving again without the secrets keeps them; the connection test uses them.
    assert (
        client.post(
            "/urzad/platnosci/", {**form, "przelewy24-crc": "", "przelewy24-api_key": ""}, HTTP_HOST=TORUN
        ).status_code
        == 302
    )
    tested = client.post(
        "/urzad/platnosci/", {"provider": "przelewy24", "action": "test"}, HTTP_HOST=TORUN, follow=True
    )
    assert "Test połączenia udany" in tested.content.decode()
    configure_p24(unit_a, gateway, api_key="wrong")
    tested = client.post(
        "/urzad/platnosci/", {"provider": "przelewy24", "action": "test"}, HTTP_HOST=TORUN, follow=True
    )
    assert "Test połączenia nie powiódł się" in tested.content.decode()


def test_a_configuration_without_keys_is_refused_with_a_clear_error(full_catalogue, client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    response = client.post(
        "/urzad/platnosci/",
        {
            "provider": "przelewy24",
            "action": "save",
            "przelewy24-merchant_id": "12",
            "przelewy24-environment": "sandbox",
        },
        HTTP_HOST=TORUN,
    )
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    with tenant_context(unit_a):
        assert not ProviderConfig.objects.exists()


def test_secrets_survive_key_rotation(settings, unit_a, gateway):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from shared_services.payments import crypto
    from shared_services.payments.registry import provider_get

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PAYMENT_SECRETS_KEYS = [old]
    configure_p24(unit_a, gateway)
    settings.PAYMENT_SECRETS_KEYS = [new, old]
    call_command("payment_secrets_rotate")
    settings.PAYMENT_SECRETS_KEYS = [new]  # the old key is gone: the stored keys still open, and still work
    with tenant_context(unit_a):
        config = ProviderConfig.objects.get(provider="przelewy24")
        assert crypto.secrets_decrypt(config.secrets_encrypted) == {
            "crc": MERCHANT["crc"],
            "api_key": MERCHANT["api_key"],
        }
        provider_get("przelewy24").test_connection(config)
    assert crypto.masked("abcdefghijkl") == "••••ijkl" and crypto.masked("short") == "••••"


def test_keys_no_configured_key_opens_are_a_clear_refusal_not_a_crash(
    settings, full_catalogue, client, unit_a, gateway
):
    from cryptography.fernet import Fernet

    from shared_services.audit.models import AuditEntry
    from shared_services.payments.base import ProviderError
    from shared_services.payments.registry import provider_get

    configure_p24(unit_a, gateway)
    settings.PAYMENT_SECRETS_KEYS = [Fernet.generate_key().decode()]  # the key that encrypted them was dropped
    with tenant_context(unit_a):
        with pytest.raises(ProviderError):
            provider_get("przelewy24").test_connection(ProviderConfig.objects.get(provider="przelewy24"))
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    assert client.get("/urzad/platnosci/", HTTP_HOST=TORUN).status_code == 200  # the keys can be entered again
    tested = client.post(
        "/urzad/platnosci/", {"provider": "przelewy24", "action": "test"}, HTTP_HOST=TORUN, follow=True
    )
    assert "Wpisz ponownie klucz CRC" in tested.content.decode()
    saved = client.post(
        "/urzad/platnosci/",
        {
            "provider": "przelewy24",
            "action": "save",
            "przelewy24-merchant_id": str(MERCHANT["merchant_id"]),
            "przelewy24-crc": MERCHANT["crc"],
            "przelewy24-api_key": MERCHANT["api_key"],
            "przelewy24-environment": "sandbox",
            "przelewy24-base_url_override": gateway.base_url,
            "przelewy24-enabled": "on",
        },
        HTTP_HOST=TORUN,
    )
    assert saved.status_code == 302
    with tenant_context(unit_a):
        provider_get("przelewy24").test_connection(ProviderConfig.objects.get(provider="przelewy24"))
        assert AuditEntry.objects.filter(action="payments.configure").latest("sequence").before["secrets"] == {
            "crc": "(unreadable)",
            "api_key": "(unreadable)",
        }
