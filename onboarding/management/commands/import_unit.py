import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from onboarding.actors import Actor
from onboarding.archive import FILES_PREFIX, ArchiveError, read_archive_manifest
from onboarding.services import OnboardingError, unit_import
from platform_core.file_storage import exports_storage


class Command(BaseCommand):
    help = "Restore an offboarded (or absent) unit from an export archive written by export_unit."

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", help="path of the .zip archive, or its name in the exports storage (as export_unit printed it)"
        )

    def handle(self, *args, archive, **options):
        with _local_copy(archive) as path:
            try:
                unit = unit_import(archive=path, actor=Actor.command_line())
            except (ArchiveError, OnboardingError) as error:
                raise CommandError(str(error)) from error
            manifest = read_archive_manifest(archive=path, verify_members=False)
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


@contextmanager
def _local_copy(archive: str):
    """A file on this machine: `archive` itself, or a copy of the archive of that name in the exports storage (the
    object store keeps offboarded units' archives), removed afterwards."""
    storage = exports_storage()
    try:
        stored = not Path(archive).is_file() and storage.exists(archive)
    except SuspiciousFileOperation:  # a path outside the exports storage
        stored = False
    if not stored:  # a file here, or nothing anywhere: the import says that it cannot read it
        yield Path(archive)
        return
    with tempfile.TemporaryDirectory(prefix="ratusz-import-") as folder:
        path = Path(folder) / Path(archive).name
        with storage.open(archive, "rb") as src, path.open("wb") as out:
            shutil.copyfileobj(src, out, 1024 * 1024)
        yield path
