import multiprocessing
import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from psycopg2 import sql

from tenants.migrating import SchemaMigrator
from tenants.models import Tenant, UnitStatus
from tenants.schema_template import expected_migrations, template_ensure_current, template_schema_name

# Schemas checked per query: each query reads many schemas' django_migrations at once.
CHECK_BATCH = 400


_migrator: SchemaMigrator | None = None  # one per worker process: it keeps the rendered migration states


def _migrate_schema(schema: str) -> tuple[str, float, str | None]:
    """Migrate one schema; a failure is returned, not raised, so the other schemas go on."""
    global _migrator
    _migrator = _migrator or SchemaMigrator()
    started = time.perf_counter()
    try:
        _migrator.migrate(schema)
    except Exception as error:
        return schema, time.perf_counter() - started, f"{error.__class__.__name__}: {error}"
    return schema, time.perf_counter() - started, None


class Command(BaseCommand):
    help = (
        "Release migration: the public schema, then the template, then every unit's schema that has "
        "migrations to apply, several at a time. Schemas already up to date are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 2,
            help="unit schemas migrated at once (default: the number of CPUs)",
        )

    def handle(self, *args, processes, **options):
        started = time.perf_counter()
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0, executor="standard")
        self.stdout.write("public: up to date")

        schemas = [
            template_schema_name(),
            *Tenant.objects.exclude(status=UnitStatus.OFFBOARDED)
            .order_by("schema_name")
            .values_list("schema_name", flat=True),
        ]
        pending = self._pending(schemas)
        self.stdout.write(
            f"checked {len(schemas)} schemas in {time.perf_counter() - started:.1f} s: "
            f"{len(schemas) - len(pending)} up to date, {len(pending)} to migrate"
        )
        if template_schema_name() in pending:  # first, so that units onboarded meanwhile are current
            template_started = time.perf_counter()
            template_ensure_current()  # also creates it on a database that has none yet
            self._report(template_schema_name(), time.perf_counter() - template_started, done=1, total=len(pending))
        units = [schema for schema in pending if schema != template_schema_name()]
        first = len(pending) - len(units) + 1
        failed = []
        if processes > 1 and len(units) > 1:
            connections.close_all()  # forked workers must not share the parent's connection
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                results = pool.imap_unordered(_migrate_schema, units)
                for done, result in enumerate(results, start=first):
                    failed += self._report(*result, done=done, total=len(pending))
        else:
            for done, schema in enumerate(units, start=first):
                failed += self._report(*_migrate_schema(schema), done=done, total=len(pending))
        self.stdout.write(f"done in {time.perf_counter() - started:.1f} s")
        if failed:
            raise CommandError(
                f"{len(failed)} schemas failed to migrate: {', '.join(failed)}; "
                "fix the cause and run migrate_units again (it resumes where they stopped)."
            )

    def _report(self, schema, seconds, error=None, *, done, total) -> list[str]:
        if error:
            self.stderr.write(f"[{done}/{total}] {schema}: FAILED after {seconds:.1f} s: {error}")
            return [schema]
        self.stdout.write(f"[{done}/{total}] {schema}: migrated in {seconds:.1f} s")
        return []

    def _pending(self, schemas: list[str]) -> list[str]:
        expected = expected_migrations()
        applied: dict[str, set] = {schema: set() for schema in schemas}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
                "WHERE c.relname = 'django_migrations' AND nspname = ANY(%s)",
                [schemas],
            )
            with_table = [name for (name,) in cursor.fetchall()]
            for start in range(0, len(with_table), CHECK_BATCH):
                batch = with_table[start : start + CHECK_BATCH]
                cursor.execute(
                    sql.SQL(" UNION ALL ").join(
                        sql.SQL("SELECT %s, app, name FROM {}.django_migrations").format(sql.Identifier(schema))
                        for schema in batch
                    ),
                    batch,
                )
                for schema, app, name in cursor.fetchall():
                    applied[schema].add((app, name))
        return [schema for schema in schemas if not expected <= applied[schema]]
