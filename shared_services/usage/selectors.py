"""Reads of the usage indicators: the periods, the figures of one unit (from its own facts) and the shared rules
(percentiles from day histograms, the maturity mix). The regional dashboard's reads, which group units by
powiat, are onboarding/usage.py; both fill the same `Figures`.

The definitions written on the pages (templates/usage/_definitions.html) are the rules implemented here.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_services.catalogue.models import Offering, OwnServiceListing, StandardService
from shared_services.inbox.models import Case

from .models import OWN_SERVICE, FactKind, OverdueCount, UsageFact

MATURITY_LEVELS = {
    1: gettext_lazy("1 – information"),
    2: gettext_lazy("2 – forms to download"),
    3: gettext_lazy("3 – filed electronically"),
    4: gettext_lazy("4 – handled and paid electronically"),
    5: gettext_lazy("5 – personalised"),
}
TOP_SERVICES = 15


# --- periods ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole months from `first` to `last` (the first days of both), named by `key` in the address (`okres`)."""

    key: str
    first: datetime.date
    last: datetime.date

    @property
    def end(self) -> datetime.date:
        """The period's last day."""
        return _next_month(self.last) - datetime.timedelta(days=1)

    @property
    def months(self) -> list[datetime.date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = _next_month(month)
        return months

    def includes(self, day: datetime.date) -> bool:
        return self.first <= day <= self.end

    @property
    def label(self) -> str:
        if self.key == LAST_12_MONTHS:
            return _("the last 12 months (%(first)s – %(last)s)") % {
                "first": date_format(self.first, "F Y"),
                "last": date_format(self.last, "F Y"),
            }
        if self.first == self.last:
            return date_format(self.first, "F Y")
        return str(self.first.year)


LAST_12_MONTHS = "12m"


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def periods_offered(today: datetime.date | None = None) -> list[Period]:
    """The last 12 months, this year and the two before it, and each of the last 12 months, newest first."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    months = [this_month]
    for _index in range(11):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    periods = [Period(LAST_12_MONTHS, months[-1], this_month)]
    periods += [
        Period(str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 1))
        for year in range(today.year, today.year - 3, -1)
    ]
    periods += [Period(month.strftime("%Y-%m"), month, month) for month in months]
    return periods


def period_of(key: str | None, today: datetime.date | None = None) -> Period | None:
    """The offered period named `key` (the last 12 months when no key is given); None when none is so named."""
    key = key or LAST_12_MONTHS
    return next((period for period in periods_offered(today) if period.key == key), None)


# --- the figures --------------------------------------------------------------------------------------------


def percentile_days(histogram: dict[int, int], share: float) -> int | None:
    """The smallest number of days within which at least `share` of the cases were handled (nearest rank);
    None without cases. Exact, because durations are whole days."""
    total = sum(histogram.values())
    if not total:
        return None
    rank, running = math.ceil(share * total), 0
    for days in sorted(histogram):
        running += histogram[days]
        if running >= rank:
            return days
    return None  # not reached: running ends at total


def electronic_share(applications: int, letters: int) -> int | None:
    """Applications filed electronically as a whole percentage of them and letters, rounded half up."""
    total = applications + letters
    return (applications * 200 + total) // (2 * total) if total else None


@dataclass
class Totals:
    """What facts add up to, for a unit, a group of units or the region."""

    applications: int = 0
    letters: int = 0
    closed: int = 0
    closed_late: int = 0
    payments: int = 0
    paid_grosze: int = 0

    def add(self, other: "Totals") -> None:
        self.applications += other.applications
        self.letters += other.letters
        self.closed += other.closed
        self.closed_late += other.closed_late
        self.payments += other.payments
        self.paid_grosze += other.paid_grosze

    @property
    def electronic_share(self) -> int | None:
        return electronic_share(self.applications, self.letters)

    @property
    def paid(self) -> Decimal:
        return (Decimal(self.paid_grosze) / 100).quantize(Decimal("0.01"))


@dataclass
class Figures:
    period: Period
    totals: Totals
    median_days: int | None
    p90_days: int | None
    overdue_cases: int | None  # None: not counted in the period
    open_cases: int | None
    overdue_counted_on: datetime.date | None
    by_month: list[tuple[datetime.date, Totals]]
    by_service: list[tuple[str, int]]
    """(service name, applications filed electronically), most first, at most TOP_SERVICES."""
    maturity: list[tuple[str, int]]
    """(maturity level, services offered at it) for levels 1–5, then units' own services."""
    active_units: int | None = None
    groups: dict[str, list] = field(default_factory=dict)


def service_names(keys) -> dict[str, str]:
    """Names of the services behind fact keys: a standard service's published name, "own services"."""
    names = dict(
        StandardService.objects.filter(slug__in=[key for key in keys if key != OWN_SERVICE]).values_list(
            "slug", "published__name"
        )
    )
    names = {slug: name or slug for slug, name in names.items()}
    names[OWN_SERVICE] = _("units' own services")
    return names


def top_services(counts: dict[str, int]) -> list[tuple[str, int]]:
    names = service_names(counts)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], item[0])))
    return [(names.get(key, key), count) for key, count in ordered[:TOP_SERVICES] if count]


