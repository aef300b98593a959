"""Writes of usage facts and of their monthly roll-up (docs/usage-indicators.md).

Facts are written in the public schema inside the action's transaction (an intake, a closing, a payment), one
`INSERT … ON CONFLICT DO NOTHING` each: appended, never updated, so no two units' actions wait for one another.
The regional dashboard does not read them: `usage_rollup` adds them up by month into `UnitMonth`,
`ServiceMonth` and `DurationMonth`, rebuilding whole months, every few minutes (Celery beat) — a month rebuilt
twice is the same month, so the roll-up can be repeated and run after any backfill.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from shared_services.catalogue.models import Offering, OwnServiceListing
from shared_services.offer.selectors import STANDARD
from tenants.models import Tenant

from .models import (
    OWN_SERVICE,
    DurationMonth,
    FactChannel,
    FactKind,
    MaturityMix,
    OverdueCount,
    RegionMonth,
    RollupState,
    ServiceMonth,
    UnitMonth,
    UnitSpan,
    UsageFact,
)
from .selectors import periods_offered

_SUMS = ("applications", "letters", "closed", "closed_late", "payments", "paid_grosze")
# Facts recorded this long before the last roll-up began are rolled up again: a transaction that was still open
# then (its fact invisible) commits within it.
ROLLUP_MARGIN = datetime.timedelta(hours=1)


def fact_service_key(service_key: str) -> str:
    """`standard:<slug>` → the slug; any unit's own service → `own` (they differ from unit to unit)."""
    kind, _, identifier = service_key.partition(":")
    return identifier[:100] if kind == STANDARD else OWN_SERVICE


def intake_fact(*, unit_id: int, entry, service_key: str) -> UsageFact:
    """The fact of a register entry that opened a case: an application filed electronically (`service_key` is
    its submission's), or a letter (no service key)."""
    return UsageFact(
        unit_id=unit_id,
        kind=FactKind.INTAKE,
        source_id=entry.pk,
        service_key=fact_service_key(service_key) if service_key else "",
        channel=entry.channel,
        day=timezone.localdate(entry.received_at),
    )


def closing_fact(*, unit_id: int, case, entry, service_key: str) -> UsageFact:
    """The fact of a closed case: calendar days from the day it was received to the day it was closed, and
    whether that day was past its deadline (as moved for waits for the resident)."""
    received, closed = timezone.localdate(entry.received_at), timezone.localdate(case.closed_at)
    return UsageFact(
        unit_id=unit_id,
        kind=FactKind.CLOSING,
        source_id=case.pk,
        service_key=fact_service_key(service_key) if service_key else "",
        channel=entry.channel,
        day=closed,
        duration_days=max((closed - received).days, 0),
        late=case.deadline is not None and closed > case.deadline,
    )


def payment_fact(*, unit_id: int, payment, service_key: str) -> UsageFact:
    return UsageFact(
        unit_id=unit_id,
        kind=FactKind.PAYMENT,
        source_id=payment.pk,
        service_key=fact_service_key(service_key),
        channel=FactChannel.ELECTRONIC,
        day=timezone.localdate(payment.paid_at),
        amount_grosze=payment.amount_grosze,
    )


def facts_store(facts: list[UsageFact]) -> None:
    """Append facts; one already recorded (the same unit, kind and row) stays as it is."""
    UsageFact.objects.bulk_create(facts, ignore_conflicts=True)


def intake_record(*, entry, service_key: str) -> None:
    facts_store([intake_fact(unit_id=connection.tenant.pk, entry=entry, service_key=service_key)])


def closing_record(*, case) -> None:
    entry = case.register_entry
    service_key = entry.submission.service_key if entry.submission_id else ""
    facts_store([closing_fact(unit_id=connection.tenant.pk, case=case, entry=entry, service_key=service_key)])


def payment_record(*, payment) -> None:
    facts_store(
        [payment_fact(unit_id=connection.tenant.pk, payment=payment, service_key=payment.submission.service_key)]
    )


def overdue_count_record(*, unit_id: int, day: datetime.date, open_cases: int, overdue_cases: int) -> None:
    OverdueCount.objects.update_or_create(
        unit_id=unit_id, day=day, defaults={"open_cases": open_cases, "overdue_cases": overdue_cases}
    )


