from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from onboarding.actors import Actor
from onboarding.models import ItemStatus
from onboarding.selectors import unit_codes_select
from onboarding.services import (
    OnboardingError,
    onboarding_job_create,
    onboarding_job_run,
    unit_onboard,
    unit_onboard_without_terc,
)
from onboarding.tasks import onboarding_job_run_task
from onboarding.terc import TercFileError, codes_from_terc_csv
from tenants.codes import validate_unit_code
from tenants.models import UnitKind, slug_validator


class Command(BaseCommand):
    help = (
        "Onboard units by TERC code, from a TERC-format CSV, or by filter (--woj 04 --kind powiat). "
        "Idempotent: active units are skipped; running again finishes what failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="TERC codes of units (WW, WWPP or WWPPGGR)")
        parser.add_argument("--csv", type=Path, help="a TERC-format CSV file (as published by GUS)")
        parser.add_argument("--woj", help="all units of this voivodeship (two digits, e.g. 04)")
        parser.add_argument("--kind", choices=UnitKind.values, help="only units of this kind")
        parser.add_argument("--admin-email", default="", help="invite the unit's first administrator (one unit only)")
        parser.add_argument("--queue", action="store_true", help="run as a Celery job instead of here")
        parser.add_argument(
            "--without-terc",
            metavar="NAME",
            help="a unit GUS does not list (e.g. a związek gmin): its official name; needs --slug",
        )
        parser.add_argument("--slug", help="the subdomain of a unit onboarded with --without-terc")

    def handle(self, *args, codes, csv, woj, kind, admin_email, queue, without_terc, slug, **options):
        actor = Actor.command_line()
        if without_terc:
            self._onboard_without_terc(name=without_terc, slug=slug, admin_email=admin_email, actor=actor)
            return
        codes = self._select(codes, csv, woj, kind)
        if admin_email:
            if len(codes) != 1:
                raise CommandError(_("--admin-email goes with exactly one unit."))
            try:
                unit, created = unit_onboard(code=codes[0], actor=actor, admin_email=admin_email)
            except OnboardingError as error:
                raise CommandError(str(error)) from error
            message = (
                _("Onboarded %(unit)s at %(host)s.")
                if created
                else _("%(unit)s at %(host)s was already active; nothing changed.")
            )
            self.stdout.write(message % {"unit": unit.name, "host": unit.primary_host})
            return

        source = _("manage.py onboard: %(count)d units") % {"count": len(codes)}
        job = onboarding_job_create(codes=codes, source=source, actor=actor)
        if queue:
            transaction.on_commit(lambda: onboarding_job_run_task.delay(job.pk))
            self.stdout.write(
                _("Queued onboarding job #%(job)d with %(count)d units.") % {"job": job.pk, "count": len(codes)}
            )
            return
        with tqdm(total=job.items.count(), unit="unit", file=self.stderr._out) as bar:

            def progress(item):
                bar.set_postfix_str(f"{item.code} {item.get_status_display()}")
                bar.update()

            onboarding_job_run(job=job, progress=progress)
        self._report(job)

    def _onboard_without_terc(self, *, name, slug, admin_email, actor):
        if not slug:
            raise CommandError(_("--without-terc needs --slug, the unit's subdomain."))
        try:
            slug_validator(slug)
            unit, created = unit_onboard_without_terc(name=name, slug=slug, admin_email=admin_email, actor=actor)
        except (ValidationError, OnboardingError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        message = (
            _("Onboarded %(unit)s at %(host)s.")
            if created
            else _("%(unit)s at %(host)s was already active; nothing changed.")
        )
        self.stdout.write(message % {"unit": f"{unit.name} ({unit.code})", "host": unit.primary_host})

    def _select(self, codes, csv, woj, kind) -> list[str]:
        selected = list(codes)
        for code in selected:
            try:
                validate_unit_code(code)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        if csv:
            try:
                with csv.open(encoding="utf-8-sig", newline="") as handle:
                    selected += codes_from_terc_csv(handle)
            except (OSError, UnicodeDecodeError, TercFileError) as error:
                raise CommandError(f"{csv}: {error}") from error
        selected = unit_codes_select(codes=selected, woj=woj or "", kind=kind or "")
        if not selected:
            raise CommandError(_("No units selected: give TERC codes, --csv, --woj or --kind."))
        return selected

    def _report(self, job):
        counts = {status: job.items.filter(status=status).count() for status in ItemStatus.values}
        self.stdout.write(
            _("Job #%(job)d: %(done)d onboarded, %(skipped)d already active, %(failed)d failed.")
            % {"job": job.pk, **counts}
        )
        for item in job.items.filter(status=ItemStatus.FAILED):
            self.stdout.write(self.style.ERROR(f"  {item.code} {item.name}: {item.error}"))
        if counts["failed"]:
            raise CommandError(_("Some units failed; run the same command again to retry them."))
