"""Operator actions on units: onboard (one or many), suspend, resume, offboard.

Each action is one transaction that changes the unit and writes the operator audit log together.
"""

import logging
from datetime import timedelta
from pathlib import Path

from django.core.cache import cache
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context
from psycopg2 import sql

from platform_core.file_storage import exports_storage, staging_folder, unit_storage
from shared_services.audit.services import audit_record
from shared_services.bip.services import bip_seed
from shared_services.branding.selectors import branding_changed
from shared_services.branding.services import branding_update
from shared_services.catalogue.models import Offering, OwnServiceListing, RegisterListing, UnitTermUse
from shared_services.identity import provisioning
from shared_services.identity.access import StaffRole
from shared_services.identity.provisioning import IdentityProviderError, IdentityProviderUnavailable, UnverifiedAccount
from shared_services.identity.tasks import unit_organization_remove_task
from shared_services.letters.services import letter_templates_seed
from shared_services.offer.services import offer_adopt_defaults, offerings_rebuild
from shared_services.registers.opendata_services import register_listings_rebuild
from shared_services.registers.services import registers_adopt_defaults
from shared_services.staff.services import staff_invite
from tenants.models import Domain, Tenant, UnitKind, UnitStatus
from tenants.routing import forget_hosts
from tenants.services import unit_create, unit_set_status

from .actors import Actor
from .archive import ArchiveError, StoredArchive, export_unit_archive, import_unit_archive
from .models import (
    ExportStatus,
    ItemStatus,
    JobStatus,
    OnboardingJob,
    OnboardingJobItem,
    OperatorAction,
    OperatorActionKind,
    UnitExport,
)
from .selectors import (
    OFFICE_EXPORT_PROGRESS_KEY,
    OFFICE_EXPORTS_FOLDER,
    office_export_key,
    office_exports_folder,
)
from .slugs import register_slugs
from .terc import children_by_code, units_by_code

logger = logging.getLogger(__name__)


RECONNECT_EVERY = 300


class OnboardingError(Exception):
    """The unit cannot be onboarded; the message says why, for the operator."""


def operator_action_record(*, actor: Actor, action: OperatorActionKind, unit: Tenant | None, **details):
    return OperatorAction.objects.create(
        actor=actor.user if getattr(actor.user, "pk", None) else None,
        actor_label=actor.label,
        ip_address=actor.ip_address,
        action=action,
        unit=unit,
        details=details,
    )


def unit_onboard(*, code: str, actor: Actor, admin_email: str = "") -> tuple[Tenant, bool]:
    """Bring the unit with TERC `code` onto the platform; returns (unit, created).

    Idempotent: an active unit is left as it is (created is False). Everything — the schema, the
    subdomain, the default branding, the invitation — is created in one transaction, so a failure
    leaves nothing behind and running it again starts clean.
    """
    existing = Tenant.objects.filter(code=code).first()
    if existing is not None:
        if existing.status == UnitStatus.ACTIVE:
            _identity(provisioning.unit_organization_ensure, existing)  # finishes an earlier, interrupted run
            return existing, False
        raise OnboardingError(
            _("%(unit)s is %(status)s; use resume or re-import instead of onboarding.")
            % {"unit": existing.name, "status": existing.get_status_display()}
        )
    terc_unit = units_by_code().get(code)
    if terc_unit is None:
        raise OnboardingError(_("%(code)s is not the code of a unit in the TERC register.") % {"code": code})

    with transaction.atomic():
        unit = unit_create(
            name=terc_unit.official_name,
            code=code,
            kind=terc_unit.kind,
            slug=register_slugs()[code],
            parent=Tenant.objects.filter(code=terc_unit.parent_code).first() if terc_unit.parent_code else None,
        )
        # Units that joined before their powiat or voivodeship get it as parent now.
        orphans = Tenant.objects.filter(parent__isnull=True, code__in=children_by_code().get(code, []))
        forget_hosts(Domain.objects.filter(tenant__in=orphans).values_list("domain", flat=True))
        orphans.update(parent=unit)
        _unit_prepare(unit=unit, actor=actor, admin_email=admin_email)
    connection.set_schema_to_public()
    return unit, True


