"""Applying migrations to many unit schemas from one process.

`migrate_schemas` runs Django's whole `migrate` command once per schema, and that command rebuilds the
in-memory project state from every migration before it touches the database — about half a second per
schema here, whatever the migration does (django-tenants #719: 12 minutes for 900 tenants). Every unit
schema at the same migration state has the same project state, so `SchemaMigrator` builds it once per
distinct set of applied migrations and hands each schema a copy. What reaches the database is what
`migrate` does: the same operations, the same records in `django_migrations`, the same pre/post_migrate
signals (content types and permissions: both apps are tenant apps here, so their rows live in every unit
schema). A schema is migrated in one transaction when every migration of its plan is atomic.

That still cost ~200 ms per schema, 552 s for a one-field migration over the country's 2,807 schemas: the
executor, a clone of the project state, the signals' ORM work, ~150 queries. Yet for schemas at the same
migration state Django sends the same SQL, apart from what it reads back. So `migrate_group` runs Django's
executor on two schemas of a group ("witnesses") with an execute wrapper that records every statement, and what
it read back: rows (re-read as JSON by the server) or row counts. When both witnesses recorded the same thing,
and the plan holds only Django's own schema operations (no RunPython, no RunSQL, all atomic), the recording is
replayed into each other schema of the group as one script in one transaction and one round trip (on Citus, one
statement at a time): `SET LOCAL search_path`, each write as recorded, each read executed again with its result
collected (reads with no write between them in one statement, which only makes them see one snapshot; a read
that asks for no order compared as a set, since PostgreSQL answers it in whatever physical order the schema's
table has), and the `django_migrations` rows (stamped with the replay's own time). The results are compared with
the witnesses' before the transaction is let through. On the country's 2,807 schemas that is ~20 ms of work per
schema, on two processes (`migrate_units --processes`).

Why that equals running `migrate` in that schema: Django's migration code is deterministic given the
project state (the same for the group) and what the database answers it; the replay checks that the
database gives the same answers at the same points, so `migrate` would have sent the same statements.
What the check cannot see is Python that is not deterministic (a default of `uuid4` or `now`, which
would differ per schema): that is what the second witness is for — two runs that differ are not
replayed. A recording is also refused when a statement names the witness's schema, uses `executemany`
or rolls back to a savepoint, or reads back a value the comparison cannot render. Whatever is refused,
diverges or fails during a replay is rolled back and the schema goes through `SchemaMigrator` instead,
so a failure is reported with Django's own error and the other schemas go on; `migrate_units` prints why a
group or a schema was not replayed.

Written by hand because django-tenants' executors only choose how `migrate` is run (in sequence, in
processes), not what it repeats; tests/tenants/test_migrating.py proves schemas migrated both ways equal
one migrated by `migrate`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

import psycopg2
from django.apps import apps as installed_apps
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import DatabaseError, connection, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.operations import RunPython, RunSQL, SeparateDatabaseAndState
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState
from django_tenants.postgresql_backend.base import EXTRA_SEARCH_PATHS
from django_tenants.signals import schema_migrated
from django_tenants.utils import get_public_schema_name
from psycopg2 import sql as pg

from .citus import citus_installed

# How many schemas of a group go through Django's executor before the others are replayed.
WITNESSES = 2
# Recorded results travel back from a replay in one custom setting, separated by this character.
RESULTS = "ratusz.replay"
SEPARATOR = "\x1e"
# A read's answer as the server renders it, the same in a witness and in a replay.
READ_AS_JSON = "SELECT coalesce(json_agg(ratusz_row), '[]')::text FROM ({}) ratusz_row"
# A read with no ORDER BY answers a set: its rows come in the table's physical order, which differs between
# schemas holding the same rows (a row updated once moves), so they are compared in one order of their own.
READ_AS_SORTED_JSON = "SELECT coalesce(json_agg(ratusz_row ORDER BY ratusz_row::text), '[]')::text FROM ({}) ratusz_row"
# The recorder's own statements, recognised so that their ids and timestamps are not compared.
RECORD_INSERT = 'INSERT INTO "django_migrations" ("app", "name", "applied") VALUES (%s, %s, %s)'
RECORD_SELECT = (
    'SELECT "django_migrations"."id", "django_migrations"."app", "django_migrations"."name", '
    '"django_migrations"."applied" FROM "django_migrations"'
)
RECORD_REPLAYED = 'INSERT INTO "django_migrations" ("app", "name", "applied") VALUES (%s, %s, now())'
APPLIED_READ = 'SELECT "app", "name" FROM "django_migrations" ORDER BY 1, 2'
DOLLAR_TAGS = ("$ratusz_replay$", "$ratusz_sql$")


class SchemaMigrator:
    def __init__(self):
        # frozenset of applied migrations → (project state before the plan, rendered apps after it)
        self._states = {}

    def migrate(self, schema: str) -> int:
        """Bring `schema` to the latest migrations; returns how many were applied."""
        return self._migrate(schema, None)

    def migrate_recording(self, schema: str) -> tuple[int, Recording]:
        """`migrate`, recording what it sends to the database and reads back, for `Recording.replay`."""
        recording = Recording(schema)
        return self._migrate(schema, recording), recording

    def _migrate(self, schema: str, recording: Recording | None) -> int:
        connection.set_schema(schema, include_public=False)
        if not _has_migrations_table(schema):
            MigrationRecorder(connection).ensure_schema()  # in this schema, not the public one's table
        connection.set_schema(schema)
        try:
            executor = MigrationExecutor(connection)
            # Django asks "is there a django_migrations table?" by listing every table the connection can
            # see, over the whole catalogue: ~40 ms each time with thousands of schemas. It was answered above.
            executor.recorder._has_table = True
            targets = executor.loader.graph.leaf_nodes()
            plan = executor.migration_plan(targets)
            if not plan:
                return 0
            key = frozenset(executor.loader.applied_migrations)
            if key not in self._states:
                # Whether a history is consistent depends only on which migrations it holds: check once.
                executor.loader.check_consistent_history(connection)
                pre_state = executor._create_project_state(with_applied_migrations=True)
                pre_state.apps  # noqa: B018 (rendering once is the expensive part `migrate` repeats per schema)
                self._states[key] = (pre_state, None)
            pre_state, post_apps = self._states[key]
            # All or nothing per schema, unless a migration asks not to run in a transaction.
            atomic = all(migration.atomic for migration, _ in plan)
            if recording and not atomic:
                recording.doubts.append("a migration that is not atomic")
                recording = None
            with transaction.atomic() if atomic else nullcontext():
                with connection.execute_wrapper(recording) if recording else nullcontext():
                    emit_pre_migrate_signal(0, False, connection.alias, apps=pre_state.apps, plan=plan)
                    if recording:
                        # After pre_migrate: it may add operations (contenttypes' renames are RunPython).
                        recording.start(key, plan)
                    post_state = executor.migrate(targets, plan=plan, state=pre_state.clone())
                    if post_apps is None:
                        post_apps = _rendered_for_signals(post_state)
                        self._states[key] = (pre_state, post_apps)
                    emit_post_migrate_signal(0, False, connection.alias, apps=post_apps, plan=plan)
        finally:
            connection.set_schema_to_public()
        schema_migrated.send(sender=SchemaMigrator, schema_name=schema)
        return len(plan)


@dataclass(frozen=True)
class Outcome:
    schema: str
    seconds: float
    error: str | None = None
    replayed: bool = False
    applied: int = 0
    # Why the group's replay was not used for this schema (it then went through Django's executor).
    not_replayed: str | None = None


def migrate_group(
    migrator: SchemaMigrator,
    schemas: Iterable[str],
    report: Callable[[Outcome], None],
    explain: Callable[[str], None] = lambda reason: None,
) -> tuple[Replay | None, list[str]]:
    """Migrate schemas of one group (the same applied migrations) through Django's executor, recording,
    until `WITNESSES` of them recorded the same replayable thing. Returns that replay (or None) and the
    schemas not yet migrated; each migrated schema is reported, and why the group is not replayed explained."""
    schemas = list(schemas)
    witnessed: list[Recording] = []
    while schemas and len(witnessed) < WITNESSES:
        schema = schemas.pop(0)
        started = time.perf_counter()
        try:
            applied, recording = migrator.migrate_recording(schema)
        except Exception as error:
            report(Outcome(schema, time.perf_counter() - started, _describe(error)))
            continue
        report(Outcome(schema, time.perf_counter() - started, applied=applied))
        if not applied:
            continue  # migrated meanwhile by someone else: nothing was recorded
        if recording.doubts:
            explain(f"{schema} recorded {recording.doubts[0]}")
            return None, schemas
        if witnessed and recording != witnessed[0]:
            explain(f"{witnessed[0].schema} and {schema} differ: {witnessed[0].difference(recording)}")
            return None, schemas
        witnessed.append(recording)
    if len(witnessed) < WITNESSES:
        return None, schemas
    return witnessed[0].replay(), schemas


def migrate_one(migrator: SchemaMigrator, schema: str, replay: Replay | None) -> Outcome:
    """Replay into `schema` when there is a replay and it applies; otherwise (or when it diverged or failed)
    migrate it through `migrator`. A failure is returned, not raised, so the other schemas go on."""
    started, refused = time.perf_counter(), None
    try:
        if replay is not None:
            try:
                replay.apply(schema)
            except ReplayRefused as refusal:
                refused = str(refusal)
            else:
                return Outcome(schema, time.perf_counter() - started, replayed=True, applied=replay.applied)
        applied = migrator.migrate(schema)
    except Exception as error:
        return Outcome(schema, time.perf_counter() - started, _describe(error), not_replayed=refused)
    return Outcome(schema, time.perf_counter() - started, applied=applied, not_replayed=refused)


def _describe(error: Exception) -> str:
    return f"{error.__class__.__name__}: {error}".strip()


@dataclass(eq=False)
class Recording:
    """What one schema's migration sent to the database, and what it read back, as an execute wrapper."""

    schema: str
    key: frozenset | None = None
    # (kind, sql, expected): kind is "exec" (nothing read back), "rows" (the rows of a read, as JSON),
    # "returned" (rows a write returned), "count" (a write's row count) or "record" (a django_migrations row).
    entries: list[tuple[str, str, object]] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)
    applied: int = 0

    def start(self, key: frozenset, plan) -> None:
        self.key, self.applied = key, len(plan)
        self.doubts += _not_replayable(plan)

    def __eq__(self, other) -> bool:
        return isinstance(other, Recording) and (self.key, self.entries) == (other.key, other.entries)

    def difference(self, other: Recording) -> str:
        """Where two recordings part, for the operator: the first entry that is not the same."""
        if self.key != other.key:
            return "they had different migrations applied"
        for index, (mine, theirs) in enumerate(zip(self.entries, other.entries, strict=False)):
            if mine != theirs:
                kind, statement, _ = mine
                same_statement = statement == theirs[1]
                what = "read back something else" if same_statement else "sent another statement"
                return f"statement {index + 1} ({kind}, {statement[:120]!r}) {what}"
        return f"one sent {len(self.entries)} statements, the other {len(other.entries)}"

    def __call__(self, execute, sql, params, many, context):
        raw = context["cursor"].cursor
        text = sql if params is None else raw.mogrify(sql, params).decode()
        statement = text.strip().rstrip(";").strip()
        if statement.upper().startswith(("SAVEPOINT ", "RELEASE SAVEPOINT ")):
            return execute(sql, params, many, context)  # the replay is one transaction: nothing to nest
        result = execute(sql, params, many, context)
        if self.key is None:
            self.doubts.append("a statement sent by a pre_migrate receiver")  # none sends any today
        elif many:
            self.doubts.append("executemany")
        elif statement.upper().startswith("ROLLBACK TO SAVEPOINT"):
            self.doubts.append("a rolled back savepoint")
        elif self.schema.lower() in statement.lower():
            self.doubts.append(f"the schema's name in {statement[:80]!r}")
        elif any(tag in statement for tag in DOLLAR_TAGS):
            self.doubts.append("the replay's dollar quotes in a statement")
        elif sql.startswith(RECORD_INSERT) and len(params) == 3:
            self.entries.append(("record", raw.mogrify(RECORD_REPLAYED, params[:2]).decode(), None))
        elif sql.strip() == RECORD_SELECT:
            # Django keeps only (app, name) from this read: ids and timestamps differ between schemas.
            self.entries.append(("rows", APPLIED_READ, self._as_json(context, APPLIED_READ)))
        elif raw.description is not None:
            verb = (raw.statusmessage or "").split(" ")[0]
            if verb == "SELECT":
                self.entries.append(("rows", statement, self._as_json(context, statement)))
            elif verb in ("INSERT", "UPDATE", "DELETE"):
                rows = raw.fetchall()
                raw.scroll(0, mode="absolute")  # the caller reads them as if we had not
                self.entries.append(("returned", statement, _comparable(rows, self.doubts)))
            else:
                self.doubts.append(f"rows from {verb}")
        elif (raw.statusmessage or "").split(" ")[0] in ("INSERT", "UPDATE", "DELETE", "MERGE"):
            self.entries.append(("count", statement, raw.rowcount))
        else:
            self.entries.append(("exec", statement, None))
        return result

    def _as_json(self, context, statement: str) -> str | None:
        """The read's answer rendered by the server, as a replay will render it; on a cursor Django does not
        wrap, in a savepoint so that a statement that cannot be wrapped does not abort the migration."""
        with context["connection"].connection.cursor() as side:
            side.execute("SAVEPOINT ratusz_read")
            try:
                side.execute(_read_as_json(statement))
                (answer,) = side.fetchone()
            except psycopg2.Error as error:
                side.execute("ROLLBACK TO SAVEPOINT ratusz_read")
                self.doubts.append(f"a read that cannot be rendered: {error}")
                return None
            side.execute("RELEASE SAVEPOINT ratusz_read")
            return answer

    def replay(self) -> Replay:
        return Replay(self.entries, self.applied)


