"""Putting a unit schema at a chosen migration, as a release finds schemas that are behind."""

from django.core.management import call_command


def migrate_schema_to(schema_name: str, app_label: str, migration: str) -> None:
    """Migrate one unit schema's `app_label` to `migration` (back, when it is ahead), quietly."""
    call_command(
        "migrate_schemas",
        app_label,
        migration,
        tenant=True,
        schema_name=schema_name,
        interactive=False,
        verbosity=0,
        executor="standard",
    )
