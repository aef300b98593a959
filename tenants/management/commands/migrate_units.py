import multiprocessing
import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from psycopg2 import sql

from tenants.migrating import Outcome, Replay, SchemaMigrator, migrate_group, migrate_one
from tenants.models import Tenant, UnitStatus
from tenants.schema_template import expected_migrations, template_ensure_current, template_schema_name

# Schemas checked per query: each query reads many schemas' django_migrations at once.
CHECK_BATCH = 400


_migrator: SchemaMigrator | None = None  # one per worker process: it keeps the rendered migration states
_replays: list[Replay | None] = []  # one per group of schemas, recorded before the workers are forked


def _migrate_schema(task: tuple[str, int]) -> Outcome:
    """Migrate one schema, by its group's replay when there is one; failures are returned, not raised."""
    global _migrator
    _migrator = _migrator or SchemaMigrator()
    schema, group = task
    return migrate_one(_migrator, schema, _replays[group])


class Command(BaseCommand):
    help = (
        "Release migration: the public schema, then the template, then every unit's schema that has "
        "migrations to apply, several at a time. Schemas already up to date are skipped. Of the schemas at "
        "the same migrations, two go through Django's executor and the others replay what it did "
        "(tenants/migrating.py)."
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
        self._done, self._total, self._replayed, self._failed = 0, len(pending), 0, []
        if template_schema_name() in pending:  # first, so that units onboarded meanwhile are current
            template_started = time.perf_counter()
            template_ensure_current()  # also creates it on a database that has none yet
            self._report(Outcome(template_schema_name(), time.perf_counter() - template_started))
        units = [schema for schema in pending if schema != template_schema_name()]
        groups: dict[frozenset, list[str]] = {}
        for schema in units:
            groups.setdefault(pending[schema], []).append(schema)
        # Per group, in this process: the witnesses, whose recording the others replay. The workers forked
        # afterwards inherit the migrator's rendered states and the replays.
        global _migrator
        _migrator = _migrator or SchemaMigrator()
        tasks = []
        _replays.clear()
        for members in groups.values():
            replay, rest = migrate_group(_migrator, members, self._report, self._explain)
            tasks += [(schema, len(_replays)) for schema in rest]
            _replays.append(replay)
        if processes > 1 and len(tasks) > 1:
            connections.close_all()  # forked workers must not share the parent's connection
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                for outcome in pool.imap_unordered(_migrate_schema, tasks, chunksize=8):
                    self._report(outcome)
        else:
            for task in tasks:
                self._report(_migrate_schema(task))
        if self._replayed:
            self.stdout.write(
                f"{self._replayed} of {len(units)} unit schemas replayed what the first ones of their group "
                "recorded, the others went through Django's executor"
            )
        self.stdout.write(f"done in {time.perf_counter() - started:.1f} s")
        if self._failed:
            raise CommandError(
                f"{len(self._failed)} schemas failed to migrate: {', '.join(self._failed)}; "
                "fix the cause and run migrate_units again (it resumes where they stopped)."
            )

    def _explain(self, reason: str) -> None:
        self.stdout.write(f"not replayed, migrated one by one: {reason}")

    def _report(self, outcome: Outcome) -> None:
        self._done += 1
        prefix = f"[{self._done}/{self._total}] {outcome.schema}"
        if outcome.not_replayed:
            self.stdout.write(f"{prefix}: not replayed, {outcome.not_replayed}")
        if outcome.error:
            self.stderr.write(f"{prefix}: FAILED after {outcome.seconds:.3f} s: {outcome.error}")
            self._failed.append(outcome.schema)
            return
        self._replayed += outcome.replayed
        how = " (replayed)" if outcome.replayed else ""
        self.stdout.write(f"{prefix}: migrated in {outcome.seconds:.3f} s{how}")

    def _pending(self, schemas: list[str]) -> dict[str, frozenset]:
        """The schemas with migrations to apply, each with the migrations it has (in the order given)."""
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
        return {schema: frozenset(applied[schema]) for schema in schemas if not expected <= applied[schema]}
