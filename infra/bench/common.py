"""What the benchmarks share: their own database, created empty and dropped at the end; a temporary folder;
the line that says where they run; a Citus cluster on loopback; timing; the verdict printed next to a target.

A benchmark runs in a database of its own on the embedded PostgreSQL (started and kept up while it runs) or
on the server of `DATABASE_URL`; the development and test databases are never touched:

    with bench_session("ratusz_bench_x", keep=options.keep, folder_prefix="ratusz-bench-x-") as bench:
        ...  # bench.url: the benchmark's database; bench.folder: its temporary files

No Django is needed here: the drivers call this before (or without) setting Django up.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]


# --- the database -----------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def with_address(url: str, host: str, port: int) -> str:
    """`url` on another server (a Citus worker), with the same user and database."""
    parts = urlsplit(url)
    user = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}:{port}" if user else f"{host}:{port}"))


def bench_database(name: str) -> tuple[str, str]:
    """(the server's URL, the URL of database `name` on it) — the embedded PostgreSQL, started and kept up
    while the benchmark runs, unless DATABASE_URL names a server — and a line saying where and on what."""
    from infra.dev.embedded_db import database_url

    server_url = database_url()
    where = "DATABASE_URL's server" if os.environ.get("DATABASE_URL") else "the embedded PostgreSQL"
    print(
        f"database: {name} on {where}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"Python {platform.python_version()}"
    )
    return server_url, with_database(server_url, name)


def admin_connection(url: str):
    import psycopg2

    conn = psycopg2.connect(with_database(url, "postgres"))
    conn.autocommit = True
    return conn


def database_recreate(server_url: str, name: str) -> None:
    """A benchmark's database `name`, empty (dropped first if it exists)."""
    _database_execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


def database_drop(server_url: str, name: str) -> None:
    _database_execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _database_execute(server_url: str, *statements: str) -> None:
    conn = admin_connection(server_url)
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


# --- a run: set-up and teardown ---------------------------------------------------------------------


@dataclass(frozen=True)
class BenchRun:
    name: str  # the benchmark's database
    server_url: str
    url: str  # of the benchmark's database
    folder: Path  # temporary files of the run (cache, queue, media, keys, logs)


@contextmanager
def bench_session(name: str, *, keep: bool, folder_prefix: str, keep_files: bool = False):
    """The benchmark's database `name`, announced and recreated empty, and a temporary folder; at the end this
    process's Django connections are closed, the database dropped and the folder removed. With `keep` the
    database stays (its URL is printed), and so does the folder when `keep_files` (files the database refers
    to, such as media or signing keys)."""
    server_url, url = bench_database(name)
    run = BenchRun(name=name, server_url=server_url, url=url, folder=Path(tempfile.mkdtemp(prefix=folder_prefix)))
    database_recreate(server_url, name)
    try:
        yield run
    finally:
        _close_django_connections()  # ours must be gone before the database is dropped
        if keep:
            print(
                f"(kept the database {name}: {url}{f'; files in {run.folder}' if keep_files else ''})", file=sys.stderr
            )
        else:
            database_drop(server_url, name)
        if not (keep and keep_files):
            shutil.rmtree(run.folder, ignore_errors=True)


def _close_django_connections() -> None:
    if "django.db" not in sys.modules:
        return
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


def fetch_all(url: str, query: str, params=None) -> list[tuple]:
    """The rows of one query, on a connection of its own."""
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()
    finally:
        conn.close()


def project_pythonpath() -> str:
    """PYTHONPATH for the processes a benchmark starts: the project first (where `infra` lives: it is not
    installed), then whatever was set."""
    return os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))


# --- a Citus cluster (../shared/citus: make bench-citus, make bench-country --citus) -----------------

CITUS_CLUSTER = PROJECT_ROOT.parent / "shared" / "citus" / "cluster"
CITUS_DIR = PROJECT_ROOT / ".data" / "citus-bench"


def citus_required() -> None:
    """Exits with a message when there is no Citus build: before a run spends minutes on plain PostgreSQL."""
    if not CITUS_CLUSTER.exists():
        raise SystemExit(f"no Citus build at {CITUS_CLUSTER.parent} (docs/citus.md)")


@contextmanager
def citus_cluster(port: int, database: str):
    """A Citus coordinator on `port` and two workers on the next two ports, started afresh in .data/citus-bench
    with `database` (the citus extension in it on every node), stopped at the end; yields the coordinator's URL.
    The unpacked build in that folder is kept; the nodes' data is not, so every run starts empty."""
    subprocess.run([CITUS_CLUSTER, "stop", CITUS_DIR], check=True)
    for node in ("node0", "node1", "node2"):
        shutil.rmtree(CITUS_DIR / node, ignore_errors=True)
    try:  # a start that fails half-way leaves servers running too
        started = subprocess.run(
            [CITUS_CLUSTER, "start", CITUS_DIR, str(port), database], check=True, text=True, stdout=subprocess.PIPE
        )
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([CITUS_CLUSTER, "stop", CITUS_DIR], check=True)


def citus_placement(url: str) -> str:
    """How many units' schemas each worker of the cluster at `url` holds: `port 57641: 50 units, …`."""
    placed = fetch_all(url, "SELECT nodeport, count(DISTINCT colocation_id) FROM citus_shards GROUP BY 1 ORDER BY 1")
    return ", ".join(f"port {port}: {schemas} units" for port, schemas in placed)


# --- figures ----------------------------------------------------------------------------------------


def timed(function, *args, **kwargs):
    """(what `function` returns, the seconds it took: wall clock, time.perf_counter)."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"
