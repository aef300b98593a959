"""`make bench-citus`: onboarding and a unit's queries on a Citus cluster against plain PostgreSQL, in one run.

A measurement, not a test. The same steps run twice, first on plain PostgreSQL (the embedded server, or the server
of `DATABASE_URL`) and then on a Citus coordinator with two workers on loopback (../shared/citus, started afresh
in .data/citus-bench on `--port`, 57640, and stopped at the end), each in a database of its own,
`ratusz_bench_citus`:

1. the public schema migrated and the standard catalogue loaded (untimed);
2. `--units` units of the TERC register onboarded by one bulk job (make bench-country's onboarding stage, the
   operators' path; on Citus every unit's schema is handed to a worker: tenants/citus.py) — seconds per unit;
3. a unit's query on a new connection (connect, set the unit's search path, read its branding and count its
   register) for `--sample` units, and the same queries again on that warm connection: median ms of each;
   on Citus both are routed to the unit's worker.

Last line: `citus: <N> units, onboarding <s> s/unit against <s> s/unit (<ratio>×), new connection <ms> ms
against <ms> ms, warm query <ms> ms against <ms> ms`. `citus_figures(url, units)` is the same measurement on a
database that is already prepared, for a caller that has its own. `make bench-country ARGS=--citus` serves the
units on both, under the country bench's load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from infra.bench.common import (
    bench_database,
    citus_cluster,
    citus_placement,
    citus_required,
    database_drop,
    database_recreate,
    fetch_all,
)
from infra.bench.country import units_onboard

BENCH_DATABASE = "ratusz_bench_citus"


def onboard(url: str, units: int, env: dict) -> float:
    """Migrate the public schema and load the catalogue (untimed), then onboard `units` units; seconds per unit."""
    result = units_onboard(url, units, env)
    if result["failures"] or result["done"] != units:
        raise SystemExit(f"onboarding failed: {result}")
    return result["seconds"] / units


def citus_figures(url: str, sample: int) -> dict:
    """Median ms of a unit's first queries on a new connection, and of the same queries on a warm one, over the
    first `sample` units of the database at `url`."""
    import psycopg2

    schemas = [
        schema for (schema,) in fetch_all(url, "SELECT schema_name FROM tenants_tenant ORDER BY id LIMIT %s", [sample])
    ]
    queries = ("SELECT tagline FROM branding_unitbranding", "SELECT count(*) FROM inbox_registerentry")
    cold, warm = [], []
    for schema in schemas:
        started = time.perf_counter()
        conn = psycopg2.connect(url)
        try:
            with conn.cursor() as cursor:
                cursor.execute(f'SET search_path = "{schema}", public')
                for query in queries:
                    cursor.execute(query)
                    cursor.fetchall()
                cold.append(time.perf_counter() - started)
                started = time.perf_counter()
                for query in queries:
                    cursor.execute(query)
                    cursor.fetchall()
                warm.append(time.perf_counter() - started)
        finally:
            conn.close()
    return {"new_connection_ms": statistics.median(cold) * 1000, "warm_ms": statistics.median(warm) * 1000}


def _environment(folder: Path) -> dict:
    """What the onboarding subprocess reads: production's settings module in development mode, files of the run's
    own, the development identity provider (each unit's Organization is made there)."""
    from infra.devservices.devidp import start_dev_idp

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_core.settings",
        "RATUSZ_ENV": "development",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",
        "MEDIA_ROOT": str(folder / "media"),
        "UPO_KEYS_DIR": str(folder / "upo-keys"),
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_FILESYSTEM_QUEUE": str(folder / "celery-queue"),
        "CACHE_URL": f"filecache://{folder / 'cache'}",
        "KEYCLOAK_SERVER_URL": os.environ.get("KEYCLOAK_SERVER_URL") or start_dev_idp().base_url,
    }


def run(options) -> None:
    citus_required()
    folder = Path(tempfile.mkdtemp(prefix="ratusz-bench-citus-"))
    env = _environment(folder)
    server_url, plain_url = bench_database(BENCH_DATABASE)
    figures = {}
    try:
        database_recreate(server_url, BENCH_DATABASE)
        figures["plain"] = {
            "onboarding": onboard(plain_url, options.units, env),
            **citus_figures(plain_url, options.sample),
        }
        print(f"plain PostgreSQL: {figures['plain']}", file=sys.stderr)
        database_drop(server_url, BENCH_DATABASE)
        shutil.rmtree(folder / "media", ignore_errors=True)
        with citus_cluster(options.port, BENCH_DATABASE) as citus_url:
            print(f"citus: coordinator {citus_url}, workers on the next two ports")
            figures["citus"] = {
                "onboarding": onboard(citus_url, options.units, env),
                **citus_figures(citus_url, options.sample),
            }
            spread = citus_placement(citus_url)
    finally:
        database_drop(server_url, BENCH_DATABASE)
        shutil.rmtree(folder, ignore_errors=True)
    plain, citus = figures["plain"], figures["citus"]
    print(f"units per worker: {spread}")
    print(f"    {'':18} {'s/unit':>8} {'new conn ms':>12} {'warm ms':>8}")
    for label, values in (("plain PostgreSQL", plain), ("Citus (3 nodes)", citus)):
        print(
            f"    {label:18} {values['onboarding']:8.3f} {values['new_connection_ms']:12.1f} {values['warm_ms']:8.2f}"
        )
    print(
        f"citus: {options.units} units, onboarding {citus['onboarding']:.3f} s/unit against {plain['onboarding']:.3f} "
        f"s/unit ({citus['onboarding'] / plain['onboarding']:.1f}×), new connection {citus['new_connection_ms']:.1f} ms "
        f"against {plain['new_connection_ms']:.1f} ms, warm query {citus['warm_ms']:.2f} ms against {plain['warm_ms']:.2f} ms"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.bench.citus", description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=100, help="units onboarded on each (default 100)")
    parser.add_argument("--sample", type=int, default=50, help="units whose queries are timed (default 50)")
    parser.add_argument("--port", type=int, default=57640, help="the Citus coordinator's port (default 57640)")
    options = parser.parse_args(argv)
    if options.units < 1 or not 1 <= options.sample <= options.units:
        parser.error("--units ≥ 1 and 1 ≤ --sample ≤ --units")
    sys.stdout.reconfigure(line_buffering=True)
    run(options)


if __name__ == "__main__":
    main()
