"""A case's life as one list of events, oldest first: filed (the register entry), registered, assigned, forwarded,
notes, requests, the deadline paused and resumed, the resident's answers and later letters, replies and closed,
each with who and when. A read: the audit chain holds who/when/what of the state changes (target `case:<pk>`),
the notes hold what was written and its attachment, the register the answers and letters with their files.

Six queries whatever the number of events: the audit entries, the notes with their authors, the case's later
register entries, the files of all its entries, and one each for the people and departments the audit entries
name by id or account name."""

import os
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from shared_services.audit.models import AuditEntry
from shared_services.identity.people import person_name
from shared_services.staff.models import Department

from .models import Case, Channel, EntryFile, EntryKind

# State changes the audit chain tells about; what notes, requests and replies said comes from the notes.
_AUDITED = {
    "case.register": "registered",
    "case.assign": "assigned",
    "case.forward": "forwarded",
    "case.pause": "paused",
    "case.resume": "resumed",
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
    "reply": pgettext_lazy("event on a case", "Reply to the resident"),
    "closed": gettext_lazy("Closed"),
    "paused": gettext_lazy("Deadline paused"),
    "resumed": gettext_lazy("Deadline resumed"),
    "answer": gettext_lazy("Resident's answer"),
    "letter": gettext_lazy("Letter received"),
}


@dataclass(frozen=True)
class TimelineAttachment:
    name: str
    url: str


@dataclass(frozen=True)
class TimelineEvent:
    kind: str  # filed, registered, assigned, forwarded, note, request, paused, answer, letter, resumed, reply, closed
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
    files = _entry_files(case)
    events = [
        TimelineEvent(
            kind="filed",
            when=entry.received_at,
            who=entry.sender_name or _("resident"),
            text=_letter_text(entry),
            attachments=files.get(entry.pk, ()),
        )
    ]
    for later in case.further_entries.order_by("received_at", "pk"):
        events.append(
            TimelineEvent(
                kind=later.kind if later.kind == EntryKind.ANSWER else "letter",
                when=later.received_at,
                who=later.sender_name,
                text=_letter_text(later),
                attachments=files.get(later.pk, ()),
            )
        )
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


def _entry_files(case: Case) -> dict[int, tuple[TimelineAttachment, ...]]:
    """The files of the case's register entries (a letter's scan, an answer's attachments), by entry."""
    files: dict[int, list[TimelineAttachment]] = {}
    for entry_file in EntryFile.objects.filter(Q(entry_id=case.register_entry_id) | Q(entry__for_case=case)):
        url = reverse("clerk-case-entry-file", args=[case.pk, entry_file.pk])
        files.setdefault(entry_file.entry_id, []).append(TimelineAttachment(name=entry_file.original_name, url=url))
    return {entry_id: tuple(attachments) for entry_id, attachments in files.items()}


def _letter_text(entry) -> str:
    """What an answer or a letter said, with how a letter came and its register number."""
    if entry.kind == EntryKind.APPLICATION:
        return ""
    number = _("Register no. %(number)s.") % {"number": entry.label}
    came = "" if entry.channel == Channel.ELECTRONIC else f"{Channel(entry.channel).label.capitalize()}. "
    return f"{came}{number} {entry.subject}\n{entry.text}".strip()


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
    if kind == "paused":
        return _("The deadline stands still while the office waits for the resident (KPA art. 35 § 5).")
    if kind == "resumed":
        return _resumed_text(after)
    return after.get("resolution") or ""


def _resumed_text(after: dict) -> str:
    days = after.get("days", 0)
    if not after.get("deadline"):
        return ngettext("The wait took %(days)d day.", "The wait took %(days)d days.", days) % {"days": days}
    deadline = date_format(date.fromisoformat(after["deadline"]), "j E Y")
    return ngettext(
        "The deadline moved by %(days)d day, to %(deadline)s.",
        "The deadline moved by %(days)d days, to %(deadline)s.",
        days,
    ) % {"days": days, "deadline": deadline}
