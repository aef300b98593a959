"""`make bench-onboarding`: how fast units are onboarded, against django-tenants' migrate-per-schema.

A measurement, not a test: it prints figures and the targets next to them, and never fails because a
target is missed. Everything runs in a database of its own, `ratusz_bench` (dropped first if it exists
and at the end unless `--keep`), on the embedded server or on the server of `DATABASE_URL`.

    python -m infra.bench.onboarding              # Kujawsko-Pomorskie (TERC 04): 164 units
    python -m infra.bench.onboarding --country    # every unit of the register (~2,807), then migrations

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
   then with BENCH_MIGRATIONS=…migrations_v2 `manage.py migrate_units` applies one AddField to the
   template and every unit schema.

The last line is always `onboarding: <N> units, <s> s/unit, <ratio>x faster than migrate-per-schema`,
where s/unit is the whole job (template creation included) divided by N.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from infra.bench.common import PROJECT_ROOT, bench_session, project_pythonpath, verdict

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
        for seconds in re.findall(r"^\[\d+/\d+\] \S+: migrated in ([\d.]+) s$", stdout, flags=re.MULTILINE)
    ]
    print(f"{label}: {wall:.1f} s (wall, manage.py migrate_units)")
    for line in stdout.splitlines():
        if not re.match(r"^\[\d+/\d+\] ", line):
            print(f"    {line}")
    if per_schema:
        print(
            f"    {len(per_schema)} schemas migrated: {wall / len(per_schema) * 1000:.0f} ms of wall time per schema; "
            f"each took {sum(per_schema) / len(per_schema):.2f} s on average (max {max(per_schema):.1f} s) "
            f"in one of {os.cpu_count()} processes"
        )
    return {"wall_s": wall, "migrated": len(per_schema)}


def run(options) -> None:
    with bench_session(BENCH_DATABASE, keep=options.keep, folder_prefix="ratusz-bench-cache-") as bench:
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
            f"    steady state, the other {steady_units} units: {onboard['steady_s']:.1f} s, "
            f"{steady_per_unit:.3f} s/unit"
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
        baseline = _result(
            _run(_stage("--stage", "baseline", "--scope", scope, "--sample", str(options.sample)), env)[0]
        )
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

        if options.country:
            noop = _migrate_units(env, "migrate_units with nothing to apply (no-op)")
            _migrate_units(
                {**env, "BENCH_MIGRATIONS": MIGRATIONS_V2},
                "migrate_units applying a one-field migration (benchapp 0002, AddField)",
            )
            (with_column,) = _query(
                bench_url,
                """
                SELECT count(*) FROM information_schema.columns
                WHERE table_name = 'benchapp_benchrecord' AND column_name = 'note'""",
            )
            print(
                f"    schemas with the new column afterwards: {with_column} (the template and {with_column - 1} units)"
            )

        print("targets (2-core machine):")
        print(
            f"    ≤ {TARGET_SECONDS_PER_UNIT} s/unit: {per_unit:.3f} s/unit — {verdict(per_unit <= TARGET_SECONDS_PER_UNIT)}"
        )
        print(
            f"    ≥ {TARGET_RATIO:.0f}x faster than migrate-per-schema: {ratio:.1f}x — {verdict(ratio >= TARGET_RATIO)}"
        )
        if options.country:
            print(
                f"    whole country ≤ {TARGET_COUNTRY_SECONDS / 60:.0f} min: {total / 60:.1f} min "
                f"({total:.0f} s) — {verdict(total <= TARGET_COUNTRY_SECONDS)}"
            )
            print(
                f"    no-op migrate across the country ≤ {TARGET_NOOP_MIGRATE_SECONDS:.0f} s: "
                f"{noop['wall_s']:.1f} s — {verdict(noop['wall_s'] <= TARGET_NOOP_MIGRATE_SECONDS)}"
            )
        print(f"onboarding: {units} units, {per_unit:.3f} s/unit, {ratio:.1f}x faster than migrate-per-schema")


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


def _country_figures(url: str, total: float, units: int) -> None:
    size, schemas, tables = _database_figures(url)
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
        "--profile",
        metavar="FILE",
        help="profile the onboarding stage with cProfile into FILE (times are then inflated); "
        "read it with python -m pstats FILE",
    )
    # Internal: the stages the driver runs as subprocesses.
    parser.add_argument("--stage", choices=["onboard", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--scope", default=REGION, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # in order with the stages' progress on stderr, even in a file
    if options.sample < 1:
        parser.error("--sample must be at least 1")
    if options.stage == "onboard":
        stage_onboard(options.scope, options.profile_to)
    elif options.stage == "baseline":
        stage_baseline(options.scope, options.sample)
    else:
        run(options)


if __name__ == "__main__":
    main()