def usage_rollup(*, everything: bool = False) -> list[datetime.date]:
    """Rebuild the months of the facts recorded since the last roll-up (less ROLLUP_MARGIN), or of all facts;
    returns the months rebuilt. One transaction: the dashboard sees the old months or the new ones."""
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        started = timezone.now()
        facts = UsageFact.objects.all()
        if state.facts_until is not None and not everything:
            facts = facts.filter(recorded_at__gte=state.facts_until - ROLLUP_MARGIN)
        months = sorted(facts.annotate(month=TruncMonth("day")).values_list("month", flat=True).distinct().order_by())
        for month in months:
            _month_rebuild(month)
        spans_rebuild()
        maturity_mix_rebuild()
        state.facts_until = started
        state.save(update_fields=["facts_until"])
    return months


def spans_rebuild(today: datetime.date | None = None) -> None:
    """Every unit's sums over each longer period the pages offer now (see UnitSpan), from its months."""
    UnitSpan.objects.all().delete()
    sums = ", ".join(_SUMS)
    with connection.cursor() as cursor:
        # A single month is UnitMonth's row; in December the last 12 months are the year.
        spans = {(period.first, period.last) for period in periods_offered(today) if period.first != period.last}
        for first, last in sorted(spans):
            cursor.execute(
                f"INSERT INTO {UnitSpan._meta.db_table} (unit_id, first, last, {sums}) "
                f"SELECT unit_id, %(first)s, %(last)s, {', '.join(f'sum({name})' for name in _SUMS)} "
                f"FROM {UnitMonth._meta.db_table} WHERE month >= %(first)s AND month <= %(last)s GROUP BY unit_id",
                {"first": first, "last": last},
            )


def maturity_mix_rebuild() -> None:
    """What units offer now by maturity level, and their own services as level 0 (see MaturityMix)."""
    levels = (
        Offering.objects.values(level=F("standard_service__published__maturity_level"))
        .annotate(services=Count("pk"))
        .order_by()
    )
    mix = [MaturityMix(level=row["level"], services=row["services"]) for row in levels if row["level"]]
    mix.append(MaturityMix(level=0, services=OwnServiceListing.objects.count()))
    MaturityMix.objects.all().delete()
    MaturityMix.objects.bulk_create(mix)


def _month_rebuild(month: datetime.date) -> None:
    after = (month + datetime.timedelta(days=32)).replace(day=1)
    for model in (UnitMonth, RegionMonth, ServiceMonth, DurationMonth):
        model.objects.filter(month=month).delete()
    facts, units = UsageFact._meta.db_table, Tenant._meta.db_table
    span = "f.day >= %(month)s AND f.day < %(after)s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {UnitMonth._meta.db_table} "
            "(unit_id, month, applications, letters, closed, closed_late, payments, paid_grosze) "
            "SELECT f.unit_id, %(month)s, "
            "count(*) FILTER (WHERE f.kind = 'intake' AND f.channel = 'electronic'), "
            "count(*) FILTER (WHERE f.kind = 'intake' AND f.channel <> 'electronic'), "
            "count(*) FILTER (WHERE f.kind = 'closing'), "
            "count(*) FILTER (WHERE f.kind = 'closing' AND f.late), "
            "count(*) FILTER (WHERE f.kind = 'payment'), "
            "coalesce(sum(f.amount_grosze) FILTER (WHERE f.kind = 'payment'), 0) "
            f"FROM {facts} f WHERE {span} GROUP BY f.unit_id",
            {"month": month, "after": after},
        )
        cursor.execute(
            f"INSERT INTO {RegionMonth._meta.db_table} (month, {', '.join(_SUMS)}) "
            f"SELECT %(month)s, {', '.join(f'coalesce(sum({name}), 0)' for name in _SUMS)} "
            f"FROM {UnitMonth._meta.db_table} WHERE month = %(month)s",
            {"month": month},
        )
        cursor.execute(
            f"INSERT INTO {ServiceMonth._meta.db_table} (month, service_key, applications) "
            "SELECT %(month)s, f.service_key, count(*) "
            f"FROM {facts} f WHERE {span} AND f.kind = 'intake' AND f.channel = 'electronic' GROUP BY f.service_key",
            {"month": month, "after": after},
        )
        cursor.execute(
            f"INSERT INTO {DurationMonth._meta.db_table} (month, unit_kind, days, closed) "
            "SELECT %(month)s, u.kind, f.duration_days, count(*) "
            f"FROM {facts} f JOIN {units} u ON u.id = f.unit_id "
            f"WHERE {span} AND f.kind = 'closing' GROUP BY u.kind, f.duration_days",
            {"month": month, "after": after},
        )
