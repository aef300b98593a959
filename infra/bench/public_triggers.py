"""What units attach to the public schema's tables, and what a new connection pays for it (a measurement).

    python -m infra.bench.public_triggers              # 50 units of Kujawsko-Pomorskie
    python -m infra.bench.public_triggers --units 160

In a database of its own (`ratusz_bench_triggers`, dropped at the end unless `--keep`), on the embedded server or
on DATABASE_URL's: migrates the public schema, loads the standard catalogue, onboards the first N units of the
region (the real path, `unit_onboard`, with the development identity provider), then prints

- the triggers on the public schema's tables, in all and on the busiest table, and how many were made for a
  unit's table (a foreign key from a unit's schema puts two on the public table it references, per unit);
- a new connection's cost: the milliseconds from connecting to having read a unit's offered services with
  their standard cards (the join a unit's home page and a card make), median over fresh connections to
  different units, and the backend's CacheMemoryContext after it (pg_backend_memory_contexts).

Run it on two trees to compare (issue #20 ran it before and after unit tables stopped referencing public rows by
foreign key). Last line: `public triggers: <N> units, <T> triggers on public tables (<U> for unit tables),
new connection <ms> ms`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from infra.bench.common import bench_session, project_pythonpath

BENCH_DATABASE = "ratusz_bench_triggers"
REGION = "04"
RESULT_MARK = "BENCH_RESULT "

TRIGGERS = """
    SELECT count(*), count(*) FILTER (WHERE made_for.relnamespace <> 'public'::regnamespace),
        COALESCE(max(per_table.n), 0)
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid AND c.relnamespace = 'public'::regnamespace
    LEFT JOIN pg_class made_for ON made_for.oid = t.tgconstrrelid
    CROSS JOIN LATERAL (SELECT count(*) AS n FROM pg_trigger o WHERE o.tgrelid = t.tgrelid) per_table
"""
# What a unit's home page and a service card read: its offer joined to the public catalogue.
OFFER_READ = """
    SELECT s.slug, v.name, v.short_description FROM offer_adoptedservice a
    JOIN catalogue_standardservice s ON s.id = a.standard_service_id
    JOIN catalogue_standardserviceversion v ON v.id = s.published_id
    WHERE a.enabled ORDER BY v.name
"""
CACHE_MEMORY = "SELECT total_bytes FROM pg_backend_memory_contexts WHERE name = 'CacheMemoryContext'"


def stage_setup(units: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from onboarding.actors import Actor
    from onboarding.services import unit_onboard
    from onboarding.terc import units_by_code

    call_command("migrate_schemas", "--shared", "--noinput", verbosity=0)
    call_command("load_standard_catalogue", verbosity=0)
    codes = [code for code in units_by_code() if code.startswith(REGION)][:units]
    started = time.perf_counter()
    for code in codes:
        unit_onboard(code=code, actor=Actor(label="benchmark"))
    print(RESULT_MARK + json.dumps({"units": len(codes), "onboard_s": time.perf_counter() - started}), flush=True)


def _new_connection_costs(url: str, schemas: list[str]) -> tuple[list[float], list[int]]:
    import psycopg2

    costs, memory = [], []
    for schema in schemas:
        started = time.perf_counter()
        conn = psycopg2.connect(url)
        with conn.cursor() as cursor:
            cursor.execute("SET search_path = %s, public", [schema])
            cursor.execute(OFFER_READ)
            cursor.fetchall()
            costs.append((time.perf_counter() - started) * 1000)
            cursor.execute(CACHE_MEMORY)
            memory.append(cursor.fetchone()[0])
        conn.close()
    return costs, memory


def run(options) -> None:
    import psycopg2

    with bench_session(BENCH_DATABASE, keep=options.keep, folder_prefix="ratusz-bench-triggers-") as bench:
        env = {**os.environ, "DATABASE_URL": bench.url, "PYTHONPATH": project_pythonpath()}
        env.setdefault("LOG_LEVEL", "WARNING")
        env.setdefault("CACHE_URL", f"filecache://{bench.folder}")
        env.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings")
        if "KEYCLOAK_SERVER_URL" not in os.environ:
            from infra.devservices.devidp import start_dev_idp

            env["KEYCLOAK_SERVER_URL"] = start_dev_idp().base_url
        done = subprocess.run(
            [sys.executable, "-m", "infra.bench.public_triggers", "--stage", "setup", "--units", str(options.units)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
        if done.returncode or not lines:
            raise SystemExit(f"the set-up failed:\n{done.stdout}\n{done.stderr}")
        setup = json.loads(lines[-1][len(RESULT_MARK) :])
        units = setup["units"]
        print(f"{units} units onboarded in {setup['onboard_s']:.1f} s ({setup['onboard_s'] / units:.3f} s/unit)")

        conn = psycopg2.connect(bench.url)
        with conn.cursor() as cursor:
            cursor.execute(TRIGGERS)
            total, for_units, busiest = cursor.fetchone()
            cursor.execute(
                "SELECT schema_name FROM tenants_tenant WHERE schema_name <> 'public' ORDER BY schema_name LIMIT %s",
                [options.connections],
            )
            schemas = [schema for (schema,) in cursor.fetchall()]
        conn.close()
        print(f"triggers on public tables: {total} ({for_units} made for unit tables; busiest table {busiest})")
        _new_connection_costs(bench.url, schemas[:3])  # warm the server's own files and the OS cache
        costs, memory = _new_connection_costs(bench.url, schemas)
        cost = statistics.median(costs)
        print(
            f"new connection to a unit's offer: median {cost:.1f} ms, p90 "
            f"{statistics.quantiles(costs, n=10)[-1]:.1f} ms over {len(costs)} connections; "
            f"CacheMemoryContext after it {statistics.median(memory) / 1024:.0f} KB"
        )
        print(
            f"public triggers: {units} units, {total} triggers on public tables ({for_units} for unit tables), "
            f"new connection {cost:.1f} ms"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--connections", type=int, default=40, help="fresh connections measured")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--stage", choices=["setup"], help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.stage == "setup":
        stage_setup(options.units)
    else:
        run(options)


if __name__ == "__main__":
    main()