class Replay:
    """A recording as one script: replayed into a schema in one transaction, its reads checked."""

    def __init__(self, entries, applied: int):
        self.applied = applied
        self.expected = []
        # ("exec", statement), ("value", WITH clause or "", expression) or ("rowcount", statement): run as one
        # script that collects the answers in a setting, or on Citus one by one (_steps_run).
        self.steps: list[tuple[str, ...]] = []
        reads: dict[str, str] = {}  # consecutive reads, with no write between them: one statement
        for kind, statement, expected in [*entries, ("end", "", None)]:
            if kind == "rows" and reads.get(statement, expected) == expected:
                reads[statement] = expected  # asked again with the same answer: once is enough
                continue
            if reads:
                answers = " || chr(30) || ".join(f"({_read_as_json(read)})" for read in reads)
                self.steps.append(("value", "", answers))
                self.expected += [("rows", answer) for answer in reads.values()]
                reads = {}
            if kind == "rows":
                reads[statement] = expected
            elif kind in ("exec", "record"):
                self.steps.append(("exec", statement))
            elif kind == "returned":
                returned = READ_AS_JSON.format("TABLE ratusz_written")
                self.steps.append(("value", f"WITH ratusz_written AS ({statement}) ", f"({returned})"))
                self.expected.append((kind, expected))
            elif kind == "count":
                self.steps.append(("rowcount", statement))
                self.expected.append((kind, expected))
        self.statements = [f"SELECT set_config('{RESULTS}', '', true)", *map(_collecting, self.steps)]

    def apply(self, schema: str) -> None:
        """Replay into `schema`; ReplayRefused (and nothing changed) when it failed or read something else."""
        # The path django-tenants sets for a unit, for this transaction only: the connection stays public.
        # Inside an outer transaction (a test's) SET LOCAL would outlast the replay: the public one after it.
        unit_path, public_path = (
            pg.SQL(", ").join(map(pg.Identifier, [*first, get_public_schema_name(), *EXTRA_SEARCH_PATHS]))
            for first in ([schema], [])
        )
        if connection.schema_name != get_public_schema_name():
            connection.set_schema_to_public()
        set_path = pg.SQL("SET LOCAL search_path = {}")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if citus_installed():
                    # Citus forwards a distributed schema's statements to its worker as prepared statements,
                    # which hold one command each.
                    cursor.execute(set_path.format(unit_path))
                    answers = self._steps_run(cursor)
                    cursor.execute(set_path.format(public_path))
                else:
                    script = pg.SQL(";\n").join(
                        [
                            set_path.format(unit_path),
                            *map(pg.SQL, self.statements),
                            set_path.format(public_path),
                            pg.SQL(f"SELECT current_setting('{RESULTS}')"),
                        ]
                    )
                    cursor.execute(script.as_string(cursor.cursor))  # one round trip
                    (answers,) = cursor.fetchone()
                self._check(answers)  # raising rolls the replay back
        except DatabaseError as error:
            raise ReplayRefused(f"the replay failed: {_describe(error)}") from error
        schema_migrated.send(sender=SchemaMigrator, schema_name=schema)

    def _steps_run(self, cursor) -> str:
        """The steps one statement at a time; their answers as the one-round-trip script collects them."""
        answers = []
        for kind, *step in self.steps:  # no parameters: each statement taken as written, as the script is
            if kind == "value":
                with_clause, expression = step
                cursor.execute(f"{with_clause}SELECT {expression}")
                answers.append(cursor.fetchone()[0])
            else:
                cursor.execute(step[0])
                if kind == "rowcount":
                    answers.append(str(cursor.rowcount))
        return "".join(answer + SEPARATOR for answer in answers)

    def _check(self, answers: str) -> None:
        answers = answers.split(SEPARATOR)[:-1]
        if len(answers) != len(self.expected):
            raise ReplayRefused(f"the replay answered {len(answers)} times, the witnesses {len(self.expected)}")
        for index, (answer, (kind, expected)) in enumerate(zip(answers, self.expected, strict=True), 1):
            if kind == "returned":
                same = _comparable(json.loads(answer, object_pairs_hook=_values), []) == expected
            else:
                same = (int(answer) if kind == "count" else answer) == expected
            if not same:
                raise ReplayRefused(f"answer {index} ({kind}) differs from the witnesses': {answer[:200]!r}")


