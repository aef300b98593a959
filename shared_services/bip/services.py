"""Writes of a unit's BIP: publishing, changing and withdrawing items (each a new version, in one transaction
with its audit entry), the subject menu, the editorial office, and subscriptions.

Times: every service takes `now` (the current time unless given) so that the seed and the tests can place a
version in the past; a new version is published at `published_at` (now when empty, or later: scheduled),
never before now.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_services.audit.services import audit_record
from shared_services.inbox.outbox import outbox_add

from .models import ChangeKind, Editor, EditorialOffice, Publication, PublicationVersion, Section, Subscription
from .seed_data import standard_sections
from .selectors import section_subscription_key

OUTBOX_CONFIRM = "bip_subscription_confirm"
OUTBOX_ANNOUNCE = "bip_announce"

CONTENT_FIELDS = ("title", "summary", "body", "data", "produced_by", "produced_on", "entered_by")
WITHHELD_FIELDS = ("withheld_scope", "withheld_basis", "withheld_by")


def _version_state(version: PublicationVersion) -> dict:
    return {
        "number": version.number,
        "kind": version.kind,
        "title": version.title,
        "published_at": version.published_at,
        "produced_by": version.produced_by,
        "produced_on": version.produced_on,
        "entered_by": version.entered_by,
        "change_note": version.change_note,
        "withdrawal_reason": version.withdrawal_reason,
        "withheld_scope": version.withheld_scope,
    }


def _audit(actor: str, action: str, publication: Publication, version: PublicationVersion | None, before=None):
    audit_record(
        actor=actor,
        action=f"bip.{action}",
        target=f"bip_publication:{publication.pk}",
        before=before,
        after=_version_state(version) if version is not None else None,
    )


def _publication_time(published_at: datetime | None, now: datetime) -> datetime:
    if published_at is None:
        return now
    if published_at < now - timezone.timedelta(minutes=1):
        raise ValidationError({"published_at": _("The publication time cannot be in the past.")})
    return published_at


def _new_version(publication: Publication, **fields) -> PublicationVersion:
    version = PublicationVersion(publication=publication, publisher=connection.tenant.name, **fields)
    version.full_clean(exclude=["publication"])
    version.save()
    return version


def _locked(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().get(pk=publication.pk)


def _refuse_while_pending(publication: Publication, now: datetime) -> PublicationVersion:
    """The newest version, refusing a change of a draft (it is edited, not changed) or of an item whose
    scheduled version has not come yet (cancel it first): so a version's time is never before its
    predecessor's."""
    last = publication.versions.get(number=publication.last_number)
    if last.published_at is None:
        raise ValidationError(_("This item is a draft: edit or publish the draft."))
    if last.published_at > now:
        raise ValidationError(_("A scheduled version of this item is waiting: cancel it first."))
    if publication.withdrawn:
        raise ValidationError(_("This item has been withdrawn."))
    return last


@transaction.atomic
def publication_create(
    *,
    actor: str,
    section: Section,
    title: str,
    produced_by: str,
    produced_on: date,
    entered_by: str,
    body: str = "",
    summary: str = "",
    data: dict | None = None,
    published_at: datetime | None = None,
    draft: bool = False,
    source_app: str = "",
    source_key: str = "",
    withheld_scope: str = "",
    withheld_basis: str = "",
    withheld_by: str = "",
    now: datetime | None = None,
) -> Publication:
    """A new item: published now, scheduled (`published_at` later), or kept as a draft (`draft=True`) that
    nobody but the office sees. Its subscribers are told once it is visible."""
    now = now or timezone.now()
    when = None if draft else _publication_time(published_at, now)
    if source_app and Publication.objects.filter(source_app=source_app, source_key=source_key).exists():
        raise ValidationError(_("This record is already published in BIP."))
    publication = Publication.objects.create(
        section=section, source_app=source_app, source_key=source_key, last_number=1
    )
    version = _new_version(
        publication,
        number=1,
        kind=ChangeKind.CREATED,
        title=title,
        summary=summary,
        body=body,
        data=data,
        produced_by=produced_by,
        produced_on=produced_on,
        entered_by=entered_by,
        published_at=when,
        changed_by=actor,
        withheld_scope=withheld_scope,
        withheld_basis=withheld_basis,
        withheld_by=withheld_by,
    )
    _audit(actor, "draft" if draft else "publish", publication, version)
    if when is not None and when <= now:
        _announce(publication, now)
    return publication