def unit_onboard_without_terc(*, name: str, slug: str, actor: Actor, admin_email: str = "") -> tuple[Tenant, bool]:
    """Bring on a unit GUS does not list (a związek gmin, say), under the next internal code INT0001….

    Idempotent by subdomain: an active unit of kind "other" with that slug is left as it is.
    """
    existing = Tenant.objects.filter(slug=slug).first()
    if existing is not None:
        if existing.kind == UnitKind.OTHER and existing.status == UnitStatus.ACTIVE:
            return existing, False
        raise OnboardingError(_("The subdomain %(slug)s belongs to %(unit)s.") % {"slug": slug, "unit": existing.name})
    with transaction.atomic():
        # Serialise code allocation: two operators must not both take INT0007.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('ratusz.internal-unit-code'))")
        numbers = [
            int(code[3:]) for code in Tenant.objects.filter(code__startswith="INT").values_list("code", flat=True)
        ]
        code = f"INT{max(numbers, default=0) + 1:04d}"
        unit = unit_create(name=name, code=code, kind=UnitKind.OTHER, slug=slug)
        _unit_prepare(unit=unit, actor=actor, admin_email=admin_email)
    connection.set_schema_to_public()
    return unit, True


def _unit_prepare(*, unit: Tenant, actor: Actor, admin_email: str) -> None:
    """What every new unit gets inside its onboarding transaction: branding, the standard services, letter
    templates and BIP menu for its kind, its Organization in Keycloak, its first administrator, the audit entry.

    Keycloak comes last, when everything local has worked; if it cannot be reached the transaction rolls
    back and the operator is told to try again, which finds and finishes what Keycloak already has.
    """
    with tenant_context(unit):
        branding_update()
        offer_adopt_defaults(unit_kind=unit.kind)
        registers_adopt_defaults(unit_kind=unit.kind)
        letter_templates_seed(unit_kind=unit.kind)
        bip_seed(unit_kind=unit.kind, unit_name=unit.name)
        _identity(provisioning.unit_organization_ensure, unit)
        if admin_email:
            _identity(staff_invite, email=admin_email, role=StaffRole.UNIT_ADMIN, actor=actor.label)
    operator_action_record(
        actor=actor, action=OperatorActionKind.ONBOARD, unit=unit, slug=unit.slug, invited=admin_email or None
    )


def _identity(call, *args, **kwargs):
    """A Keycloak step of an operator action; its failure becomes the operator's error message."""
    try:
        return call(*args, **kwargs)
    except IdentityProviderUnavailable as error:
        raise OnboardingError(
            _("The sign-in service (Keycloak) cannot be reached, so nothing was changed. Try again in a moment.")
        ) from error
    except IdentityProviderError as error:
        raise OnboardingError(
            _(
                "The sign-in service (Keycloak) refused the change, so nothing was changed; "
                "its answer is in the platform's log."
            )
        ) from error
    except UnverifiedAccount as error:
        raise OnboardingError(
            _(
                "%(email)s has an account at the sign-in service whose address is not confirmed; "
                "nothing was changed. Ask the person to confirm it, or invite another address."
            )
            % {"email": error.args[0]}
        ) from error


def onboarding_job_create(*, codes: list[str], source: str, actor: Actor) -> OnboardingJob:
    """Record a bulk onboarding of `codes` (duplicates dropped, order kept); run it with `onboarding_job_run`."""
    register = units_by_code()
    with transaction.atomic():
        job = OnboardingJob.objects.create(
            created_by=actor.label,
            created_by_user=actor.user if getattr(actor.user, "pk", None) else None,
            created_from=actor.ip_address,
            source=source[:300],
        )
        OnboardingJobItem.objects.bulk_create(
            OnboardingJobItem(
                job=job, position=position, code=code, name=register[code].official_name if code in register else ""
            )
            for position, code in enumerate(dict.fromkeys(codes))
        )
        operator_action_record(
            actor=actor,
            action=OperatorActionKind.BULK_ONBOARD,
            unit=None,
            job=job.pk,
            source=job.source,
            units=job.items.count(),
        )
    return job


def onboarding_job_run(*, job: OnboardingJob, progress=None) -> OnboardingJob:
    """Onboard every item not yet done. One unit's failure is recorded on its item and the rest go on,
    so running the job again finishes what failed."""
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    open_statuses = [ItemStatus.PENDING, ItemStatus.FAILED]
    for position, item_pk in enumerate(job.items.filter(status__in=open_statuses).values_list("pk", flat=True), 1):
        if position % RECONNECT_EVERY == 0 and not connection.in_atomic_block:
            # A PostgreSQL backend that has created thousands of schemas carries their catalogue entries
            # in its caches and slows down (43 → 92 ms/unit over the country); a fresh one does not.
            connection.close()
        with transaction.atomic():
            # Locked while onboarded: a second run of the job (a redelivered task) skips it instead of
            # onboarding it twice and recording a failure.
            item = job.items.select_for_update(skip_locked=True).filter(pk=item_pk, status__in=open_statuses).first()
            if item is None:
                continue
            try:
                _unit, created = unit_onboard(code=item.code, actor=job.actor)
            except Exception as error:
                logger.warning("onboarding failed", extra={"code": item.code, "error": str(error)})
                item.status, item.error = ItemStatus.FAILED, str(error) or error.__class__.__name__
            else:
                item.status, item.error = (ItemStatus.DONE if created else ItemStatus.SKIPPED), ""
            item.finished_at = timezone.now()
            item.save(update_fields=["status", "error", "finished_at"])
        if progress:
            progress(item)
    job.status, job.finished_at = JobStatus.FINISHED, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


