"""Migrating unit schemas with a shared project state gives what `migrate` gives."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tenants.migrating import SchemaMigrator
from tenants.schema_template import applied_migrations, expected_migrations, schema_create_from_template
from tests.support.schema_catalogue import describe
from tests.support.schemas import migrate_schema_to

pytestmark = pytest.mark.django_db


def schema_one_migration_behind(schema):
    """The schema without branding's newest migration (whichever that is when the test runs)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    (newest,) = graph.leaf_nodes("branding")
    (previous,) = [parent for parent in graph.node_map[newest].parents if parent[0] == "branding"]
    schema_create_from_template(schema)
    migrate_schema_to(schema, "branding", previous[1])
    assert newest not in applied_migrations(schema)


def test_schemas_behind_are_brought_to_the_state_migrate_gives():
    for schema in ("jst_behind_1", "jst_behind_2"):
        schema_one_migration_behind(schema)
    migrator = SchemaMigrator()

    # The second schema reuses the project state rendered for the first.
    assert [migrator.migrate("jst_behind_1"), migrator.migrate("jst_behind_2")] == [1, 1]

    reference = ignoring_reapplied_ids(describe(settings.TENANT_TEMPLATE_SCHEMA))  # Django's own `migrate`
    for schema in ("jst_behind_1", "jst_behind_2"):
        assert applied_migrations(schema) == expected_migrations()
        described = ignoring_reapplied_ids(describe(schema))
        for part in reference:
            assert described[part] == reference[part], (schema, part)


def ignoring_reapplied_ids(description):
    # Unapplying and re-applying a migration used one more django_migrations id; that is not a difference.
    description["sequences"] = [row[:-1] for row in description["sequences"]]
    description["rows"]["django_migrations"] = sorted(row[1:] for row in description["rows"]["django_migrations"])
    return description


def test_a_current_schema_is_left_alone():
    schema_create_from_template("jst_current")
    assert SchemaMigrator().migrate("jst_current") == 0


def test_migrate_units_command_applies_and_reports(unit_a, capsys):
    migrate_schema_to(unit_a.schema_name, "branding", "0002")
    call_command("migrate_units", processes=1)
    out = capsys.readouterr().out
    assert "1 to migrate" in out and f"{unit_a.schema_name}: migrated" in out
    assert applied_migrations(unit_a.schema_name) == expected_migrations()
    call_command("migrate_units", processes=1)
    assert "0 to migrate" in capsys.readouterr().out


def test_a_failing_schema_is_reported_and_the_others_still_migrate(unit_a, unit_b, capsys):
    for unit in (unit_a, unit_b):
        migrate_schema_to(unit.schema_name, "branding", "0002")
    with connection.cursor() as cursor:  # a column 0003 adds is already there in Toruń: its migration fails
        cursor.execute(
            f'ALTER TABLE "{unit_a.schema_name}".branding_unitbranding '
            "ADD COLUMN phone varchar(50) NOT NULL DEFAULT ''"
        )
    with pytest.raises(CommandError, match=f"1 schemas failed to migrate: {unit_a.schema_name}"):
        call_command("migrate_units", processes=1)
    captured = capsys.readouterr()
    assert f"{unit_a.schema_name}: FAILED" in captured.err
    assert f"{unit_b.schema_name}: migrated" in captured.out
    assert applied_migrations(unit_b.schema_name) == expected_migrations()