@transaction.atomic
def publication_draft_update(*, actor: str, publication: Publication, section: Section | None = None, **content):
    """Rewrite a draft (never published, so it has no register to keep)."""
    unknown = set(content) - set(CONTENT_FIELDS) - set(WITHHELD_FIELDS)
    if unknown:
        raise TypeError(f"not publication fields: {', '.join(sorted(unknown))}")
    publication = _locked(publication)
    version = publication.versions.get(number=publication.last_number)
    if version.published_at is not None:
        raise ValidationError(_("Only a draft can be rewritten; a published item is changed by a new version."))
    before = _version_state(version)
    for field, value in content.items():
        setattr(version, field, value)
    version.full_clean(exclude=["publication"])
    version.save()
    if section is not None and section.pk != publication.section_id:
        publication.section = section
        publication.save(update_fields=["section"])
    _audit(actor, "draft_update", publication, version, before)
    return version


@transaction.atomic
def publication_draft_publish(
    *, actor: str, publication: Publication, published_at: datetime | None = None, now: datetime | None = None
) -> PublicationVersion:
    now = now or timezone.now()
    publication = _locked(publication)
    version = publication.versions.get(number=publication.last_number)
    if version.published_at is not None:
        raise ValidationError(_("This item is already published."))
    version.published_at = _publication_time(published_at, now)
    version.save(update_fields=["published_at"])
    _audit(actor, "publish", publication, version)
    if version.published_at <= now:
        _announce(publication, now)
    return version


@transaction.atomic
def publication_draft_discard(*, actor: str, publication: Publication) -> None:
    """Delete a draft nobody has seen (it has no register to keep; the audit trail keeps its last state)."""
    publication = _locked(publication)
    version = publication.versions.get(number=publication.last_number)
    if version.published_at is not None or publication.last_number != 1:
        raise ValidationError(_("Only a draft can be discarded; a published item is withdrawn."))
    _audit(actor, "draft_discard", publication, None, _version_state(version))
    publication.delete()