def unit_suspend(*, unit: Tenant, actor: Actor) -> Tenant:
    """Residents and staff alike get a 503 page, and the unit's Organization is disabled in Keycloak, so its
    staff lose their roles there too; the data stays and operators can export it."""
    return _status_change(
        unit=unit,
        actor=actor,
        allowed_from={UnitStatus.ACTIVE},
        status=UnitStatus.SUSPENDED,
        action=OperatorActionKind.SUSPEND,
    )


def unit_resume(*, unit: Tenant, actor: Actor) -> Tenant:
    return _status_change(
        unit=unit,
        actor=actor,
        allowed_from={UnitStatus.SUSPENDED},
        status=UnitStatus.ACTIVE,
        action=OperatorActionKind.RESUME,
    )


def _status_change(*, unit, actor, allowed_from, status, action) -> Tenant:
    with transaction.atomic():
        unit = Tenant.objects.select_for_update().get(pk=unit.pk)
        if unit.status not in allowed_from:
            raise OnboardingError(
                _("%(unit)s is %(status)s; this action does not apply.")
                % {"unit": unit.name, "status": unit.get_status_display()}
            )
        previous = unit.status
        unit_set_status(unit=unit, status=status)
        operator_action_record(actor=actor, action=action, unit=unit, before=previous, after=status)
        _identity(provisioning.unit_organization_enable, unit, enabled=status == UnitStatus.ACTIVE)
    return unit


def unit_invite_administrator(*, unit: Tenant, email: str, actor: Actor) -> None:
    if unit.status != UnitStatus.ACTIVE:
        raise OnboardingError(
            _("%(unit)s is %(status)s; invitations are for active units.")
            % {"unit": unit.name, "status": unit.get_status_display()}
        )
    with transaction.atomic():
        with tenant_context(unit):
            _identity(staff_invite, email=email, role=StaffRole.UNIT_ADMIN, actor=actor.label)
        operator_action_record(actor=actor, action=OperatorActionKind.INVITE, unit=unit, email=email)


def unit_export(*, unit: Tenant, actor: Actor) -> StoredArchive:
    archive = export_unit_archive(unit=unit)
    _record_export(unit=unit, actor=actor, archive=archive)
    return archive


def _record_export(*, unit: Tenant, actor: Actor, archive: StoredArchive) -> None:
    operator_action_record(
        actor=actor, action=OperatorActionKind.EXPORT, unit=unit, archive=archive.name, bytes=archive.size
    )


def unit_offboard(*, unit: Tenant, confirmation: str, actor: Actor) -> StoredArchive:
    """Export the unit's data and files, then drop its schema. Nothing is dropped that is not in the archive.

    `confirmation` must be the unit's subdomain, typed by the operator. The unit is suspended first, so
    residents get the notice; then, in one transaction, every table of its schema is locked against writes,
    the archive is written from that frozen state, and the schema is dropped. If the export fails, the
    transaction leaves everything as it was and the unit returns to its previous status.
    """
    if confirmation.strip() != unit.slug:
        raise OnboardingError(_("Type the unit's subdomain “%(slug)s” to confirm.") % {"slug": unit.slug})
    previous = unit.status
    if previous == UnitStatus.OFFBOARDED:
        raise OnboardingError(_("%(unit)s has already left the platform.") % {"unit": unit.name})
    if previous == UnitStatus.ACTIVE:
        unit_set_status(unit=unit, status=UnitStatus.SUSPENDED)
    try:
        with transaction.atomic():
            unit = Tenant.objects.select_for_update().get(pk=unit.pk)
            if unit.status == UnitStatus.OFFBOARDED:  # another operator was quicker
                raise OnboardingError(_("%(unit)s has already left the platform.") % {"unit": unit.name})
            _lock_schema_tables(unit.schema_name)
            archive = export_unit_archive(unit=unit)
            _record_export(unit=unit, actor=actor, archive=archive)
            hosts = list(unit.domains.values_list("domain", flat=True))
            unit.domains.all().delete()
            # The public copies of what it offered.
            Offering.objects.filter(unit=unit).delete()
            OwnServiceListing.objects.filter(unit=unit).delete()
            RegisterListing.objects.filter(unit=unit).delete()
            UnitTermUse.objects.filter(unit=unit).delete()
            unit_set_status(unit=unit, status=UnitStatus.OFFBOARDED)  # before the drop: see Tenant.create_schema
            connection.check_constraints()  # fire deferred checks now: DROP refuses pending trigger events
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(unit.schema_name)))
            operator_action_record(
                actor=actor,
                action=OperatorActionKind.OFFBOARD,
                unit=unit,
                before=previous,
                archive=archive.name,
                domains=hosts,
            )
            # The files are in the archive; the unit's folder (or prefix in the object store) goes with its schema.
            transaction.on_commit(unit_storage(unit.schema_name).delete_all)
            # Its Organization and role groups in Keycloak, once the archive is safe.
            slug = unit.slug
            transaction.on_commit(lambda: _organization_remove_or_retry(slug))
    except BaseException:
        current = Tenant.objects.get(pk=unit.pk)
        if previous == UnitStatus.ACTIVE and current.status == UnitStatus.SUSPENDED:  # undo only our suspension
            unit_set_status(unit=current, status=UnitStatus.ACTIVE)
        raise
    return archive


