from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shared_services.catalogue.models import Category, LifeEvent, StandardForm, StandardService
from shared_services.catalogue.services import SEED_FILE, form_definitions_read, seed_read
from shared_services.catalogue.transfer import catalogue_apply, catalogue_document_errors


class Command(BaseCommand):
    help = (
        "Load the regional standard catalogue from its seed file, or from a catalogue exported in the console "
        "(which carries its forms); changed cards get a new version. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=SEED_FILE)
        parser.add_argument(
            "--new-only",
            action="store_true",
            help="Add only the cards, terms and forms the catalogue does not hold yet; leave the rest as the "
            "operators keep it (make run uses this, so the console's work survives a restart).",
        )

    def handle(self, *args, path, new_only=False, **options):
        try:
            document = seed_read(path)
            if isinstance(document, dict) and "forms" not in document:  # the seed: its forms are files beside it
                document["forms"] = form_definitions_read()
            if new_only and isinstance(document, dict):
                document = _without_what_is_here(document)
            errors = catalogue_document_errors(document)
            if errors:
                raise CommandError(f"{path}:\n  " + "\n  ".join(errors))
            plan = catalogue_apply(document, actor_label="manage.py load_standard_catalogue")
        except (OSError, ValueError, ValidationError) as error:
            raise CommandError(f"{path}: {error!r}") from error
        counts = plan.counts()
        self.stdout.write(
            "standard catalogue: {cards_created} new, {cards_versioned} updated, {cards_unchanged} unchanged".format(
                **counts
            )
        )
        for conflict in plan.conflicts:
            self.stdout.write(
                f"  left as it is: {conflict.slug} has version {conflict.number} open in the console ({conflict.status})"
            )


def _without_what_is_here(document: dict) -> dict:
    """The document less every card, term and form whose slug the catalogue already holds."""
    held = {
        "services": set(StandardService.objects.values_list("slug", flat=True)),
        "categories": set(Category.objects.values_list("slug", flat=True)),
        "life_events": set(LifeEvent.objects.values_list("slug", flat=True)),
        "forms": set(StandardForm.objects.values_list("slug", flat=True)),
    }
    return {
        **document,
        **{
            part: [
                item for item in document.get(part, []) if not (isinstance(item, dict) and item.get("slug") in slugs)
            ]
            for part, slugs in held.items()
            if isinstance(document.get(part), list)
        },
    }