@transaction.atomic
def publication_change(
    *,
    actor: str,
    publication: Publication,
    change_note: str,
    published_at: datetime | None = None,
    section: Section | None = None,
    now: datetime | None = None,
    **content,
) -> PublicationVersion:
    """A new version: the previous one's content with `content` changed (fields of CONTENT_FIELDS and
    WITHHELD_FIELDS), visible at `published_at` (now, or scheduled); the earlier versions stay readable."""
    unknown = set(content) - set(CONTENT_FIELDS) - set(WITHHELD_FIELDS)
    if unknown:
        raise TypeError(f"not publication fields: {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    publication = _locked(publication)
    last = _refuse_while_pending(publication, now)
    fields = {name: getattr(last, name) for name in (*CONTENT_FIELDS, *WITHHELD_FIELDS)}
    fields.update(content)
    if not change_note.strip():
        raise ValidationError({"change_note": _("Say what changed.")})
    version = _new_version(
        publication,
        number=last.number + 1,
        kind=ChangeKind.CHANGED,
        published_at=_publication_time(published_at, now),
        changed_by=actor,
        change_note=change_note,
        **fields,
    )
    publication.last_number = version.number
    update = ["last_number"]
    if section is not None and section.pk != publication.section_id:
        publication.section, update = section, [*update, "section"]
    publication.save(update_fields=update)
    _audit(actor, "change", publication, version, _version_state(last))
    return version


@transaction.atomic
def publication_withdraw(
    *,
    actor: str,
    publication: Publication,
    reason: str,
    entered_by: str,
    withheld_scope: str = "",
    withheld_basis: str = "",
    withheld_by: str = "",
    now: datetime | None = None,
) -> PublicationVersion:
    """Withdraw the item now: a last version says so and why; the item stays in the change register and its
    earlier versions stay readable. A draft is discarded instead (publication_draft_discard)."""
    now = now or timezone.now()
    publication = _locked(publication)
    if publication.withdrawn:
        raise ValidationError(_("This item has been withdrawn."))
    last = publication.versions.get(number=publication.last_number)
    if last.published_at is None:
        raise ValidationError(_("A draft has never been public: discard it instead."))
    if last.published_at > now:
        raise ValidationError(_("A scheduled version of this item is waiting: cancel it first."))
    if not reason.strip():
        raise ValidationError({"withdrawal_reason": _("Give the reason for withdrawal.")})
    version = _new_version(
        publication,
        number=last.number + 1,
        kind=ChangeKind.WITHDRAWN,
        title=last.title,
        summary="",
        body="",
        data=None,
        produced_by=last.produced_by,
        produced_on=last.produced_on,
        entered_by=entered_by,
        published_at=now,
        changed_by=actor,
        withdrawal_reason=reason,
        withheld_scope=withheld_scope,
        withheld_basis=withheld_basis,
        withheld_by=withheld_by,
    )
    publication.last_number, publication.withdrawn = version.number, True
    publication.save(update_fields=["last_number", "withdrawn"])
    _audit(actor, "withdraw", publication, version, _version_state(last))
    return version


@transaction.atomic
def publication_schedule_cancel(*, actor: str, publication: Publication, now: datetime | None = None) -> None:
    """Take back a scheduled version before its time: nobody has seen it, so it leaves no version behind (the
    audit trail keeps it). A scheduled new item becomes a draft."""
    now = now or timezone.now()
    publication = _locked(publication)
    last = publication.versions.get(number=publication.last_number)
    if last.published_at is None or last.published_at <= now:
        raise ValidationError(_("Nothing of this item is waiting to be published."))
    before = _version_state(last)
    if last.number == 1:
        last.published_at = None
        last.save(update_fields=["published_at"])
        _audit(actor, "schedule_cancel", publication, last, before)
        return
    last.delete()
    publication.last_number = last.number - 1
    publication.save(update_fields=["last_number"])
    _audit(actor, "schedule_cancel", publication, None, before)


def publication_for_source_save(
    *,
    actor: str,
    source_app: str,
    source_key: str,
    section: Section,
    change_note: str = "",
    now: datetime | None = None,
    **content,
) -> Publication:
    """For apps publishing their records (registers): publish the record the first time, afterwards a new
    version when its content differs (no version when nothing changed). `content` as for publication_create
    (title, produced_by, produced_on, entered_by, body, summary, data, published_at)."""
    existing = Publication.objects.filter(source_app=source_app, source_key=source_key).first()
    if existing is None:
        return publication_create(
            actor=actor, section=section, source_app=source_app, source_key=source_key, now=now, **content
        )
    published_at = content.pop("published_at", None)
    last = existing.versions.get(number=existing.last_number)
    if all(getattr(last, name) == value for name, value in content.items()) and section.pk == existing.section_id:
        return existing
    publication_change(
        actor=actor,
        publication=existing,
        change_note=change_note or _("Record updated"),
        published_at=published_at,
        section=section,
        now=now,
        **content,
    )
    return existing


# The subject menu


@transaction.atomic
def section_save(
    *,
    actor: str,
    section: Section | None = None,
    key: str | None = None,
    title: str,
    title_en: str = "",
    description: str = "",
    visible: bool = True,
) -> Section:
    """Add the unit's own section (`section` None: `key` required) or rename one."""
    before = None
    if section is None:
        position = (Section.objects.aggregate(last=Max("position"))["last"] or 0) + 10
        section = Section(key=key or "", position=position)
    else:
        section = Section.objects.select_for_update().get(pk=section.pk)
        before = {"title": section.title, "title_en": section.title_en, "visible": section.visible}
    section.title, section.title_en, section.description, section.visible = title, title_en, description, visible
    section.full_clean()
    section.save()
    audit_record(
        actor=actor,
        action="bip.section_save",
        target=f"bip_section:{section.key}",
        before=before,
        after={"title": section.title, "title_en": section.title_en, "visible": section.visible},
    )
    return section


def section_ensure(*, key: str, title: str, title_en: str = "") -> Section:
    """The section `key`, added at the menu's end when the unit lacks it (for apps that publish into a section
    of their own, e.g. one register). Its title stays the unit's to change."""
    section = Section.objects.filter(key=key).first()
    return section or section_save(actor="system", key=key, title=title, title_en=title_en)


@transaction.atomic
def section_move(*, actor: str, section: Section, up: bool) -> None:
    """Swap the section with its neighbour above (or below) in the menu."""
    sections = list(Section.objects.select_for_update().order_by("position", "pk"))
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(sections):
        return
    sections[index], sections[other] = sections[other], sections[index]
    for position, each in enumerate(sections):
        if each.position != (position + 1) * 10:
            each.position = (position + 1) * 10
            each.save(update_fields=["position"])
    audit_record(actor=actor, action="bip.section_move", target=f"bip_section:{section.key}", after={"up": up})


# The editorial office


@transaction.atomic
def editorial_office_save(
    *, actor: str, name: str, address: str, phone: str = "", email: str = "", request_info: str = ""
) -> EditorialOffice:
    office = EditorialOffice.objects.select_for_update().filter(singleton=True).first() or EditorialOffice()
    before = None if office.pk is None else _office_state(office)
    office.name, office.address, office.phone, office.email = name, address, phone, email
    office.request_info = request_info
    office.full_clean()
    office.save()
    audit_record(actor=actor, action="bip.office_save", target="bip_office", before=before, after=_office_state(office))
    return office


def _office_state(office: EditorialOffice) -> dict:
    return {"name": office.name, "address": office.address, "phone": office.phone, "email": office.email}


@transaction.atomic
def editor_save(
    *, actor: str, editor: Editor | None = None, name: str, phone: str, email: str, role: str = ""
) -> Editor:
    if editor is None:
        editor = Editor(position=(Editor.objects.aggregate(last=Max("position"))["last"] or 0) + 10)
        before = None
    else:
        editor = Editor.objects.select_for_update().get(pk=editor.pk)
        before = {"name": editor.name, "phone": editor.phone, "email": editor.email, "role": editor.role}
    editor.name, editor.phone, editor.email, editor.role = name, phone, email, role
    editor.full_clean()
    editor.save()
    after = {"name": editor.name, "phone": editor.phone, "email": editor.email, "role": editor.role}
    audit_record(actor=actor, action="bip.editor_save", target=f"bip_editor:{editor.pk}", before=before, after=after)
    return editor


@transaction.atomic
def editor_remove(*, actor: str, editor: Editor) -> None:
    """Remove an editor; the last one stays (the regulation requires at least one)."""
    if Editor.objects.select_for_update().count() <= 1:
        raise ValidationError(_("BIP must name at least one editor."))
    audit_record(
        actor=actor, action="bip.editor_remove", target=f"bip_editor:{editor.pk}", before={"name": editor.name}
    )
    editor.delete()


# Subscriptions (maturity level 3)


@transaction.atomic
def subscription_request(*, email: str, key: str, language: str = "pl") -> Subscription:
    """Ask to follow `key`: a confirmation link is sent to `email` (again, when asked again before confirming).
    Nothing is mailed about publications before the address confirms. A confirmed address asking again
    changes nothing (and says nothing about whether it was subscribed)."""
    email = email.strip().lower()
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        email=email, key=key, defaults={"language": language}
    )
    if created:
        subscription.full_clean()
    if subscription.confirmed_at is None:
        outbox_add(
            kind=OUTBOX_CONFIRM,
            # One link an hour at most, however often the address is typed in: nobody's mailbox is flooded.
            key=f"bip-confirm:{subscription.token}:{timezone.now():%Y%m%d%H}",
            payload={"subscription_id": subscription.pk, "sent": f"{timezone.now():%Y%m%d%H}"},
        )
    return subscription