def _organization_remove_or_retry(slug: str) -> None:
    """Remove the offboarded unit's Organization now; if Keycloak is away, a Celery task retries until it is back."""
    try:
        provisioning.unit_organization_remove(slug)
    except IdentityProviderUnavailable:
        logger.warning("keycloak unreachable at offboarding; its organization is removed later", extra={"slug": slug})
        unit_organization_remove_task.delay(slug)
    except IdentityProviderError:  # the unit has left all the same; an operator removes it in Keycloak's console
        logger.error("keycloak refused to remove an offboarded unit's organization", extra={"slug": slug})


def unit_import(*, archive: Path, actor: Actor) -> Tenant:
    """Bring an offboarded (or unknown) unit back from its export archive, and log who did."""
    unit = import_unit_archive(archive=archive)
    with tenant_context(unit):
        # Idempotent: should it fail, `manage.py import_unit` cannot run again (the schema exists), but
        # `manage.py rebuild_offerings CODE` can.
        offerings_rebuild()
        register_listings_rebuild()
        branding_changed()  # its row was loaded without the ORM's signals
    operator_action_record(actor=actor, action=OperatorActionKind.IMPORT, unit=unit, archive=Path(archive).name)
    # Its Organization and role groups again (members are invited anew). The unit is imported whatever
    # happens here; if Keycloak is away, `manage.py onboard CODE` finishes this for the active unit.
    try:
        provisioning.unit_organization_ensure(unit)
    except IdentityProviderUnavailable:
        logger.warning("imported unit has no organization in keycloak yet; run `manage.py onboard %s`", unit.code)
    except IdentityProviderError as error:
        raise OnboardingError(
            _(
                "%(unit)s is imported, but the sign-in service (Keycloak) refused its organization; "
                "its answer is in the platform's log. Once that is put right, run "
                "`manage.py onboard %(code)s`."
            )
            % {"unit": unit.name, "code": unit.code}
        ) from error
    return unit


def _lock_schema_tables(schema: str) -> None:
    """SHARE locks let the export read but make every writer (requests, Celery tasks) wait until the drop."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        tables = [sql.Identifier(schema, name) for (name,) in cursor.fetchall()]
        if tables:
            cursor.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(sql.SQL(", ").join(tables)))


# --- A unit's own export archives, asked for by its administrator at /urzad/eksport/ ----------------------------
# Written by a Celery task into office-exports/<code>/ of the exports storage, apart from the archives of offboarded
# units and operators' exports at its top, which are kept: only files named on UnitExport rows, in that folder, are
# ever deleted (docs/operations.md, "Unit export archives").
OFFICE_EXPORTS_KEPT = 3  # the newest ready archives of a unit kept; older ones are deleted
OFFICE_EXPORT_KEPT_FOR = timedelta(days=7)  # and none longer than this
# A job queued or written this long died with its worker (or its message was lost): it is marked failed, so that
# the unit can ask again.
OFFICE_EXPORT_STALE_AFTER = timedelta(hours=6)


class ExportInProgress(Exception):
    """The unit's archive is being written already; `export` is that job."""

    def __init__(self, export: UnitExport | None):
        super().__init__(export)
        self.export = export