class ReplayRefused(Exception):
    """The replay failed or a read answered differently from the witnesses: `migrate` would not have sent
    the same, so the schema goes through Django's executor."""


def _read_as_json(statement: str) -> str:
    """The read rendered for comparison; in the order it asked for, or sorted when it asked for none (an order
    Django's code could depend on would have to be asked for: without one, PostgreSQL may give any)."""
    return (READ_AS_JSON if "ORDER BY" in statement.upper() else READ_AS_SORTED_JSON).format(statement)


def _collect(expression: str) -> str:
    return f"set_config('{RESULTS}', current_setting('{RESULTS}') || {expression} || chr(30), true)"


def _collecting(step: tuple[str, ...]) -> str:
    """A replay step as the one-round-trip script runs it, its answer appended to the collecting setting."""
    kind, *step = step
    if kind == "value":
        with_clause, expression = step
        return f"{with_clause}SELECT {_collect(expression)}"
    if kind == "rowcount":
        return (
            "DO $ratusz_replay$ DECLARE ratusz_count bigint; BEGIN "
            f"EXECUTE $ratusz_sql${step[0]}$ratusz_sql$; GET DIAGNOSTICS ratusz_count = ROW_COUNT; "
            f"PERFORM {_collect('ratusz_count::text')}; END $ratusz_replay$"
        )
    return step[0]