@transaction.atomic
def subscription_confirm(*, token) -> Subscription | None:
    subscription = Subscription.objects.select_for_update().filter(token=token).first()
    if subscription is not None and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
        audit_record(actor=subscription.email, action="bip.subscribe", target=f"subscription:{subscription.key}")
    return subscription


@transaction.atomic
def subscription_cancel(*, token) -> bool:
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is None:
        return False
    audit_record(actor=subscription.email, action="bip.unsubscribe", target=f"subscription:{subscription.key}")
    subscription.delete()
    return True


def subscribers_announce(*, key: str, title: str, path: str, now: datetime | None = None) -> int:
    """Queue an e-mail about a new publication (`title`, at `path` on the unit's site) to every confirmed
    subscriber of `key`; sent after the transaction commits. For other apps' own keys (a register's)."""
    stamp = (now or timezone.now()).timestamp()
    count = 0
    for subscription_id in Subscription.objects.filter(key=key, confirmed_at__isnull=False).values_list(
        "pk", flat=True
    ):
        outbox_add(
            kind=OUTBOX_ANNOUNCE,
            key=f"bip-announce:{subscription_id}:{path}:{stamp}",
            payload={"subscription_id": subscription_id, "title": title, "path": path},
        )
        count += 1
    return count


def _announce(publication: Publication, now: datetime) -> None:
    """Tell the subscribers of the item's section about it, once."""
    from django.urls import reverse

    if publication.announced_at is not None:
        return
    version = publication.versions.get(number=1)
    path = reverse("bip-publication", args=[publication.pk])
    subscribers_announce(key=section_subscription_key(publication.section), title=version.title, path=path, now=now)
    publication.announced_at = now
    publication.save(update_fields=["announced_at"])


@transaction.atomic
def scheduled_announce(*, now: datetime | None = None) -> int:
    """Tell subscribers of the scheduled items whose time has come (the beat task, per unit)."""
    now = now or timezone.now()
    due = Publication.objects.select_for_update(skip_locked=True).filter(
        announced_at=None, withdrawn=False, versions__number=1, versions__published_at__lte=now
    )
    count = 0
    for publication in due:
        _announce(publication, now)
        count += 1
    return count


def bip_seed(*, unit_kind: str, unit_name: str) -> int:
    """Give the current unit the standard menu sections of its kind it does not have yet (by key), and an
    editorial office named after the unit when it has none; returns how many sections were added. Part of
    the unit's onboarding transaction."""
    have = set(Section.objects.values_list("key", flat=True))
    new = [Section(standard=True, **seed) for seed in standard_sections(unit_kind) if seed["key"] not in have]
    Section.objects.bulk_create(new)
    if not EditorialOffice.objects.exists():
        EditorialOffice.objects.create(name=_("BIP editorial office, %(unit)s") % {"unit": unit_name}, address="")
    return len(new)