def office_export_request(*, unit: Tenant, actor: Actor) -> UnitExport:
    """Ask for an export archive of `unit`; the caller queues `office_export_run` once this has committed. One at
    a time per unit: raises ExportInProgress while one is queued or being written."""
    try:
        with tenant_context(unit), transaction.atomic():
            export = UnitExport.objects.create(unit=unit, requested_by=actor.label, requested_from=actor.ip_address)
            audit_record(actor=actor.label, action="unit_export.request", target=f"unit_export:{export.pk}")
    except IntegrityError:  # the constraint: one queued or running export per unit
        raise ExportInProgress(
            UnitExport.objects.filter(unit=unit, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).first()
        ) from None
    return export


def office_export_run(*, export: UnitExport) -> UnitExport:
    """Write the archive of a queued export (the Celery task), telling its progress to the unit's cache; then
    delete what the unit keeps no longer. Recorded in the operators' log as an export by the person who asked.
    A task delivered twice writes it once."""
    if not UnitExport.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    ):
        return UnitExport.objects.get(pk=export.pk)
    export.refresh_from_db()
    unit = export.unit
    with tenant_context(unit):
        progress_key = OFFICE_EXPORT_PROGRESS_KEY.format(pk=export.pk)
        try:
            archive = export_unit_archive(
                unit=unit,
                folder=office_exports_folder(unit),
                progress=lambda done, total: cache.set(progress_key, [done, total], timeout=24 * 3600),
            )
        except Exception as error:  # the administrator is told; the log has the rest
            logger.exception("office export failed", extra={"unit_code": unit.code, "export": export.pk})
            export.status, export.finished_at = ExportStatus.FAILED, timezone.now()
            export.error = str(error) if isinstance(error, ArchiveError) else _("The archive could not be written.")
            export.save(update_fields=["status", "finished_at", "error"])
            return export
        finally:
            cache.delete(progress_key)
    with transaction.atomic():
        export.status, export.finished_at = ExportStatus.READY, timezone.now()
        export.archive_name, export.size = archive.name, archive.size
        export.save(update_fields=["status", "finished_at", "archive_name", "size"])
        _record_export(unit=unit, actor=export.actor, archive=archive)
    office_exports_expire(unit=unit)
    return export


def office_export_download(*, export: UnitExport, actor: Actor) -> File:
    """The ready archive's file, open, for its unit's administrator; the download is written to the unit's audit
    trail."""
    with tenant_context(export.unit), transaction.atomic():
        audit_record(actor=actor.label, action="unit_export.download", target=f"unit_export:{export.pk}")
    return exports_storage().open(office_export_key(export), "rb")


def office_exports_expire(*, unit: Tenant | None = None) -> list[UnitExport]:
    """Delete the archives of units' own exports beyond the newest OFFICE_EXPORTS_KEPT of their unit or older than
    OFFICE_EXPORT_KEPT_FOR (of `unit`, or of every unit), and mark jobs that stalled as failed. Nothing outside
    the office-exports folder is touched. Returns the exports whose archives were deleted."""
    now = timezone.now()
    ready = UnitExport.objects.filter(status=ExportStatus.READY).select_related("unit")
    if unit is not None:
        ready = ready.filter(unit=unit)
    expired, kept = [], {}
    for export in ready.order_by("unit_id", "-finished_at", "-id"):
        kept[export.unit_id] = kept.get(export.unit_id, 0) + 1
        if kept[export.unit_id] > OFFICE_EXPORTS_KEPT or export.finished_at < now - OFFICE_EXPORT_KEPT_FOR:
            exports_storage().delete(office_export_key(export))
            export.status = ExportStatus.EXPIRED
            export.save(update_fields=["status"])
            expired.append(export)
    stalled = UnitExport.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], requested_at__lt=now - OFFICE_EXPORT_STALE_AFTER
    )
    if unit is not None:
        stalled = stalled.filter(unit=unit)
    stalled.update(
        status=ExportStatus.FAILED, finished_at=now, error=_("The export was interrupted; ask for it again.")
    )
    # What a worker killed while writing left behind (a finished archive is never named `.partial`): in the
    # folder itself on a disk, in this machine's temporary space with an object store.
    for partial in staging_folder(exports_storage(), OFFICE_EXPORTS_FOLDER).glob("*/.*.partial"):
        if partial.stat().st_mtime < (now - OFFICE_EXPORT_STALE_AFTER).timestamp():
            partial.unlink(missing_ok=True)
    if expired:
        logger.info("office exports expired", extra={"archives": [export.archive_name for export in expired]})
    return expired
