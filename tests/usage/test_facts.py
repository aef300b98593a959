"""Usage facts: each intake, letter opening a case, closing and online payment records one in the public schema,
in its own transaction, with nothing personal; the backfill finds the same facts; the roll-up adds them up."""

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole
from shared_services.inbox.case_services import case_close
from shared_services.inbox.correspondence import letter_register
from shared_services.inbox.models import Channel
from shared_services.payments.base import Notification
from shared_services.payments.models import Payment
from shared_services.payments.services import _mark_paid
from shared_services.usage.backfill import unit_facts_backfill, unit_overdue_count
from shared_services.usage.models import (
    DurationMonth,
    FactKind,
    OverdueCount,
    ServiceMonth,
    UnitMonth,
    UsageFact,
)
from shared_services.usage.services import fact_service_key, usage_rollup
from tests.support.accounts import staff_account
from tests.support.answers import case_awaiting_resident
from tests.support.cases import cases_filed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


def facts(unit):
    return list(
        UsageFact.objects.filter(unit=unit)
        .order_by("kind", "source_id")
        .values("kind", "service_key", "channel", "day", "duration_days", "late", "amount_grosze")
    )


def test_a_fact_holds_nothing_personal():
    columns = {field.name for field in UsageFact._meta.get_fields()}
    assert columns == {
        "id",
        "unit",
        "kind",
        "source_id",
        "service_key",
        "channel",
        "day",
        "duration_days",
        "late",
        "amount_grosze",
        "recorded_at",
    }


def test_service_keys_name_the_standard_service_or_own():
    assert fact_service_key("standard:wydanie-dowodu-osobistego") == "wydanie-dowodu-osobistego"
    assert fact_service_key("own:17") == "own"


def test_intake_letter_and_closing_each_record_a_fact_in_their_transaction(full_catalogue, unit_a, unit_b):
    filed = case_awaiting_resident(unit_a, asked=False)
    today = timezone.localdate()
    assert facts(unit_a) == [
        {
            "kind": FactKind.INTAKE,
            "service_key": "pismo-ogolne",
            "channel": "electronic",
            "day": today,
            "duration_days": None,
            "late": None,
            "amount_grosze": None,
        }
    ]
    with tenant_context(unit_a):
        case_close(user=filed.admin, case=filed.case, resolution="Załatwiono.")
        letter_register(
            user=filed.admin,
            channel=Channel.PAPER,
            received_on=today - datetime.timedelta(days=3),
            sender_name="Jan Nowak",
            subject="Wniosek o wycinkę drzewa",
            document_id=uuid.uuid4(),
        )
    recorded = facts(unit_a)
    assert [(fact["kind"], fact["channel"], fact["service_key"]) for fact in recorded] == [
        (FactKind.CLOSING, "electronic", "pismo-ogolne"),
        (FactKind.INTAKE, "electronic", "pismo-ogolne"),
        (FactKind.INTAKE, "paper", ""),
    ]
    assert (recorded[0]["duration_days"], recorded[0]["late"]) == (0, False)
    assert recorded[2]["day"] == today - datetime.timedelta(days=3)
    assert facts(unit_b) == []


def test_a_failed_intake_leaves_no_fact(full_catalogue, unit_a, monkeypatch):
    from shared_services.inbox import services

    def broken(entry):
        raise RuntimeError("the register is down")

    monkeypatch.setattr(services, "register_number_take", broken)
    with pytest.raises(RuntimeError):
        case_awaiting_resident(unit_a, asked=False)
    assert facts(unit_a) == []


def test_a_case_closed_after_its_deadline_is_late_with_its_days(full_catalogue, unit_a):
    admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
    today = timezone.localdate()
    with tenant_context(unit_a):
        (case,) = cases_filed(1, deadline=today - datetime.timedelta(days=2))
        case_close(user=admin, case=case, resolution="Po terminie.")
    (closing,) = [fact for fact in facts(unit_a) if fact["kind"] == FactKind.CLOSING]
    received = timezone.localdate(case.register_entry.received_at)
    assert closing["duration_days"] == (today - received).days and closing["late"] is True
    assert closing["service_key"] == "own"


def test_a_fee_paid_online_records_its_amount_and_one_paid_at_the_office_does_not(full_catalogue, unit_a):
    with tenant_context(unit_a):
        (case,) = cases_filed(1)
        payment = Payment.objects.get(submission__register_entry__case=case)
        payment.provider, payment.session_id = "przelewy24", "sesja-1"
        payment.save()
        _mark_paid(payment, Notification("payment", "sesja-1", 1234, 1700, "PLN"), via="notification")
    (paid,) = [fact for fact in facts(unit_a) if fact["kind"] == FactKind.PAYMENT]
    assert (paid["amount_grosze"], paid["service_key"], paid["day"]) == (1700, "own", timezone.localdate())


def test_the_backfill_finds_the_same_facts_and_repeating_it_adds_none(full_catalogue, unit_a):
    filed = case_awaiting_resident(unit_a, asked=False)
    with tenant_context(unit_a):
        case_close(user=filed.admin, case=filed.case, resolution="Załatwiono.")
    live = facts(unit_a)
    UsageFact.objects.filter(unit=unit_a).delete()
    with tenant_context(unit_a):
        unit_facts_backfill()
        unit_facts_backfill()
    assert facts(unit_a) == live


def test_the_rollup_adds_facts_up_by_month_and_can_be_repeated(full_catalogue, unit_a, unit_b):
    filed = case_awaiting_resident(unit_a, asked=False)
    with tenant_context(unit_a):
        case_close(user=filed.admin, case=filed.case, resolution="Załatwiono.")
    case_awaiting_resident(unit_b, asked=False)
    month = timezone.localdate().replace(day=1)
    assert usage_rollup() == [month]
    assert usage_rollup() == [month]  # within the margin: rebuilt again, to the same numbers
    rows = {
        row["unit_id"]: row
        for row in UnitMonth.objects.filter(month=month).values("unit_id", "applications", "letters", "closed")
    }
    assert rows[unit_a.pk] == {"unit_id": unit_a.pk, "applications": 1, "letters": 0, "closed": 1}
    assert rows[unit_b.pk]["applications"] == 1 and rows[unit_b.pk]["closed"] == 0
    assert ServiceMonth.objects.get(month=month, service_key="pismo-ogolne").applications == 2
    assert list(DurationMonth.objects.filter(month=month).values_list("unit_kind", "days", "closed")) == [
        (unit_a.kind, 0, 1)
    ]


def test_the_overdue_count_counts_open_cases_past_their_deadline(full_catalogue, unit_a):
    today = timezone.localdate()
    with tenant_context(unit_a):
        cases_filed(2, deadline=today - datetime.timedelta(days=1))
        cases_filed(1, first_number=3, deadline=today + datetime.timedelta(days=5))
        unit_overdue_count()
    assert connection.schema_name in ("public", unit_a.schema_name)
    count = OverdueCount.objects.get(unit=unit_a, day=today)
    assert (count.open_cases, count.overdue_cases) == (3, 2)
