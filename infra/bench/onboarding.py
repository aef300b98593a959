"""`make bench-onboarding`: how fast units are onboarded, against django-tenants' migrate-per-schema.

A measurement, not a test: it prints figures and the targets next to them, and never fails because a
target is missed. Everything runs in a database of its own, `ratusz_bench` (dropped first if it exists
and at the end unless `--keep`), on the embedded server or on the server of `DATABASE_URL`.

    python -m infra.bench.onboarding              # Kujawsko-Pomorskie (TERC 04): 164 units
    python -m infra.bench.onboarding --country    # every unit of the register (~2,807), then migrations
    python -m infra.bench.onboarding --country --reuse   # the migrations again, on the country kept by --keep

Each stage is a subprocess with DJANGO_SETTINGS_MODULE=infra.bench.settings (the normal settings plus
the benchmark-only tenant app `infra.bench.benchapp`), DATABASE_URL pointing at the bench database and
BENCH_MIGRATIONS choosing that app's migration package. The measured stages time themselves from inside
(time.perf_counter around the work) and hand the figures back as one JSON line.

1. `manage.py migrate_schemas --shared` on the empty database, then `load_standard_catalogue` (onboarding
   adopts the standard services of each unit's kind, as in production).
2. Onboarding through the real path: `onboarding_job_create` + `onboarding_job_run` over all codes,
   Actor(label="benchmark"), each unit's Organization and role groups created over HTTP in the development
   identity provider (infra/devservices/devidp) unless KEYCLOAK_SERVER_URL names a Keycloak. The first unit
   also creates the template schema (by migrating it); that time is reported apart from the steady state.
3. The baseline, django-tenants' default path: `TenantMixin.create_schema` (CREATE SCHEMA + every
   migration) for a sample of units under fresh schema names, after one untimed warm-up schema so that
   the baseline is not charged with the process's first imports. Its schemas are dropped afterwards.
4. `--country` only: database size, schemas and tables; `manage.py migrate_units` with nothing to apply;
   then the migration baseline, Django's `migrate` per schema (`migrate_schemas --schema`, the standard
   executor) applying benchapp 0002 to a sample of unit schemas after one untimed warm-up schema (they
   are put back at 0001 afterwards, untimed); then with BENCH_MIGRATIONS=…migrations_v2
   `manage.py migrate_units` applies that one AddField to the template and every unit schema. The
   baseline's seconds per schema times the schemas migrate_units migrated is what migrating them one by
   one with `migrate` would take; the ratio is printed against it.

`--reuse` skips stages 1–3 when `ratusz_bench` already holds the country (kept by an earlier `--keep`
run) and keeps it again: it only puts benchapp back at 0001 in every schema (untimed, plain SQL doing
what unapplying 0002 does) and measures stage 4.

The last line is `onboarding: <N> units, <s> s/unit, <ratio>x faster than migrate-per-schema`, where s/unit
is the whole job (template creation included) divided by N (not printed with --reuse); with --country it
follows `migration: <N> schemas in <s> s, <ratio>x faster than Django's migrate per schema`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from infra.bench.common import PROJECT_ROOT, BenchRun, bench_database, bench_session, project_pythonpath, verdict

BENCH_DATABASE = "ratusz_bench"
BENCH_SETTINGS = "infra.bench.settings"
MIGRATIONS_V1 = "infra.bench.benchapp.migrations_v1"
MIGRATIONS_V2 = "infra.bench.benchapp.migrations_v2"
RESULT_MARK = "BENCH_RESULT "
BASELINE_SCHEMA_PREFIX = "bench_migrate_"
REGION = "04"  # Kujawsko-Pomorskie

# Targets on the reference machine (2 cores).
TARGET_SECONDS_PER_UNIT = 0.1
TARGET_RATIO = 5.0
TARGET_COUNTRY_SECONDS = 600.0
TARGET_NOOP_MIGRATE_SECONDS = 60.0
TARGET_ONE_FIELD_MIGRATE_SECONDS = 60.0
BENCH_FIELD_MIGRATION = ("benchapp", "0002_benchrecord_note")


# --- stages (run in subprocesses, with the bench settings) ----------------------------------------


def _setup_django() -> None:
    import django

    django.setup()


def _codes(scope: str) -> list[str]:
    from onboarding.terc import units_by_code

    return [code for code in units_by_code() if scope == "all" or code.startswith(scope)]


def _emit(result: dict) -> None:
    print(RESULT_MARK + json.dumps(result), flush=True)


def stage_onboard(scope: str, profile_path: str | None) -> None:
    """Onboard every unit of `scope` ("04" or "all") with one bulk job, as an operator would."""
    _setup_django()
    from onboarding.actors import Actor
    from onboarding.models import ItemStatus
    from onboarding.services import onboarding_job_create, onboarding_job_run
    from tenants import schema_template

    codes = _codes(scope)
    # Instrumentation only: time each call of the template check that precedes every copy. The first
    # call migrates the (missing) template; the others are the per-unit cost of checking it is current.
    template_checks: list[float] = []
    check = schema_template.template_ensure_current

    def timed_check():
        started = time.perf_counter()
        try:
            return check()
        finally:
            template_checks.append(time.perf_counter() - started)

    schema_template.template_ensure_current = timed_check

    finished: list[float] = []
    report_every = max(1, len(codes) // 10)

    def progress(item):
        finished.append(time.perf_counter())
        done = len(finished)
        if done % report_every == 0 and done < len(codes):
            interval = finished[-1] - (finished[-1 - report_every] if done > report_every else started)
            print(
                f"  … {done}/{len(codes)} units in {finished[-1] - started:.1f} s "
                f"({interval / report_every * 1000:.0f} ms/unit over the last {report_every})",
                file=sys.stderr,
                flush=True,
            )

    profiler = None
    if profile_path:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    job = onboarding_job_create(codes=codes, source=f"benchmark: {len(codes)} units", actor=Actor(label="benchmark"))
    created = time.perf_counter()
    onboarding_job_run(job=job, progress=progress)
    ended = time.perf_counter()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_path)

    items = list(job.items.values_list("status", "code", "error"))
    failed = [(code, error) for status, code, error in items if status == ItemStatus.FAILED]
    _emit(
        {
            "units": len(codes),
            "done": sum(status == ItemStatus.DONE for status, _, _ in items),
            "failed": len(failed),
            "failures": failed[:5],
            "total_s": ended - started,
            "job_create_s": created - started,
            "first_unit_s": finished[0] - created if finished else None,
            "steady_s": ended - finished[0] if finished else None,
            "template_create_s": template_checks[0] if template_checks else None,
            "template_check_s": sum(template_checks[1:]),
            "template_checks": len(template_checks),
            "last_100_s": finished[-1] - finished[-101] if len(finished) > 100 else None,
            "first_100_s": finished[100] - finished[0] if len(finished) > 100 else None,
        }
    )


def stage_baseline(scope: str, sample: int) -> None:
    """django-tenants' default: a schema built by running every migration, for `sample` units."""
    _setup_django()
    from django.db import connection
    from django_tenants.models import TenantMixin

    from onboarding.slugs import register_slugs
    from onboarding.terc import units_by_code
    from tenants.models import Tenant
    from tenants.schema_template import template_schema_name

    codes = _codes(scope)
    step = max(1, len(codes) // sample)
    chosen = codes[::step][:sample]
    register, slugs = units_by_code(), register_slugs()

    def unsaved_unit(code: str, schema: str) -> Tenant:
        terc = register[code]
        return Tenant(name=terc.official_name, code=code, kind=terc.kind, slug=slugs[code], schema_name=schema)

    schemas = [f"{BASELINE_SCHEMA_PREFIX}warmup"]
    started = time.perf_counter()
    TenantMixin.create_schema(unsaved_unit(chosen[0], schemas[0]), verbosity=0)  # untimed: first imports
    warmup = time.perf_counter() - started
    seconds = []
    for index, code in enumerate(chosen):
        schema = f"{BASELINE_SCHEMA_PREFIX}{index}_{code}"
        schemas.append(schema)
        unit = unsaved_unit(code, schema)
        started = time.perf_counter()
        TenantMixin.create_schema(unit, verbosity=0)
        seconds.append(time.perf_counter() - started)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # What each schema holds, against the template the onboarding copies: the same tables, or the
        # comparison is not fair.
        cursor.execute(
            """
            SELECT n.nspname, count(c.oid) FROM pg_namespace n
            LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind = 'r'
            WHERE n.nspname = ANY(%s) GROUP BY n.nspname""",
            [[*schemas, template_schema_name()]],
        )
        tables = dict(cursor.fetchall())
        for schema in schemas:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    _emit(
        {
            "codes": chosen,
            "seconds": seconds,
            "warmup_s": warmup,
            "tables": sorted({tables.get(schema, 0) for schema in schemas}),
            "template_tables": tables.get(template_schema_name(), 0),
        }
    )


def stage_migrate_baseline(sample: int) -> None:
    """Django's `migrate` per schema (django-tenants' standard executor) applying benchapp 0002 to `sample`
    unit schemas spread over the register, after one untimed warm-up; then puts them back at 0001."""
    _setup_django()
    from django.core.management import call_command

    from tenants.models import Tenant, UnitStatus

    schemas = list(
        Tenant.objects.exclude(status=UnitStatus.OFFBOARDED)
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
    step = max(1, len(schemas) // (sample + 1))
    chosen = schemas[::step][: sample + 1]

    def migrate(schema: str, *target: str) -> float:
        started = time.perf_counter()
        call_command(
            "migrate_schemas", *target, tenant=True, schema_name=schema, interactive=False, verbosity=0,
            executor="standard",
        )  # fmt: skip
        return time.perf_counter() - started

    warmup = migrate(chosen[0])
    seconds = [migrate(schema) for schema in chosen[1:]]
    for schema in chosen:  # untimed: migrate_units must find every schema behind
        migrate(schema, "benchapp", "0001")
    _emit({"seconds": seconds, "warmup_s": warmup, "schemas": chosen[1:]})


# --- the driver (no Django in this process) -------------------------------------------------------


def _query(url: str, sql: str, params=None):
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        conn.close()


def _run(args: list[str], env: dict, on_line=None) -> tuple[str, float]:
    """Run a stage; return its stdout and its wall time. Its stderr (logs, progress) goes to ours."""
    started = time.perf_counter()
    lines = []
    with subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, text=True, stdout=subprocess.PIPE) as process:
        for line in process.stdout:
            lines.append(line)
            if on_line:
                on_line(line, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    stdout = "".join(lines)
    if process.returncode != 0:
        print(stdout, end="")
        raise SystemExit(f"stage failed ({process.returncode}): {' '.join(args)}")
    return stdout, seconds


def _result(stdout: str) -> dict:
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    raise SystemExit(f"the stage printed no result:\n{stdout}")


def _manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def _stage(*args: str) -> list[str]:
    return [sys.executable, "-m", "infra.bench.onboarding", *args]


def _migrate_units(env: dict, label: str) -> dict:
    def progress(line, seconds):  # every 10% of the schemas migrated, on stderr like the onboarding's
        if match := re.match(r"^\[(\d+)/(\d+)\] ", line):
            done, total = int(match[1]), int(match[2])
            if done % max(1, total // 10) == 0 and done < total:
                print(f"  … {done}/{total} schemas migrated in {seconds:.1f} s", file=sys.stderr, flush=True)

    stdout, wall = _run(_manage("migrate_units"), env, on_line=progress)
    per_schema = [
        float(seconds)
        for seconds in re.findall(
            r"^\[\d+/\d+\] \S+: migrated in ([\d.]+) s(?: \(replayed\))?$", stdout, flags=re.MULTILINE
        )
    ]
    print(f"{label}: {wall:.1f} s (wall, manage.py migrate_units)")
    for line in stdout.splitlines():
        if not re.match(r"^\[\d+/\d+\] ", line):
            print(f"    {line}")
    if per_schema:
        print(
            f"    {len(per_schema)} schemas migrated: {wall / len(per_schema) * 1000:.0f} ms of wall time per schema; "
            f"each took {sum(per_schema) / len(per_schema) * 1000:.0f} ms on average "
            f"(max {max(per_schema) * 1000:.0f} ms) "
            f"in one of {os.cpu_count()} processes"
        )
    return {"wall_s": wall, "migrated": len(per_schema)}


def run(options) -> None:
    session = _reused_session() if options.reuse else None
    with session or bench_session(BENCH_DATABASE, keep=options.keep, folder_prefix="ratusz-bench-cache-") as bench:
        bench_url = bench.url
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
            "DATABASE_URL": bench_url,
            "BENCH_MIGRATIONS": MIGRATIONS_V1,
            "PYTHONPATH": project_pythonpath(),
        }
        env.setdefault("LOG_LEVEL", "WARNING")  # the onboarding's failures (WARNING) still show
        # The host → unit cache the onboarding invalidates: files of our own, not the developer's .data/cache
        # (a CACHE_URL that is set, e.g. Redis, is used as it is).
        env.setdefault("CACHE_URL", f"filecache://{bench.folder}")
        targets = []
        if options.reuse:
            units = _reset_to_v1(bench_url)
            print(f"reused the country kept in {BENCH_DATABASE}: {units} units; benchapp put back at 0001 (untimed)")
            _country_figures(bench_url, None, units)
        else:
            onboarded = _onboarding(options, env, bench_url)
            targets += onboarded["targets"]
        if options.country:
            targets += _migrations(options, env, bench_url)

        print("targets (2-core machine):")
        for line in targets:
            print(f"    {line}")
        if not options.reuse:
            print(
                f"onboarding: {onboarded['units']} units, {onboarded['per_unit']:.3f} s/unit, "
                f"{onboarded['ratio']:.1f}x faster than migrate-per-schema"
            )


@contextmanager
def _reused_session():
    """The kept country database, kept again; a fresh folder for the cache."""
    import psycopg2

    _, url = bench_database(BENCH_DATABASE)
    folder = Path(tempfile.mkdtemp(prefix="ratusz-bench-cache-"))
    try:
        (units,) = _query(url, "SELECT count(*) FROM tenants_tenant")
    except psycopg2.Error as error:
        raise SystemExit(
            f"--reuse: {BENCH_DATABASE} holds no onboarded units ({error}); run with --country --keep"
        ) from error
    if not units:
        raise SystemExit(f"--reuse: {BENCH_DATABASE} holds no onboarded units; run with --country --keep first")
    try:
        yield BenchRun(name=BENCH_DATABASE, server_url=url, url=url, folder=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        print(f"(kept the database {BENCH_DATABASE}: {url})", file=sys.stderr)


def _reset_to_v1(url: str) -> int:
    """Every schema with benchapp 0002 put back at 0001, as unapplying it would (drop the column, forget the
    record), in plain SQL: setting up the measurement, not part of it. Returns the number of units."""
    import psycopg2

    app, name = BENCH_FIELD_MIGRATION
    conn = psycopg2.connect(url)
    conn.autocommit = True  # a schema at a time: one transaction would lock every table of the country
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT table_schema FROM information_schema.columns "
                "WHERE table_name = 'benchapp_benchrecord' AND column_name = 'note'"
            )
            for (schema,) in cursor.fetchall():
                cursor.execute(
                    f'ALTER TABLE "{schema}".benchapp_benchrecord DROP COLUMN note; '
                    f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',
                    [app, name],
                )
            cursor.execute("SELECT count(*) FROM tenants_tenant")
            return cursor.fetchone()[0]
    finally:
        conn.close()


def _onboarding(options, env: dict, bench_url: str) -> dict:
    """Stages 1–3: the public schema, the catalogue, onboarding every unit, the migrate-per-schema baseline."""
    if "KEYCLOAK_SERVER_URL" not in os.environ:
        # Onboarding creates each unit's Organization in Keycloak: the development provider stands in, and
        # its HTTP calls are part of the measured time, as Keycloak's would be.
        from infra.devservices.devidp import start_dev_idp

        identity_provider = start_dev_idp()
        env["KEYCLOAK_SERVER_URL"] = identity_provider.base_url
        print(f"identity provider: the development one at {identity_provider.base_url}")
    scope = "all" if options.country else REGION

    _, seconds = _run(_manage("migrate_schemas", "--shared", "--noinput", "-v", "0"), env)
    print(f"public schema migrated in {seconds:.1f} s (empty database, no units)")
    # As in `make run`: onboarding adopts the standard services of each unit's kind.
    _, seconds = _run(_manage("load_standard_catalogue"), env)
    print(f"standard catalogue loaded in {seconds:.1f} s")

    # --- onboarding, the real path ---
    stage = ["--stage", "onboard", "--scope", scope]
    if options.profile:
        stage += ["--profile-to", str(Path(options.profile).resolve())]
    onboard = _result(_run(_stage(*stage), env)[0])
    units = onboard["units"]
    total = onboard["total_s"]
    per_unit = total / units
    steady_units = max(units - 1, 1)
    steady_per_unit = onboard["steady_s"] / steady_units
    print(
        f"onboarded {onboard['done']} of {units} units"
        f"{' (' + 'Kujawsko-Pomorskie, TERC 04' + ')' if scope == REGION else ' (the whole TERC register)'}"
        f" in {total:.1f} s{' — PROFILED, times inflated' if options.profile else ''}"
    )
    if onboard["failed"]:
        print(f"    FAILED: {onboard['failed']} units, e.g. {onboard['failures']}")
    print(f"    job created ({units} items) in {onboard['job_create_s']:.2f} s")
    template_create = onboard["template_create_s"]
    print(
        f"    first unit, creating the template schema: {onboard['first_unit_s']:.2f} s (of which migrating "
        f"the template {'?' if template_create is None else f'{template_create:.2f}'} s)"
    )
    print(
        f"    steady state, the other {steady_units} units: {onboard['steady_s']:.1f} s, {steady_per_unit:.3f} s/unit"
    )
    if onboard["first_100_s"] is not None:
        print(
            f"    units 2–101: {onboard['first_100_s'] / 100:.3f} s/unit; "
            f"last 100 units: {onboard['last_100_s'] / 100:.3f} s/unit"
        )
    if onboard["template_checks"] > 1:
        print(
            f"    template check before each copy: {onboard['template_check_s']:.2f} s in total over "
            f"{onboard['template_checks'] - 1} units "
            f"({onboard['template_check_s'] / (onboard['template_checks'] - 1) * 1000:.1f} ms/unit)"
        )
    print(f"    s/unit including the template: {per_unit:.3f}; excluding it (steady state): {steady_per_unit:.3f}")

    if options.country:
        _country_figures(bench_url, total, units)

    # --- the baseline: migrate-per-schema ---
    baseline = _result(_run(_stage("--stage", "baseline", "--scope", scope, "--sample", str(options.sample)), env)[0])
    baseline_seconds = baseline["seconds"]
    baseline_per_unit = sum(baseline_seconds) / len(baseline_seconds)
    ratio = baseline_per_unit / per_unit
    print(
        f"migrate-per-schema (django-tenants TenantMixin.create_schema, every migration), "
        f"sample of {len(baseline_seconds)} units after one untimed warm-up: {baseline_per_unit:.3f} s/unit "
        f"(min {min(baseline_seconds):.3f}, max {max(baseline_seconds):.3f}; the warm-up took "
        f"{baseline['warmup_s']:.3f})"
    )
    print(
        f"    each baseline schema had {' or '.join(map(str, baseline['tables']))} tables, the template "
        f"{baseline['template_tables']}; the baseline's schemas were dropped after"
    )
    print(
        f"    onboarding is {ratio:.1f}x faster including the template, "
        f"{baseline_per_unit / steady_per_unit:.1f}x in the steady state "
        f"(onboarding also creates the unit's row, domain, branding and audit entry; the baseline only "
        f"the schema)"
    )
    targets = [
        f"≤ {TARGET_SECONDS_PER_UNIT} s/unit: {per_unit:.3f} s/unit — {verdict(per_unit <= TARGET_SECONDS_PER_UNIT)}",
        f"≥ {TARGET_RATIO:.0f}x faster than migrate-per-schema: {ratio:.1f}x — {verdict(ratio >= TARGET_RATIO)}",
    ]
    if options.country:
        targets.append(
            f"whole country onboarded ≤ {TARGET_COUNTRY_SECONDS:.0f} s ({TARGET_COUNTRY_SECONDS / 60:.0f} min): "
            f"{total:.0f} s ({total / 60:.1f} min) — {verdict(total <= TARGET_COUNTRY_SECONDS)}"
        )
    return {"units": units, "per_unit": per_unit, "ratio": ratio, "targets": targets}


def _migrations(options, env: dict, bench_url: str) -> list[str]:
    """Stage 4: migrate_units with nothing to apply, the migrate-per-schema baseline, the one-field migration."""
    noop = _migrate_units(env, "migrate_units with nothing to apply (no-op)")
    v2 = {**env, "BENCH_MIGRATIONS": MIGRATIONS_V2}
    baseline = _result(_run(_stage("--stage", "migrate-baseline", "--sample", str(options.migrate_sample)), v2)[0])
    per_schema = sum(baseline["seconds"]) / len(baseline["seconds"])
    print(
        f"migration baseline, Django's migrate per schema (migrate_schemas --schema, standard executor) applying "
        f"benchapp 0002 to {len(baseline['seconds'])} unit schemas after one untimed warm-up: "
        f"{per_schema * 1000:.0f} ms/schema (min {min(baseline['seconds']) * 1000:.0f}, "
        f"max {max(baseline['seconds']) * 1000:.0f}; the warm-up took {baseline['warmup_s']:.2f} s); "
        "those schemas were put back at 0001"
    )
    one_field = _migrate_units(v2, "migrate_units applying a one-field migration (benchapp 0002, AddField)")
    (with_column,) = _query(
        bench_url,
        """
        SELECT count(*) FROM information_schema.columns
        WHERE table_name = 'benchapp_benchrecord' AND column_name = 'note'""",
    )
    print(f"    schemas with the new column afterwards: {with_column} (the template and {with_column - 1} units)")
    wall, migrated = one_field["wall_s"], one_field["migrated"]
    one_by_one = per_schema * migrated
    ratio = one_by_one / wall if wall else float("inf")
    print(
        f"    against Django's migrate one schema after another: {migrated} × {per_schema * 1000:.0f} ms = "
        f"{one_by_one:.0f} s, so migrate_units is {ratio:.1f}x faster"
    )
    print(f"migration: {migrated} schemas in {wall:.1f} s, {ratio:.1f}x faster than Django's migrate per schema")
    return [
        f"no-op migrate across the country ≤ {TARGET_NOOP_MIGRATE_SECONDS:.0f} s: "
        f"{noop['wall_s']:.1f} s — {verdict(noop['wall_s'] <= TARGET_NOOP_MIGRATE_SECONDS)}",
        f"one-field migration across every schema ({migrated}) ≤ {TARGET_ONE_FIELD_MIGRATE_SECONDS:.0f} s: "
        f"{wall:.1f} s ({ratio:.1f}x Django's migrate per schema) — "
        f"{verdict(wall <= TARGET_ONE_FIELD_MIGRATE_SECONDS and with_column == migrated)}",
    ]


def _database_figures(url: str) -> tuple[str, int, int]:
    return _query(
        url,
        """
        SELECT pg_size_pretty(pg_database_size(current_database())),
               (SELECT count(*) FROM pg_namespace
                WHERE nspname NOT LIKE 'pg\\_%%' AND nspname <> 'information_schema'),
               (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r' AND n.nspname NOT LIKE 'pg\\_%%' AND n.nspname <> 'information_schema')""",
    )


def _country_figures(url: str, total: float | None, units: int) -> None:
    size, schemas, tables = _database_figures(url)
    if total is not None:
        print(f"    whole country: {total:.1f} s ({total / 60:.1f} min), {total / units:.3f} s/unit")
    print(
        f"    database {BENCH_DATABASE}: {size} (pg_database_size), {schemas:,} schemas "
        f"(public, the template and the units), {tables:,} tables (pg_class relkind 'r', outside pg_catalog)"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.bench.onboarding", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--country",
        action="store_true",
        help="every unit of the register (~2,807) instead of Kujawsko-Pomorskie (164), "
        "then the no-op and one-field migrate_units",
    )
    parser.add_argument(
        "--sample", type=int, default=8, help="units whose schema the migrate-per-schema baseline builds (default 8)"
    )
    parser.add_argument("--keep", action="store_true", help=f"keep the database {BENCH_DATABASE} at the end")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"with --country: skip onboarding and measure the migrations again on the country a --keep run left "
        f"in {BENCH_DATABASE} (kept again)",
    )
    parser.add_argument(
        "--migrate-sample",
        type=int,
        default=10,
        help="unit schemas Django's migrate-per-schema baseline migrates (default 10)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="profile the onboarding stage with cProfile into FILE (times are then inflated); "
        "read it with python -m pstats FILE",
    )
    # Internal: the stages the driver runs as subprocesses.
    parser.add_argument("--stage", choices=["onboard", "baseline", "migrate-baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--scope", default=REGION, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # in order with the stages' progress on stderr, even in a file
    if options.sample < 1 or options.migrate_sample < 1:
        parser.error("--sample and --migrate-sample must be at least 1")
    if options.reuse and not options.country:
        parser.error("--reuse measures the country's migrations: add --country")
    if options.stage == "onboard":
        stage_onboard(options.scope, options.profile_to)
    elif options.stage == "baseline":
        stage_baseline(options.scope, options.sample)
    elif options.stage == "migrate-baseline":
        stage_migrate_baseline(options.sample)
    else:
        run(options)


if __name__ == "__main__":
    main()
