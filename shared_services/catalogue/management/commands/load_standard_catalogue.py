from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shared_services.catalogue.services import SEED_FILE, form_definitions_read, seed_read, standard_catalogue_load


class Command(BaseCommand):
    help = "Load the regional standard catalogue from its seed file; changed cards get a new version. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=SEED_FILE)

    def handle(self, *args, path, **options):
        try:
            counts = standard_catalogue_load(seed=seed_read(path), form_definitions=form_definitions_read())
        except (OSError, ValueError, KeyError, ValidationError) as error:
            raise CommandError(f"{path}: {error!r}") from error
        self.stdout.write(
            "standard catalogue: {created} new, {updated} updated, {unchanged} unchanged".format(**counts)
        )
