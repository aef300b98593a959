from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from onboarding.actors import Actor
from onboarding.archive import FILES_PREFIX, ArchiveError, read_archive_manifest
from onboarding.services import OnboardingError, unit_import


class Command(BaseCommand):
    help = "Restore an offboarded (or absent) unit from an export archive written by export_unit."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="path of the .zip archive")

    def handle(self, *args, archive, **options):
        try:
            unit = unit_import(archive=archive, actor=Actor.command_line())
        except (ArchiveError, OnboardingError) as error:
            raise CommandError(str(error)) from error
        manifest = read_archive_manifest(archive=archive, verify_members=False)
        files = sum(1 for name in manifest["members"] if name.startswith(FILES_PREFIX))
        rows = sum(table["rows"] for table in manifest["tables"])
        self.stdout.write(
            _(
                "Restored %(unit)s into schema %(schema)s at %(host)s: %(tables)s tables, %(rows)s rows, %(files)s files."
            )
            % {
                "unit": unit,
                "schema": unit.schema_name,
                "host": unit.primary_host,
                "tables": len(manifest["tables"]),
                "rows": rows,
                "files": files,
            }
        )
        if custom := manifest["unit"].get("custom_domains"):
            self.stdout.write(
                _(
                    "Custom domains in the archive were not attached again (they also need DNS, TLS and "
                    "ALLOWED_HOSTS): %(domains)s"
                )
                % {"domains": ", ".join(custom)}
            )
