"""The case file (metryka sprawy) as A4 PDF, after the model in the instrukcja kancelaryjna (rozporządzenie w
sprawie instrukcji kancelaryjnej, załącznik nr 1): the unit, the znak sprawy, the case's title, its JRWA class and
archival category, then every step of the case — date, who did it (name and position), what was done, and the
documents (identifier and name).

The steps are the case's timeline (timeline.py), the one source the case page shows too. Positions are the
people's roles and departments today (the audit chain keeps who acted, not the post they held). Printed in
Polish whatever the interface language: it is a document of a Polish office's file."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shared_services.eforms.models import Attachment
from shared_services.identity.access import ROLE_ORDER, StaffRole
from shared_services.staff.models import StaffMember

from .models import Case
from .pdf_tables import PdfTable
from .timeline import TimelineEvent, case_timeline


@dataclass(frozen=True)
class CaseFileRow:
    number: int
    when: str
    who: str
    what: str
    documents: str


def case_file_pdf(case: Case, out: BinaryIO) -> None:
    """The case file of `case` (with its register_entry and department loaded) written to `out`."""
    with translation.override("pl"):
        entry = case.register_entry
        unit = connection.tenant.name
        facts = [
            _("Unit: %(unit)s") % {"unit": unit},
            _("Case sign: %(sign)s") % {"sign": case.sign or _("not registered yet")},
            _("Title of the case: %(title)s") % {"title": entry.subject},
            _("JRWA class: %(jrwa)s") % {"jrwa": case.jrwa or "—"},
            _("Archival category: %(category)s") % {"category": case.archival_category or "—"},
        ]
        columns = [
            (_("Item no."), 0.6),
            (_("Date"), 1.5),
            (_("Name and position of the person who acted"), 2.6),
            (_("What was done"), 4.2),
            (_("Document: identifier and name"), 2.6),
        ]
        title = _("Case file")
        with PdfTable(
            out, title=f"{title}: {case.sign or entry.label}", facts=facts, columns=columns, author=unit
        ) as table:
            for row in case_file_rows(case):
                table.row([str(row.number), row.when, row.who, row.what, row.documents])


def case_file_rows(case: Case) -> list[CaseFileRow]:
    """Every step of the case, oldest first, in the active language."""
    events = case_timeline(case)
    positions = _positions({event.person.pk for event in events if event.person is not None})
    rows = []
    for number, event in enumerate(events, start=1):
        who = event.who
        if event.person is not None and positions.get(event.person.pk):
            who = f"{who}, {positions[event.person.pk]}"
        elif event.kind in ("filed", "answer"):
            who = _("%(name)s, applicant") % {"name": who}
        rows.append(
            CaseFileRow(
                number=number,
                when=timezone.localtime(event.when).strftime("%Y-%m-%d %H:%M"),
                who=who,
                what=f"{event.label}. {event.text}" if event.text else event.label,
                documents="\n".join(_documents(case, event)),
            )
        )
    return rows


def _documents(case: Case, event: TimelineEvent) -> Iterable[str]:
    """The documents of a step: what came in is known by its register number; every file by its name."""
    if event.kind == "filed":
        entry = case.register_entry
        yield _("Register no. %(number)s") % {"number": entry.label}
        if entry.submission_id:
            attachments = Attachment.objects.filter(submission_id=entry.submission_id).order_by("pk")
            yield from attachments.values_list("original_name", flat=True)
    yield from (attachment.name for attachment in event.attachments)


def _positions(user_ids: set[int]) -> dict[int, str]:
    """Each person's role in the office, with their department: "urzędnik, Wydział Spraw Obywatelskich"."""
    if not user_ids:
        return {}
    roles: dict[int, str] = {}
    memberships = get_user_model().groups.through.objects.filter(user_id__in=user_ids, group__name__in=ROLE_ORDER)
    for user_id, role in memberships.values_list("user_id", "group__name"):
        if user_id not in roles or ROLE_ORDER.index(role) < ROLE_ORDER.index(roles[user_id]):
            roles[user_id] = role  # the strongest role, as identity.access.office_role picks it
    departments = dict(
        StaffMember.objects.filter(user_id__in=user_ids, department__isnull=False).values_list(
            "user_id", "department__name"
        )
    )
    positions = {}
    for user_id in user_ids:
        role = str(StaffRole(roles[user_id]).label) if user_id in roles else ""
        positions[user_id] = ", ".join(part for part in (role, departments.get(user_id, "")) if part)
    return positions