def maturity_mix(offerings: dict[int | None, int], own_services: int) -> list[tuple[str, int]]:
    """Offered standard services by their card's maturity level, then own services (which have no level)."""
    mix = [(str(label), offerings.get(level, 0)) for level, label in MATURITY_LEVELS.items()]
    return mix + [(_("units' own services (no level)"), own_services)]


def offering_levels(offerings) -> dict[int | None, int]:
    """One query: `offerings` counted by the maturity level of their service's published card."""
    return dict(
        offerings.values(level=F("standard_service__published__maturity_level"))
        .annotate(count=Count("pk"))
        .values_list("level", "count")
        .order_by()
    )


def unit_figures(*, unit, period: Period, today: datetime.date | None = None) -> Figures:
    """One unit's indicators for `period`, from its own facts (a bounded set: one unit's), and its overdue cases
    counted now in its schema when the period includes today. Runs in the unit's schema."""
    today = today or timezone.localdate()
    facts = UsageFact.objects.filter(unit=unit, day__gte=period.first, day__lte=period.end)
    months = {month: Totals() for month in period.months}
    for row in (
        facts.values("kind", "channel", month=TruncMonth("day"))
        .annotate(count=Count("pk"), late=Count("pk", filter=Q(late=True)), amount=Sum("amount_grosze"))
        .order_by()
    ):
        totals = months.setdefault(row["month"], Totals())
        if row["kind"] == FactKind.INTAKE:
            if row["channel"] == "electronic":
                totals.applications += row["count"]
            else:
                totals.letters += row["count"]
        elif row["kind"] == FactKind.CLOSING:
            totals.closed += row["count"]
            totals.closed_late += row["late"]
        else:
            totals.payments += row["count"]
            totals.paid_grosze += row["amount"] or 0
    total = Totals()
    for month_totals in months.values():
        total.add(month_totals)
    histogram = dict(
        facts.filter(kind=FactKind.CLOSING)
        .values_list("duration_days")
        .annotate(count=Count("pk"))
        .values_list("duration_days", "count")
        .order_by()
    )
    services = dict(
        facts.filter(kind=FactKind.INTAKE, channel="electronic")
        .values_list("service_key")
        .annotate(count=Count("pk"))
        .values_list("service_key", "count")
        .order_by()
    )
    if period.includes(today):
        overdue = Case.objects.filter(Case.overdue_q(today)).count()
        open_cases = Case.objects.exclude(status="closed").count()
        counted_on = today
    else:
        count = OverdueCount.objects.filter(unit=unit, day__gte=period.first, day__lte=period.end).order_by("-day")
        count = count.first()
        overdue, open_cases, counted_on = (
            (count.overdue_cases, count.open_cases, count.day) if count else (None, None, None)
        )
    return Figures(
        period=period,
        totals=total,
        median_days=percentile_days(histogram, 0.5),
        p90_days=percentile_days(histogram, 0.9),
        overdue_cases=overdue,
        open_cases=open_cases,
        overdue_counted_on=counted_on,
        by_month=sorted(months.items()),
        by_service=top_services(services),
        maturity=maturity_mix(
            offering_levels(Offering.objects.filter(unit=unit)), OwnServiceListing.objects.filter(unit=unit).count()
        ),
    )
