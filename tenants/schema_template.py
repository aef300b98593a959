"""New units' schemas are copied from a template schema instead of being migrated one by one.

Migrating a new schema runs every migration of every tenant app (seconds per unit, django-tenants #617,
#177). django-tenants' own shortcut (TENANT_BASE_SCHEMA) copies with a 4,600-line PL/pgSQL function and
then still loads the whole migration graph to fake the migrations. Here the template schema
`TENANT_TEMPLATE_SCHEMA` is migrated like any unit; from the catalogue we derive, once per process, one
SQL script that recreates its tables, constraints and indexes under their exact names and copies its
rows (including `django_migrations`, so the copy is recorded at the template's migration state).
Creating a unit is then `CREATE SCHEMA` plus that script in one round trip.

Written by hand because no maintained library copies a PostgreSQL schema keeping Django's object names;
tests/tenants/test_schema_template.py proves a copy equals a migrated schema.
"""

import logging
from functools import cache, lru_cache

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import schema_exists
from psycopg2 import sql

logger = logging.getLogger(__name__)


class TemplateUnusable(Exception):
    """The template holds something the copy cannot reproduce; fall back to migrating."""


def template_schema_name() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


@cache
def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration a fully migrated unit schema records (all apps: shared ones are recorded too)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def applied_migrations(schema: str) -> frozenset[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(format('%%I.django_migrations', %s::text))", [schema])
        if cursor.fetchone()[0] is None:
            return frozenset()
        cursor.execute(sql.SQL("SELECT app, name FROM {}.django_migrations").format(sql.Identifier(schema)))
        return frozenset(cursor.fetchall())


def template_ensure_current() -> frozenset[tuple[str, str]]:
    """Create or migrate the template schema when it lags behind the code; returns its applied migrations."""
    template = template_schema_name()
    applied = applied_migrations(template) if schema_exists(template) else frozenset()
    if applied >= expected_migrations():
        return applied
    logger.info("migrating the template schema", extra={"schema": template})
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(template)))
    call_command("migrate_schemas", tenant=True, schema_name=template, interactive=False, verbosity=0)
    return applied_migrations(template)


def schema_create_from_template(schema: str) -> None:
    """Create `schema` as a copy of the (current) template, in one transaction."""
    _check_schema_name(schema)
    applied = template_ensure_current()
    if applied != expected_migrations():
        # Migrated by a newer release while this process runs older code (a rolling deploy): copying it
        # would record migrations this code does not know. Let migrating build the schema instead.
        raise TemplateUnusable("the template is at a migration state this code does not know")
    script = _copy_script(template_schema_name(), applied)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        cursor.execute(sql.SQL("SET search_path = {}, public").format(sql.Identifier(schema)))
        cursor.execute(script)
    # The SET above bypassed django-tenants' search-path bookkeeping; make it issue a fresh one.
    connection.set_schema_to_public()


@lru_cache(maxsize=4)
def _copy_script(template: str, applied: frozenset) -> str:
    """SQL that rebuilds the template's objects in whatever schema is first on the search path.

    Cached per migration state of the template, so a template migrated by another process (a release
    job) is read again. Generated with the search path set to the template alone, so that the catalogue
    functions print the template's own objects unqualified and anything in `public` qualified.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL search_path = {}").format(sql.Identifier(template)))
        _refuse_uncopyable_objects(cursor, template)
        tables = _fetch(
            cursor,
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname""",
            [template],
        )
        constraints = _fetch(
            cursor,
            """
            SELECT c.relname, con.conname, pg_get_constraintdef(con.oid), con.contype
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'c', 'x', 'f')
            ORDER BY con.contype = 'f', c.relname, con.conname""",
            [template],
        )
        indexes = _fetch(
            cursor,
            """
            SELECT pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
            ORDER BY 1""",
            [template],
        )
        filled = {
            table
            for (table,) in tables
            if _fetch(cursor, sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table)), [])[0][0]
        }
        identities = _fetch(
            cursor,
            """
            SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND a.attidentity <> '' AND c.relkind = 'r' ORDER BY 1, 2""",
            [template],
        )

    quoted_template = f'"{template}"'
    statements = [
        f'CREATE TABLE "{table}" (LIKE {quoted_template}."{table}" INCLUDING DEFAULTS INCLUDING IDENTITY '
        f"INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS INCLUDING COMPRESSION)"
        for (table,) in tables
    ]
    statements += [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for table, name, definition, _ in constraints
    ]
    statements += [_unqualified_index(definition, template) for (definition,) in indexes]
    # Rows the template got from migrating (content types, permissions, the migration records); only
    # migrations put rows there, and the script is cached per migration state, so empty tables are skipped.
    statements += [
        f'INSERT INTO "{table}" OVERRIDING SYSTEM VALUE SELECT * FROM {quoted_template}."{table}"' for table in filled
    ]
    statements += [
        f'SELECT setval(pg_get_serial_sequence(\'"{table}"\', \'{column}\'), max("{column}")) FROM "{table}"'
        for table, column in identities
        if table in filled
    ]
    return ";\n".join(statements) + ";"


def _fetch(cursor, query, params):
    cursor.execute(query, params)
    return cursor.fetchall()


def _unqualified_index(definition: str, template: str) -> str:
    # pg_get_indexdef always qualifies the table: "CREATE INDEX x ON tmpl.t USING …".
    qualified = f" ON {template}."
    if qualified not in definition:
        qualified = f' ON "{template}".'
    if qualified not in definition:
        raise TemplateUnusable(f"unexpected index definition: {definition}")
    return definition.replace(qualified, " ON ", 1)


def _refuse_uncopyable_objects(cursor, template: str) -> None:
    """The copy reproduces tables, their constraints, indexes and identity sequences. Anything else a
    migration may have made with raw SQL (views, functions, triggers, types, free-standing sequences)
    would be missing or shared, so the template is then not used and schemas are migrated instead."""
    found = _fetch(
        cursor,
        """
        SELECT 'sequence ' || s.relname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
        WHERE n.nspname = %(schema)s AND s.relkind = 'S' AND NOT EXISTS (
            SELECT 1 FROM pg_depend d WHERE d.objid = s.oid AND d.deptype = 'i')
        UNION ALL SELECT 'view ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind IN ('v', 'm', 'f', 'p')
        UNION ALL SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s
        UNION ALL SELECT 'trigger ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
        UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = %(schema)s AND t.typtype IN ('d', 'e', 'r', 'm')
              OR (n.nspname = %(schema)s AND t.typtype = 'c' AND t.typrelid IN (
                  SELECT oid FROM pg_class WHERE relkind = 'c'))""",
        {"schema": template},
    )
    if found:
        raise TemplateUnusable("objects a copy cannot reproduce: " + ", ".join(name for (name,) in found))
