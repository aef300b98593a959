"""A case's life as one list of events, oldest first: filed (the register entry), registered, assigned, forwarded,
notes, requests, replies and closed, each with who and when. A read: the audit chain holds who/when/what of the
state changes (target `case:<pk>`), the notes hold what was written and its attachment.

Four queries whatever the number of events: the audit entries, the notes with their authors, and one each for
the people and departments the entries name by id or account name."""

import os
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_services.audit.models import AuditEntry
from shared_services.identity.people import person_name
from shared_services.staff.models import Department

from .models import Case

# State changes the audit chain tells about; what notes, requests and replies said comes from the notes.
_AUDITED = {
    "case.register": "registered",
    "case.assign": "assigned",
    "case.forward": "forwarded",
    "case.close": "closed",
}
SYSTEM = "system"
# What each kind of event is called, on the case page and in the case file (case_file_pdf.py).
EVENT_LABELS = {
    "filed": gettext_lazy("Filed"),
    "registered": gettext_lazy("Registered"),
    "assigned": gettext_lazy("Assigned"),
    "forwarded": gettext_lazy("Forwarded"),
    "note": gettext_lazy("Internal note"),
    "request": gettext_lazy("Request for documents"),
    "reply": gettext_lazy("Reply to the resident"),
    "closed": gettext_lazy("Closed"),
}


@dataclass(frozen=True)
class TimelineAttachment:
    name: str
    url: str


@dataclass(frozen=True)
class TimelineEvent:
    kind: str  # filed, registered, assigned, forwarded, note, request, reply, closed
    when: datetime
    who: str
    text: str = ""
    attachments: tuple[TimelineAttachment, ...] = field(default_factory=tuple)
    person: object = None  # the account of the member of staff who acted; None for the resident or the system

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


def case_timeline(case: Case) -> list[TimelineEvent]:
    """`case` with its register_entry loaded (the case page selects it with the case)."""
    entry = case.register_entry
    events = [TimelineEvent(kind="filed", when=entry.received_at, who=entry.sender_name or _("resident"))]
    audited = list(AuditEntry.objects.filter(target=f"case:{case.pk}", action__in=_AUDITED).order_by("sequence"))
    user_ids = {entry.after.get("assignee") for entry in audited if entry.after and entry.after.get("assignee")}
    department_ids = {entry.after.get("department") for entry in audited if entry.after}
    people = _people(usernames={entry.actor for entry in audited}, ids=user_ids)
    departments = {department.pk: department.name for department in Department.objects.filter(pk__in=department_ids)}
    for audit in audited:
        kind = _AUDITED[audit.action]
        after = audit.after or {}
        actor = people.get(audit.actor)
        who = person_name(actor) if actor else (_("system") if audit.actor == SYSTEM else _("former staff member"))
        events.append(
            TimelineEvent(
                kind=kind,
                when=audit.recorded_at,
                who=who,
                text=_audit_text(kind, after, people, departments),
                person=actor,
            )
        )
    for note in case.notes.select_related("author"):
        attachments = ()
        if note.attachment:
            url = reverse("clerk-case-note-attachment", args=[case.pk, note.pk])
            attachments = (TimelineAttachment(name=os.path.basename(note.attachment.name), url=url),)
        events.append(
            TimelineEvent(
                kind=note.kind,
                when=note.created_at,
                who=person_name(note.author) or _("former staff member"),
                text=note.text,
                attachments=attachments,
                person=note.author,
            )
        )
    return sorted(events, key=lambda event: event.when)


def _people(*, usernames: set[str], ids: set[int]) -> dict:
    """Accounts by account name (as the audit chain names actors) and by id (as it names assignees)."""
    found = get_user_model().objects.filter(Q(username__in=usernames) | Q(pk__in=ids)) if usernames or ids else []
    people = {}
    for user in found:
        people[user.username] = people[user.pk] = user
    return people


def _audit_text(kind: str, after: dict, people: dict, departments: dict) -> str:
    department = departments.get(after.get("department"), "")
    if kind == "registered":
        return _("Case sign %(sign)s, department: %(department)s.") % {
            "sign": after.get("sign", ""),
            "department": department,
        }
    if kind == "assigned":
        return _("Assigned to %(person)s.") % {"person": person_name(people.get(after.get("assignee"))) or "—"}
    if kind == "forwarded":
        return _("Forwarded to %(department)s.") % {"department": department}
    return after.get("resolution") or ""
