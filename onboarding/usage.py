"""Selectors of the regional usage dashboard: the indicators of every participating unit together, by kind of
unit and by powiat, for a period — from the monthly roll-up (shared_services/usage), never from the units'
schemas, in a fixed number of queries whatever the number of units.

Queries: one statement adds the units' months up by unit and then by kind and powiat part of the code (with
each unit's last overdue count of the period), picks the units with most applications and adds the months up
(`_REGION_SQL`); then the services (1) with their names (1), the handling-time histograms by kind of unit (1)
and the maturity mix (1). What comes back is a row per kind and powiat, TOP_UNITS units and a row per month:
folding it in Python costs the same at 50 units or 2,807.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Sum
from django.utils.translation import gettext

from shared_services.usage.models import (
    DurationMonth,
    MaturityMix,
    OverdueCount,
    RegionMonth,
    ServiceMonth,
    UnitMonth,
    UnitSpan,
)
from shared_services.usage.selectors import Figures, Period, Totals, maturity_mix, percentile_days, top_services
from tenants.models import Tenant, UnitKind

from .participation import polish_sort_key_cached as _sort_key
from .participation import powiat_label_cached as _powiat_label
from .terc import powiat_label, units_by_code

TOP_UNITS = 20
_SUMS = ("applications", "letters", "closed", "closed_late", "payments", "paid_grosze")

_REGION_SQL = f"""
WITH span AS (
    SELECT 1 FROM {UnitSpan._meta.db_table} WHERE first = %(first)s AND last = %(last)s LIMIT 1
), per_unit AS (
    SELECT unit_id, {", ".join(_SUMS)} FROM {UnitSpan._meta.db_table} WHERE first = %(first)s AND last = %(last)s
    UNION ALL
    SELECT unit_id, {", ".join(f"sum({name})::{'bigint' if name == 'paid_grosze' else 'int'}" for name in _SUMS)}
    FROM {UnitMonth._meta.db_table} WHERE month >= %(first)s AND month <= %(last)s AND NOT EXISTS (SELECT * FROM span)
    GROUP BY unit_id
), last_count AS (
    SELECT max(day) AS day FROM {OverdueCount._meta.db_table} WHERE day >= %(first)s AND day <= %(end)s
), overdue AS (
    SELECT unit_id, overdue_cases FROM {OverdueCount._meta.db_table} WHERE day = (SELECT day FROM last_count)
), units AS (
    SELECT t.kind, t.code, t.name, {", ".join(f"coalesce(u.{name}, 0) AS {name}" for name in _SUMS)},
        o.overdue_cases
    FROM per_unit u FULL JOIN overdue o ON o.unit_id = u.unit_id
    JOIN {Tenant._meta.db_table} t ON t.id = coalesce(u.unit_id, o.unit_id)
)
SELECT 'group', kind, substr(code, 1, 4), min(code), count(*) FILTER (WHERE applications > 0),
    {", ".join(f"sum({name})" for name in _SUMS)}, sum(overdue_cases), NULL::date