def _values(pairs):
    return tuple(value for _, value in pairs)


def _comparable(rows, doubts: list[str]):
    """Rows as tuples of plain values, the same from psycopg2 and from JSON; anything else is a doubt."""

    def plain(value):
        if isinstance(value, (list, tuple)):
            return tuple(plain(item) for item in value)
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        doubts.append(f"a returned {type(value).__name__}")
        return repr(value)

    return [plain(row) for row in rows]


def _not_replayable(plan) -> list[str]:
    """Operations whose effect may not be the same SQL in every schema: code, raw SQL, others' operations."""
    doubts = []
    for migration, backwards in plan:
        if backwards or not migration.atomic or type(migration).apply is not Migration.apply:
            doubts.append(f"{migration.app_label}.{migration.name}: not a plain atomic forward migration")
            continue
        for operation in _database_operations(migration.operations):
            if isinstance(operation, (RunPython, RunSQL)):
                # Skipped in unit schemas when the router says so (a shared app's data migration).
                if router.allow_migrate(connection.alias, migration.app_label, **operation.hints):
                    doubts.append(f"{migration.app_label}.{migration.name}: {type(operation).__name__}")
            elif not type(operation).__module__.startswith("django.db.migrations.operations."):
                doubts.append(f"{migration.app_label}.{migration.name}: {type(operation).__name__}")
    return doubts


def _database_operations(operations):
    for operation in operations:
        if isinstance(operation, SeparateDatabaseAndState):
            yield from _database_operations(operation.database_operations)
        else:
            yield operation


def _has_migrations_table(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(format('%%I.django_migrations', %s::text)) IS NOT NULL", [schema])
        return cursor.fetchone()[0]


def _rendered_for_signals(post_state):
    """The final state's apps with real models re-rendered, as `migrate` gives post_migrate receivers."""
    post_state.clear_delayed_apps_cache()
    post_apps = post_state.apps
    with post_apps.bulk_update():
        model_keys = []
        for model_state in post_apps.real_models:
            model_key = model_state.app_label, model_state.name_lower
            model_keys.append(model_key)
            post_apps.unregister_model(*model_key)
    post_apps.render_multiple([ModelState.from_model(installed_apps.get_model(*key)) for key in model_keys])
    return post_apps
