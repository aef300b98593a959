"""A persistent database connection is closed after the request in which it has visited CONN_MAX_SCHEMAS unit
schemas, and not before (platform_core/db_backend/base.py): PostgreSQL keeps the catalogue of every schema a
backend has touched until its connection closes.

Requests go through Django's WSGI handler in the test's thread, as a sync gunicorn worker calls it: Django's
request_started and request_finished signals close "old" connections around each request, which the test client
would not do. No test transaction: a request's end may close the connection (the units' rows are committed).
"""

from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from tenants.models import Tenant
from tests.conftest import UNIT_A, UNIT_B


@pytest.fixture
def persistent_connection(django_db_setup, django_db_blocker):
    """The test thread's connection kept as in production (CONN_MAX_AGE=60) with the bound the test sets:
    `persistent_connection(bound)`."""
    saved = {key: connection.settings_dict[key] for key in ("CONN_MAX_AGE", "CONN_MAX_SCHEMAS")}

    def configure(bound: int):
        connection.close()  # CONN_MAX_AGE is read when a connection opens
        connection.settings_dict.update(CONN_MAX_AGE=60, CONN_MAX_SCHEMAS=bound)

    with django_db_blocker.unblock():
        try:
            yield configure
        finally:
            connection.close()
            connection.settings_dict.update(saved)


@pytest.fixture
def units(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return Tenant.objects.get(code=UNIT_A["code"]), Tenant.objects.get(code=UNIT_B["code"])


def home_page(unit) -> str:
    """GET / on the unit's host through the WSGI handler, as a server calls it: its body, once the response is
    closed (which sends request_finished)."""
    environ = {"HTTP_HOST": unit.primary_host, "PATH_INFO": "/", "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        body = b"".join(response).decode()
    finally:
        response.close()
    assert statuses == ["200 OK"], statuses
    return body


def backend_pid() -> int | None:
    """The PostgreSQL backend of the test thread's connection, None when it is closed (asks nothing of the
    database, which would open a connection)."""
    return connection.connection.info.backend_pid if connection.connection is not None else None


def test_a_connection_is_replaced_after_the_request_that_visits_the_bounds_schema(persistent_connection, units):
    unit_a, unit_b = units
    persistent_connection(2)

    assert unit_a.name in home_page(unit_a)
    first = backend_pid()
    assert first is not None
    for _ in range(3):  # the same unit again: still one schema, the connection stays
        home_page(unit_a)
        assert backend_pid() == first
    assert connection.unit_schemas_visited == {unit_a.schema_name}

    assert unit_b.name in home_page(unit_b)  # the second schema: the request finishes, then the connection closes
    assert backend_pid() is None

    page = home_page(unit_a)
    second = backend_pid()
    assert second not in (None, first)
    assert connection.unit_schemas_visited == {unit_a.schema_name}
    assert unit_a.name in page and unit_b.name not in page  # the new connection's search path is unit A's


@pytest.mark.parametrize("bound", [0, 3])
def test_a_connection_under_its_bound_or_without_one_stays(persistent_connection, units, bound):
    unit_a, unit_b = units
    persistent_connection(bound)
    home_page(unit_a)
    first = backend_pid()
    for unit in (unit_b, unit_a, unit_b, unit_a):
        assert unit.name in home_page(unit)
        assert backend_pid() == first
    assert connection.unit_schemas_visited == {unit_a.schema_name, unit_b.schema_name}


def sweep_pids(units) -> list[int]:
    """A sweep's visits (tenants/sweeps.py): each unit's schema read, the backend that read it."""
    from django_tenants.utils import tenant_context

    from tenants.sweeps import units_swept

    pids = []
    for unit in units_swept(units):
        with tenant_context(unit), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations")
        pids.append(backend_pid())
    return pids


def test_a_sweep_over_every_unit_closes_its_connection_between_units_at_the_bound(persistent_connection, units):
    persistent_connection(1)
    first, second = sweep_pids(units)
    assert first != second and backend_pid() is None  # closed after each unit, the last one included


def test_a_sweep_under_the_bound_keeps_one_connection(persistent_connection, units):
    persistent_connection(3)
    first, second = sweep_pids(units)
    assert first == second == backend_pid()


def test_a_sweep_inside_a_transaction_never_closes_its_connection(persistent_connection, units):
    from django.db import transaction

    persistent_connection(1)
    with transaction.atomic():
        first, second = sweep_pids(units)
        assert first == second == backend_pid()
