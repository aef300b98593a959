"""The office's start page in numbers: how many of the cases a member of staff may see (permissions.visible_cases)
came in, were registered, are being worked on, wait for the resident, are overdue or were closed — for today,
this week and this month, and per department.

Periods are calendar ones in the unit's time (Europe/Warsaw): today; this week from Monday; this month from its
first day — each up to now. Every count is of cases, defined so that its inbox link (clerk_views.CaseFilterForm:
status, department, received_from, received_to, overdue) lists the same cases wherever the filters allow:

- new: received (register_entry.received_at) in the period, whatever has happened to them since; and of them, those
  whose first letter came electronically, on paper or by e-mail (register_entry.channel);
- registered: received in the period and given their znak sprawy (a sign), i.e. now in progress, awaiting the
  resident or closed. A case keeps no time of its registration, so the period is that of receipt; the inbox
  has no "registered" filter, so the link lists all received in the period (new ones among them);
- in progress / awaiting the resident: received in the period and in that status now (a case awaiting the
  resident has its deadline paused, KPA art. 35 § 5);
- overdue: received in the period, its deadline passed (before today), neither closed nor paused (Case.overdue_q);
- closed: closed (closed_at) in the period — the one count by its event's time; the inbox cannot filter by the
  closing date, so the link lists every closed case.

`overdue_now` is every overdue case, whenever received: the first thing the page shows.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from shared_services.identity.access import StaffRole, office_role

from .models import Case, CaseStatus, Channel
from .permissions import visible_cases

PERIODS = ("today", "week", "month")
REGISTERED = (CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_RESIDENT, CaseStatus.CLOSED)


def period_starts(today: datetime.date) -> dict[str, datetime.date]:
    return {"today": today, "week": today - datetime.timedelta(days=today.weekday()), "month": today.replace(day=1)}


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _inbox_url(**params) -> str:
    query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
    return reverse("clerk-inbox") + (f"?{query}" if query else "")


@dataclass
class Tally:
    """A number, and the inbox listing what it counts ("" when the inbox cannot)."""

    number: int
    url: str


@dataclass
class DepartmentCounts:
    department_id: int | None
    name: str
    overdue: Tally
    new: Tally
    in_progress: Tally
    awaiting_resident: Tally

    @property
    def tallies(self) -> tuple[Tally, ...]:
        return (self.overdue, self.new, self.in_progress, self.awaiting_resident)


@dataclass
class OfficeCounts:
    overdue_now: Tally
    rows: list[tuple[str, dict[str, Tally]]] = field(default_factory=list)  # (kind, {period: count})
    departments: list[DepartmentCounts] = field(default_factory=list)


# New cases by how their first letter came: "new_electronic", "new_paper", "new_email".
NEW_BY_CHANNEL = {f"new_{channel}": channel for channel in Channel.values}
KINDS = ("new", *NEW_BY_CHANNEL, "registered", "in_progress", "awaiting_resident", "overdue", "closed")


def _overdue(today: datetime.date) -> Q:
    # For a given day: the counts take `today` as an argument, so that they can be checked.
    return Case.overdue_q(today)


def _conditions(start: datetime.date, today: datetime.date) -> dict[str, Q]:
    since, until = _local_midnight(start), _local_midnight(today + datetime.timedelta(days=1))
    received = Q(register_entry__received_at__gte=since, register_entry__received_at__lt=until)
    by_channel = {kind: received & Q(register_entry__channel=channel) for kind, channel in NEW_BY_CHANNEL.items()}
    return {
        "new": received,
        **by_channel,
        "registered": received & Q(status__in=REGISTERED) & ~Q(sign=""),
        "in_progress": received & Q(status=CaseStatus.IN_PROGRESS),
        "awaiting_resident": received & Q(status=CaseStatus.AWAITING_RESIDENT),
        "overdue": received & _overdue(today),
        "closed": Q(status=CaseStatus.CLOSED, closed_at__gte=since, closed_at__lt=until),
    }


def _link(kind: str, start: datetime.date, today: datetime.date) -> str:
    received = {"received_from": start.isoformat(), "received_to": today.isoformat()}
    by_channel = {kind: _inbox_url(channel=channel, **received) for kind, channel in NEW_BY_CHANNEL.items()}
    return {
        "new": _inbox_url(**received),
        **by_channel,
        "registered": _inbox_url(**received),
        "in_progress": _inbox_url(status=CaseStatus.IN_PROGRESS, **received),
        "awaiting_resident": _inbox_url(status=CaseStatus.AWAITING_RESIDENT, **received),
        "overdue": _inbox_url(overdue="on", **received),
        "closed": _inbox_url(status=CaseStatus.CLOSED),
    }[kind]


def office_counts(user, *, today: datetime.date | None = None) -> OfficeCounts:
    """The start page's numbers for `user` (two queries; one without the per-department part, for clerks)."""
    today = today or timezone.localdate()
    starts = period_starts(today)
    cases = visible_cases(user)
    aggregates = {"overdue_now": Count("pk", filter=_overdue(today))}
    for period, start in starts.items():
        for kind, condition in _conditions(start, today).items():
            aggregates[f"{kind}__{period}"] = Count("pk", filter=condition)
    numbers = cases.aggregate(**aggregates)
    counts = OfficeCounts(overdue_now=Tally(numbers["overdue_now"], _inbox_url(overdue="on")))
    for kind in KINDS:
        counts.rows.append(
            (
                kind,
                {period: Tally(numbers[f"{kind}__{period}"], _link(kind, starts[period], today)) for period in PERIODS},
            )
        )
    if office_role(user) in (StaffRole.UNIT_ADMIN, StaffRole.DEPARTMENT_HEAD):
        counts.departments = _per_department(cases, today)
    return counts


def _per_department(cases, today: datetime.date) -> list[DepartmentCounts]:
    """What each department has on its desk now; the ones with the most overdue cases first."""
    rows = (
        cases.values("department_id", "department__name", "department__code")
        .annotate(
            overdue=Count("pk", filter=_overdue(today)),
            new=Count("pk", filter=Q(status=CaseStatus.NEW)),
            in_progress=Count("pk", filter=Q(status=CaseStatus.IN_PROGRESS)),
            awaiting_resident=Count("pk", filter=Q(status=CaseStatus.AWAITING_RESIDENT)),
        )
        .order_by("-overdue", "department__name")
    )
    departments = []
    for row in rows:
        department = row["department_id"]
        # Cases with no department yet cannot be picked in the inbox's filter: their counts are not links.

        def link(department=department, **params) -> str:
            return _inbox_url(department=department, **params) if department else ""

        departments.append(
            DepartmentCounts(
                department_id=department,
                name=f"{row['department__name']} ({row['department__code']})" if department else "",
                overdue=Tally(row["overdue"], link(overdue="on")),
                new=Tally(row["new"], link(status=CaseStatus.NEW)),
                in_progress=Tally(row["in_progress"], link(status=CaseStatus.IN_PROGRESS)),
                awaiting_resident=Tally(row["awaiting_resident"], link(status=CaseStatus.AWAITING_RESIDENT)),
            )
        )
    return departments
