"""Visiting every unit's schema from one task or command, on one connection.

A PostgreSQL backend keeps the catalogue entries of every schema it has visited until its connection closes
(platform_core/db_backend/base.py). Celery closes its connection after each task, but a sweep is one task that
visits every unit: at the country's 2,807 schemas the outbox sweep's backend (every minute) ended each run
holding 77–103 MB, against at most 7 MB with the bound, in the same time. So the connection is closed between two
units once it has visited CONN_MAX_SCHEMAS of them, as a web worker's is before it would take one more unit; never
inside a transaction, which a sweep does not hold across units.
"""

from django.db import connection

from .selectors import units_with_schemas


def units_swept(units=None):
    """`units` (every unit with a schema when None), one after another, the connection recycled at the bound."""
    for unit in list(units_with_schemas() if units is None else units):
        yield unit
        if connection.schema_bound_reached and not connection.in_atomic_block:
            connection.close()