FROM units GROUP BY kind, substr(code, 1, 4)
UNION ALL (
    SELECT 'unit', kind, code, name, 0, {", ".join(_SUMS)}, overdue_cases, NULL FROM units
    WHERE applications > 0 OR letters > 0 ORDER BY applications DESC, letters DESC, code LIMIT {TOP_UNITS}
)
UNION ALL
SELECT 'month', '', '', '', 0, {", ".join(_SUMS)}, NULL, month
FROM {RegionMonth._meta.db_table} WHERE month >= %(first)s AND month <= %(last)s
UNION ALL
SELECT 'counted', '', '', '', 0, {", ".join("0" for _name in _SUMS)}, NULL, day FROM last_count
"""


@dataclass
class UnitRow:
    code: str
    name: str
    kind: str
    totals: Totals
    overdue_cases: int | None = None

    @property
    def kind_label(self) -> str:
        return _kind_label(self.kind)


@dataclass
class GroupRow:
    """A kind of unit or a powiat: its active units and what their facts add up to."""

    label: str
    active_units: int
    totals: Totals
    overdue_cases: int = 0
    median_days: int | None = None
    p90_days: int | None = None
    counted: bool = False  # some unit of the group has an overdue count in the period


def region_figures(period: Period) -> Figures:
    with connection.cursor() as cursor:
        cursor.execute(_REGION_SQL, {"first": period.first, "last": period.last, "end": period.end})
        rows = cursor.fetchall()
    groups, units, months, counted_on = [], [], {month: Totals() for month in period.months}, None
    for what, kind, code, name, active, *sums, overdue, day in rows:
        totals = Totals(*map(int, sums))
        if what == "group":
            groups.append((kind, code, name, active, totals, overdue))
        elif what == "unit":
            units.append(UnitRow(code=code, name=name, kind=kind, totals=totals, overdue_cases=overdue))
        elif what == "month":
            months[day] = totals
        else:
            counted_on = day

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

    services = dict(
        ServiceMonth.objects.filter(month__gte=period.first, month__lte=period.last)
        .values_list("service_key")
        .annotate(count=Sum("applications"))
        .values_list("service_key", "count")
        .order_by()
    )
    mix = dict(MaturityMix.objects.values_list("level", "services"))

    total = Totals()
    for *_key, totals, _overdue in groups:
        total.add(totals)
    by_kind, by_powiat = _groups(groups, histograms)
    return Figures(
        period=period,
        totals=total,
        median_days=percentile_days(histograms[None], 0.5),
        p90_days=percentile_days(histograms[None], 0.9),
        overdue_cases=sum(overdue or 0 for *_rest, overdue in groups) if counted_on else None,
        open_cases=None,
        overdue_counted_on=counted_on,
        by_month=sorted(months.items()),
        by_service=top_services(services),
        maturity=maturity_mix({level: count for level, count in mix.items() if level}, mix.get(0, 0)),
        active_units=sum(active for _kind, _powiat, _code, active, _totals, _overdue in groups),
        groups={"kind": by_kind, "powiat": by_powiat, "units": units},
    )


def _groups(groups, histograms) -> tuple[list[GroupRow], list[GroupRow]]:
    """Rows of (kind, powiat part of the code, a code of it, active units, totals, overdue) folded by kind and
    by powiat, as the participation dashboard names powiats."""
    kinds, powiats, labels = {}, {}, {}
    kind_labels = dict(UnitKind.choices)
    for kind, powiat, code, active, totals, overdue in groups:
        label = _powiat_label(code)
        powiat_key = powiat if label else ""
        labels[powiat_key] = label or gettext("voivodeship and other units")
        if kind not in kinds:
            kinds[kind] = GroupRow(label=str(kind_labels.get(kind, kind)), active_units=0, totals=Totals())
        if powiat_key not in powiats:
            powiats[powiat_key] = GroupRow(label="", active_units=0, totals=Totals())
        for group in (kinds[kind], powiats[powiat_key]):
            group.totals.add(totals)
            group.active_units += active
            group.overdue_cases += overdue or 0
    for kind, group in kinds.items():
        group.median_days = percentile_days(histograms.get(kind, {}), 0.5)
        group.p90_days = percentile_days(histograms.get(kind, {}), 0.9)
    uses = defaultdict(int)
    for label in labels.values():
        uses[label] += 1
    for key, group in powiats.items():
        label = labels[key]
        group.label = f"{label} ({units_by_code()[key[:2]].name.lower()})" if uses[label] > 1 and key else label
    kind_order = {kind: index for index, kind in enumerate(UnitKind.values)}
    by_kind = [kinds[kind] for kind in sorted(kinds, key=lambda kind: kind_order.get(kind, 99))]
    by_powiat = sorted(powiats.values(), key=lambda group: (-group.totals.applications, _sort_key(group.label)))
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
