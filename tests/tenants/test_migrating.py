"""Migrating unit schemas with a shared project state, or by replaying what two of them recorded, gives what
`migrate` gives."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tenants.migrating import WITNESSES, SchemaMigrator, migrate_group, migrate_one
from tenants.models import UnitKind
from tenants.schema_template import applied_migrations, expected_migrations, schema_create_from_template
from tenants.services import unit_create
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

    for schema in ("jst_behind_1", "jst_behind_2"):
        assert_as_migrate_gives(schema)


def assert_as_migrate_gives(schema):
    reference = ignoring_reapplied_ids(describe(settings.TENANT_TEMPLATE_SCHEMA))  # Django's own `migrate`
    assert applied_migrations(schema) == expected_migrations()
    described = ignoring_reapplied_ids(describe(schema))
    for part in reference:
        assert described[part] == reference[part], (schema, part)


def migrate_as_the_command_does(schemas):
    """migrate_units' path for one group: witnesses through the executor, the others by replay."""
    migrator, outcomes = SchemaMigrator(), []
    replay, rest = migrate_group(migrator, schemas, outcomes.append)
    outcomes += [migrate_one(migrator, schema, replay) for schema in rest]
    return replay, {outcome.schema: outcome for outcome in outcomes}


def test_schemas_behind_replay_what_two_witnesses_recorded_and_equal_what_migrate_gives():
    schemas = [f"jst_replay_{index}" for index in range(4)]
    for schema in schemas:
        schema_one_migration_behind(schema)

    replay, outcomes = migrate_as_the_command_does(schemas)

    assert replay is not None
    assert [outcomes[schema].replayed for schema in schemas] == [False] * WITNESSES + [True] * (4 - WITNESSES)
    assert all(outcome.error is None and outcome.applied == 1 for outcome in outcomes.values())
    for schema in schemas:
        assert_as_migrate_gives(schema)


def test_a_replay_that_fails_is_rolled_back_and_reported_and_the_others_still_migrate():
    schemas = ["jst_fail_0", "jst_fail_1", "jst_fail_2", "jst_fail_3"]
    for schema in schemas:
        schema_one_migration_behind(schema)
    (newest,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("branding")
    failing = schemas[2]  # not a witness: its replay fails, then Django's executor fails the same way
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{failing}".marker (id int)')
        cursor.execute(f'ALTER TABLE "{failing}".branding_unitbranding ADD COLUMN service_points text')
    before = describe(failing)

    replay, outcomes = migrate_as_the_command_does(schemas)

    assert replay is not None
    assert "already exists" in outcomes[failing].error
    assert describe(failing) == before  # nothing of the migration stayed: one transaction per schema
    assert newest not in applied_migrations(failing)
    assert outcomes[schemas[3]].replayed and outcomes[schemas[3]].error is None
    assert_as_migrate_gives(schemas[3])


def test_a_schema_that_answers_differently_goes_through_the_executor():
    schemas = ["jst_drift_0", "jst_drift_1", "jst_drift_2"]
    for schema in schemas:
        schema_one_migration_behind(schema)
    drifted = schemas[2]
    with connection.cursor() as cursor:  # a content type lost: migrate's post_migrate creates it again
        cursor.execute(
            f'DELETE FROM "{drifted}".auth_permission WHERE content_type_id IN '
            f"(SELECT id FROM \"{drifted}\".django_content_type WHERE app_label = 'branding')"
        )
        cursor.execute(f"DELETE FROM \"{drifted}\".django_content_type WHERE app_label = 'branding'")

    replay, outcomes = migrate_as_the_command_does(schemas)

    assert replay is not None
    assert not outcomes[drifted].replayed and outcomes[drifted].error is None
    assert applied_migrations(drifted) == expected_migrations()
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT ct.model, count(p.id) FROM "{drifted}".django_content_type ct '
            f'JOIN "{drifted}".auth_permission p ON p.content_type_id = ct.id '
            "WHERE ct.app_label = 'branding' GROUP BY ct.model"
        )
        assert cursor.fetchall() == [("unitbranding", 4)]


def test_the_same_rows_in_another_physical_order_still_replay():
    schemas = ["jst_order_0", "jst_order_1", "jst_order_2"]
    for schema in schemas:
        schema_one_migration_behind(schema)
    with connection.cursor() as cursor:
        # Reads in physical order (as the planner chooses for a small table once it has statistics), where an
        # updated row moves to the end: the same rows come back in another order. For this test's transaction.
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            f"UPDATE \"{schemas[1]}\".django_content_type SET model = model WHERE app_label = 'tenants' AND model = 'tenant'"
        )
        cursor.execute(f"SELECT model FROM \"{schemas[1]}\".django_content_type WHERE app_label = 'tenants'")
        moved = [model for (model,) in cursor.fetchall()]
        cursor.execute(f"SELECT model FROM \"{schemas[0]}\".django_content_type WHERE app_label = 'tenants'")
        assert [model for (model,) in cursor.fetchall()] != moved  # the witnesses read them in other orders

    replay, outcomes = migrate_as_the_command_does(schemas)

    assert replay is not None and outcomes[schemas[2]].replayed
    for schema in schemas:
        assert_as_migrate_gives(schema)


def test_a_plan_with_python_code_is_not_replayed():
    schemas = ["jst_code_0", "jst_code_1", "jst_code_2"]
    for schema in schemas:
        schema_create_from_template(schema)
        migrate_schema_to(schema, "letters", "0001")  # behind letters 0002, a RunPython

    reasons = []
    migrator, outcomes = SchemaMigrator(), {}
    replay, rest = migrate_group(migrator, schemas, lambda outcome: None, reasons.append)
    assert replay is None and reasons == [f"{schemas[0]} recorded letters.0002_seed_existing_units: RunPython"]
    outcomes = {schema: migrate_one(migrator, schema, replay) for schema in rest}
    assert not any(outcome.replayed for outcome in outcomes.values())
    for schema in schemas:
        assert_as_migrate_gives(schema)


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
    # Four units in schema order: Lubicz and Bydgoszcz are the witnesses, Grudziądz and Toruń replay.
    more = [
        unit_create(name="Miasto Bydgoszcz", code="0461011", kind=UnitKind.MIASTO_NA_PRAWACH_POWIATU, slug="bydgoszcz"),
        unit_create(name="Miasto Grudziądz", code="0462011", kind=UnitKind.MIASTO_NA_PRAWACH_POWIATU, slug="grudziadz"),
    ]
    units = [unit_a, unit_b, *more]
    for unit in units:
        migrate_schema_to(unit.schema_name, "branding", "0002")
    with connection.cursor() as cursor:  # a column 0003 adds is already there in Toruń: its migration fails
        cursor.execute(
            f'ALTER TABLE "{unit_a.schema_name}".branding_unitbranding '
            "ADD COLUMN phone varchar(50) NOT NULL DEFAULT ''"
        )
    before = applied_migrations(unit_a.schema_name)
    with pytest.raises(CommandError, match=f"1 schemas failed to migrate: {unit_a.schema_name}"):
        call_command("migrate_units", processes=1)
    captured = capsys.readouterr()
    assert f"{unit_a.schema_name}: FAILED" in captured.err
    assert applied_migrations(unit_a.schema_name) == before  # none of its migrations stayed
    assert f"{more[1].schema_name}: migrated" in captured.out and "(replayed)" in captured.out
    for unit in [unit_b, *more]:
        assert f"{unit.schema_name}: migrated" in captured.out
        assert applied_migrations(unit.schema_name) == expected_migrations()
