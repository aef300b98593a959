"""The unit's payment report for its accounting (CSV, XLSX) per period, and amounts in grosze via Decimal."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from shared_services.identity.access import StaffRole
from shared_services.payments.models import Payment, PaymentStatus, ProviderConfig
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, TORUN, application_file
from tests.support.payments import set_fee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


@pytest.fixture
def paid_payments(full_catalogue, client, unit_a):
    set_fee(unit_a, 1999)
    with tenant_context(unit_a):
        ProviderConfig.objects.create(provider="office", enabled=True)
    for _ in range(2):
        application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN)
    with tenant_context(unit_a):
        payments = list(Payment.objects.order_by("pk"))
        Payment.objects.filter(pk=payments[0].pk).update(
            status=PaymentStatus.PAID, paid_at=timezone.now(), order_id=4295000123, refunded_grosze=500
        )
        Payment.objects.filter(pk=payments[1].pk).update(
            status=PaymentStatus.PAID, paid_at=timezone.now() - timedelta(days=40)
        )
    return payments


def download(client, fmt, date_from, date_to):
    return client.get(
        "/urzad/platnosci/raport/",
        {"report-date_from": date_from.isoformat(), "report-date_to": date_to.isoformat(), "report-format": fmt},
        HTTP_HOST=TORUN,
    )


def test_csv_and_xlsx_hold_the_periods_payments(paid_payments, client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    today = timezone.localdate()
    response = download(client, "csv", today - timedelta(days=7), today)
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][1] == "4295000123" and rows[1][4] == "19,99" and rows[1][5] == "5,00"
    assert rows[1][2] == "1/" + str(today.year) or rows[1][2].endswith(f"/{today.year}")
    response = download(client, "xlsx", today - timedelta(days=60), today)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 4 and values[-1][4].startswith("=SUM(")  # two payments and the total
    assert {row[4] for row in values[1:3]} == {19.99}


def test_a_period_ending_before_it_starts_is_refused(paid_payments, client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    today = timezone.localdate()
    assert download(client, "csv", today, today - timedelta(days=1)).status_code == 400


def test_only_the_administrator_downloads_it(paid_payments, client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "szef", StaffRole.DEPARTMENT_HEAD))
    today = timezone.localdate()
    assert download(client, "csv", today, today).status_code == 403
