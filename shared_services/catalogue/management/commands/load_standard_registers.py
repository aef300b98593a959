from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shared_services.catalogue.register_services import (
    REGISTERS_SEED_FILE,
    registers_seed_read,
    standard_registers_load,
)


class Command(BaseCommand):
    help = (
        "Load the standard public registers (uchwały, rejestr umów, przystanki …) from their seed file, beside the "
        "service catalogue's; a changed register gets a new version. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=REGISTERS_SEED_FILE)

    def handle(self, *args, path, **options):
        try:
            counts = standard_registers_load(document=registers_seed_read(path))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error!r}") from error
        except ValidationError as error:
            raise CommandError(f"{path}:\n  " + "\n  ".join(error.messages)) from error
        self.stdout.write(
            "standard registers: {created} new, {versioned} updated, {unchanged} unchanged".format(**counts)
        )
