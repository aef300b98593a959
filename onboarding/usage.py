"""Selectors of the regional usage dashboard: the indicators of every participating unit together, by kind of
unit and by powiat, for a period — from the monthly roll-up (shared_services/usage), never from the units'
schemas, in a fixed number of queries whatever the number of units.

Queries: units' months by unit (1), by month (2), services (3) with their names (4), handling-time histograms
by kind of unit (5), the last overdue count of the period (6), offerings by maturity level (7) and own services
(8).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery, Sum
from django.utils.translation import gettext

from shared_services.catalogue.models import Offering, OwnServiceListing
from shared_services.usage.models import DurationMonth, OverdueCount, ServiceMonth, UnitMonth
from shared_services.usage.selectors import (
    Figures,
    Period,
    Totals,
    maturity_mix,
    offering_levels,
    percentile_days,
    top_services,
)
from tenants.models import UnitKind

from .participation import _polish_sort_key
from .terc import powiat_label, units_by_code

TOP_UNITS = 20
_SUMS = {name: Sum(name) for name in ("applications", "letters", "closed", "closed_late", "payments", "paid_grosze")}


@dataclass
class UnitRow:
    code: str
    name: str
    kind: str
    totals: Totals
    overdue_cases: int | None = None

    @property
    def kind_label(self) -> str:
        return UnitKind(self.kind).label if self.kind in UnitKind.values else self.kind


@dataclass
class GroupRow:
    """A kind of unit or a powiat: its active units and what their facts add up to."""

    label: str
    active_units: int
    totals: Totals
    overdue_cases: int = 0
    median_days: int | None = None
    p90_days: int | None = None


def region_unit_rows(period: Period) -> dict[int, UnitRow]:
    """Every unit with a fact in the period, with its totals and its last overdue count: one query."""
    rows = (
        UnitMonth.objects.filter(month__gte=period.first, month__lte=period.last)
        .values("unit_id", "unit__code", "unit__name", "unit__kind")
        .annotate(**_SUMS)
        .order_by()
    )
    units = {
        row["unit_id"]: UnitRow(
            code=row["unit__code"],
            name=row["unit__name"],
            kind=row["unit__kind"],
            totals=Totals(**{name: row[name] or 0 for name in _SUMS}),
        )
        for row in rows
    }
    return units


def _overdue_by_unit(period: Period) -> dict[int, tuple]:
    """The overdue cases of each unit on the last day of the period it was counted: one query."""
    last = (
        OverdueCount.objects.filter(unit=OuterRef("unit"), day__gte=period.first, day__lte=period.end)
        .order_by("-day")
        .values("day")[:1]
    )
    counts = OverdueCount.objects.filter(day__gte=period.first, day__lte=period.end, day=Subquery(last)).values_list(
        "unit_id", "unit__code", "unit__name", "unit__kind", "overdue_cases", "day"
    )
    return {unit_id: (code, name, kind, overdue, day) for unit_id, code, name, kind, overdue, day in counts}


def region_figures(period: Period) -> Figures:
    units = region_unit_rows(period)
    overdue = _overdue_by_unit(period)
    for unit_id, (code, name, kind, cases, _day) in overdue.items():
        row = units.get(unit_id) or units.setdefault(unit_id, UnitRow(code=code, name=name, kind=kind, totals=Totals()))
        row.overdue_cases = cases

    total = Totals()
    for row in units.values():
        total.add(row.totals)

    months = {month: Totals() for month in period.months}
    for row in (
        UnitMonth.objects.filter(month__gte=period.first, month__lte=period.last)
        .values("month")
        .annotate(**_SUMS)
        .order_by()
    ):
        months[row["month"]] = Totals(**{name: row[name] or 0 for name in _SUMS})

    services = dict(
        ServiceMonth.objects.filter(month__gte=period.first, month__lte=period.last)
        .values_list("service_key")
        .annotate(count=Sum("applications"))
        .values_list("service_key", "count")
        .order_by()
    )

    histograms = defaultdict(lambda: defaultdict(int))
    for kind, days, closed in (
        DurationMonth.objects.filter(month__gte=period.first, month__lte=period.last)
        .values_list("unit_kind", "days")
        .annotate(closed=Sum("closed"))
        .values_list("unit_kind", "days", "closed")
        .order_by()
    ):
        histograms[kind][days] += closed
        histograms[None][days] += closed

    by_kind, by_powiat = _groups(units.values(), histograms)
    counted = [day for *_rest, day in overdue.values()]
    ranked = sorted(
        (row for row in units.values() if row.totals.applications or row.totals.letters),
        key=lambda row: (-row.totals.applications, -row.totals.letters, _polish_sort_key(row.name)),
    )
    return Figures(
        period=period,
        totals=total,
        median_days=percentile_days(histograms[None], 0.5),
        p90_days=percentile_days(histograms[None], 0.9),
        overdue_cases=sum(row.overdue_cases or 0 for row in units.values()) if overdue else None,
        open_cases=None,
        overdue_counted_on=max(counted) if counted else None,
        by_month=sorted(months.items()),
        by_service=top_services(services),
        maturity=maturity_mix(offering_levels(Offering.objects.all()), OwnServiceListing.objects.count()),
        active_units=sum(1 for row in units.values() if row.totals.applications),
        groups={"kind": by_kind, "powiat": by_powiat, "units": ranked[:TOP_UNITS]},
    )


def _groups(units, histograms) -> tuple[list[GroupRow], list[GroupRow]]:
    kinds, powiats, labels = {}, {}, {}
    for row in units:
        kind = kinds.setdefault(row.kind, GroupRow(label=_kind_label(row.kind), active_units=0, totals=Totals()))
        powiat_key = row.code[:4] if powiat_label(row.code) else ""
        labels[powiat_key] = powiat_label(row.code) or gettext("voivodeship and other units")
        powiat = powiats.setdefault(powiat_key, GroupRow(label="", active_units=0, totals=Totals()))
        for group in (kind, powiat):
            group.totals.add(row.totals)
            group.active_units += 1 if row.totals.applications else 0
            group.overdue_cases += row.overdue_cases or 0
    for key, group in kinds.items():
        group.median_days = percentile_days(histograms.get(key, {}), 0.5)
        group.p90_days = percentile_days(histograms.get(key, {}), 0.9)
    uses = defaultdict(int)
    for label in labels.values():
        uses[label] += 1
    for key, group in powiats.items():
        label = labels[key]
        if uses[label] > 1 and key:
            label = f"{label} ({units_by_code()[key[:2]].name.lower()})"
        group.label = label
    kind_order = {kind: index for index, kind in enumerate(UnitKind.values)}
    by_kind = [kinds[kind] for kind in sorted(kinds, key=lambda kind: kind_order.get(kind, 99))]
    by_powiat = sorted(powiats.values(), key=lambda group: (-group.totals.applications, _polish_sort_key(group.label)))
    return by_kind, by_powiat


def _kind_label(kind: str) -> str:
    return str(UnitKind(kind).label) if kind in UnitKind.values else kind


def region_unit_months(period: Period):
    """Every unit's every month of the period with a fact, for the export: (month, code, name, kind, powiat,
    totals), by month then code. One query, read in chunks."""
    rows = (
        UnitMonth.objects.filter(month__gte=period.first, month__lte=period.last)
        .values_list("month", "unit__code", "unit__name", "unit__kind", *_SUMS)
        .order_by("month", "unit__code")
    )
    for month, code, name, kind, *sums in rows.iterator(chunk_size=2000):
        yield month, code, name, _kind_label(kind), powiat_label(code) or "", Totals(*sums)


def region_service_months(period: Period):
    """Applications filed electronically per service and month of the period, for the export."""
    return (
        ServiceMonth.objects.filter(month__gte=period.first, month__lte=period.last)
        .values_list("month", "service_key", "applications")
        .order_by("month", "service_key")
    )
