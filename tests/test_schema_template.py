"""A unit schema copied from the template equals one built by running every migration."""

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.models import TenantMixin

from tenants.models import Tenant, UnitKind
from tenants.schema_template import applied_migrations, expected_migrations, schema_create_from_template

pytestmark = pytest.mark.django_db

CATALOGUE = {
    "columns": """
        SELECT table_name, column_name,
               -- column order, not attnum: a migration that dropped a column leaves a gap a copy does not
               row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position), data_type, character_maximum_length, is_nullable,
               column_default, is_identity, identity_generation, identity_start, identity_increment
        FROM information_schema.columns WHERE table_schema = %(schema)s""",
    "constraints": """
        SELECT c.relname, con.conname, con.contype,
               replace(pg_get_constraintdef(con.oid), %(schema)s || '.', ''), con.condeferrable,
               con.condeferred
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s""",
    "indexes": """
        SELECT c.relname, replace(pg_get_indexdef(i.indexrelid), %(schema)s || '.', '')
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s""",
    "sequences": """
        SELECT s.relname, t.relname, a.attname, d.deptype, seq.seqstart, seq.seqincrement, seq.seqmax,
               pg_sequence_last_value(s.oid)
        FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace JOIN pg_sequence seq ON seq.seqrelid = s.oid
        JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE n.nspname = %(schema)s AND s.relkind = 'S'""",
}


def describe(schema):
    with connection.cursor() as cursor:
        description = {}
        for part, sql in CATALOGUE.items():
            cursor.execute(sql, {"schema": schema})
            description[part] = sorted(cursor.fetchall(), key=repr)
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", [schema]
        )
        tables = [name for (name,) in cursor.fetchall()]
        description["tables"] = tables
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{schema}"."{table}"')
            columns = [column.name for column in cursor.description]
            # When a migration was recorded differs between the two schemas; everything else must not.
            rows[table] = sorted(
                (tuple(value for column, value in zip(columns, row) if column != "applied") for row in cursor.fetchall()),
                key=repr,
            )
        description["rows"] = rows
        return description


def test_copied_schema_equals_migrated_schema():
    migrated = Tenant(name="Gmina Obrowo", code="0415072", kind=UnitKind.GMINA_WIEJSKA, slug="obrowo",
                      schema_name="jst_migrated")
    TenantMixin.create_schema(migrated, verbosity=0)  # django-tenants' own path: run every migration
    schema_create_from_template("jst_copied")

    migrated_description, copied_description = describe("jst_migrated"), describe("jst_copied")
    assert migrated_description["tables"]  # not comparing two empty schemas
    assert copied_description["rows"]["django_content_type"]
    for part in migrated_description:
        assert copied_description[part] == migrated_description[part], part


def test_copy_is_recorded_at_the_current_migration_state():
    schema_create_from_template("jst_recorded")
    assert applied_migrations("jst_recorded") == expected_migrations()


def test_stale_template_is_migrated_before_it_is_copied():
    template = settings.TENANT_TEMPLATE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{template}" CASCADE')
    schema_create_from_template("jst_after_drop")
    assert applied_migrations(template) == expected_migrations()
    assert applied_migrations("jst_after_drop") == expected_migrations()


def test_new_units_get_their_schema_from_the_template(django_assert_max_num_queries):
    unit = Tenant(name="Gmina Czernikowo", code="0415032", kind=UnitKind.GMINA_WIEJSKA, slug="czernikowo",
                  schema_name="jst_0415032")
    # A migrated schema costs hundreds of statements; the copy is a handful (the script is one of them).
    with django_assert_max_num_queries(15):
        unit.save(verbosity=0)
    assert applied_migrations("jst_0415032") == expected_migrations()
