"""A persistent database connection holds at most CONN_MAX_SCHEMAS unit schemas, and a web worker thread keeps up to
CONN_MAX_PER_THREAD of them, a unit sticking to the connection that served it (platform_core/db_backend/):
PostgreSQL keeps the catalogue of every schema a backend has touched until its connection closes.

Requests go through Django's WSGI handler in the test's thread, as a sync gunicorn worker calls it: Django's
request_started and request_finished signals close "old" connections around each request, which the test client
would not do. No test transaction: a request may change or close the connection (the units' rows are committed).
"""

from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, connection, connections

from platform_core.db_backend import unit_affinity
from tenants.models import Tenant
from tests.conftest import UNIT_A, UNIT_B


@pytest.fixture
def persistent_connection(django_db_setup, django_db_blocker):
    """The test thread's connection kept as in production (CONN_MAX_AGE=60) with the bound and the number of
    connections the test sets: `persistent_connection(bound, per_thread=1)`."""
    keys = ("CONN_MAX_AGE", "CONN_MAX_SCHEMAS", "CONN_MAX_PER_THREAD")
    original = connections[DEFAULT_DB_ALIAS]
    saved = {key: original.settings_dict[key] for key in keys}

    def configure(bound: int, per_thread: int = 1):
        connection.close()  # CONN_MAX_AGE is read when a connection opens
        # Every connection of the thread shares this dictionary, the handler's, those it opens later too.
        original.settings_dict.update(CONN_MAX_AGE=60, CONN_MAX_SCHEMAS=bound, CONN_MAX_PER_THREAD=per_thread)

    with django_db_blocker.unblock():
        try:
            yield configure
        finally:
            for wrapper in getattr(unit_affinity._thread, "held", None) or [original]:
                wrapper.close()
            unit_affinity._thread.held = None
            connections[DEFAULT_DB_ALIAS] = original
            original.settings_dict.update(saved)


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


def test_a_full_connection_is_replaced_before_a_request_enters_another_unit(persistent_connection, units):
    unit_a, unit_b = units
    persistent_connection(1)

    assert unit_a.name in home_page(unit_a)
    first = backend_pid()
    assert first is not None
    for _ in range(3):  # the same unit again: still one schema, the connection stays
        home_page(unit_a)
        assert backend_pid() == first
    assert connection.unit_schemas_visited == {unit_a.schema_name}

    page = home_page(unit_b)  # a second schema would go over the bound: a new backend serves it
    second = backend_pid()
    assert second not in (None, first)
    assert connection.unit_schemas_visited == {unit_b.schema_name}
    assert unit_b.name in page and unit_a.name not in page

    home_page(unit_a)
    assert backend_pid() not in (None, first, second)
    assert connection.unit_schemas_visited == {unit_a.schema_name}


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


def test_each_unit_keeps_its_backend_when_a_thread_keeps_several_connections(persistent_connection, units):
    unit_a, unit_b = units
    persistent_connection(1, per_thread=2)
    backends = {unit_a.code: set(), unit_b.code: set()}
    for unit, other in ((unit_a, unit_b), (unit_b, unit_a), (unit_a, unit_b), (unit_b, unit_a), (unit_b, unit_a)):
        page = home_page(unit)
        assert unit.name in page and other.name not in page
        backends[unit.code].add(backend_pid())
        with connection.cursor() as cursor:  # the request left its unit's search path on the connection it used
            cursor.execute("SHOW search_path")
            assert cursor.fetchone()[0].startswith(unit.schema_name)
    assert len(backends[unit_a.code]) == len(backends[unit_b.code]) == 1
    assert backends[unit_a.code] != backends[unit_b.code]
    held = unit_affinity._thread.held
    assert [wrapper.unit_schemas_visited for wrapper in held] == [{unit_a.schema_name}, {unit_b.schema_name}]
    assert all(wrapper.connection is not None for wrapper in held)


def visit(schema_name: str, *, choose: bool = True) -> int:
    """A request's choice of connection for the unit schema `schema_name` (unless `choose` is false), then a query
    under its search path (PostgreSQL accepts a schema that does not exist there): the backend that ran it."""
    if choose:
        unit_affinity.connection_for_unit(schema_name)
    connection.set_schema(schema_name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_new_unit_goes_to_a_connection_with_room_before_another_one_opens(persistent_connection):
    persistent_connection(2, per_thread=3)
    first = visit("unit_one")
    assert visit("unit_two") == first
    third = visit("unit_three")
    assert third != first and visit("unit_four") == third
    assert visit("unit_one") == first and visit("unit_four") == third
    assert len(unit_affinity._thread.held) == 2


def test_at_the_limit_the_least_recently_used_connection_starts_afresh(persistent_connection):
    persistent_connection(1, per_thread=2)
    one, two = visit("unit_one"), visit("unit_two")
    assert one != two and visit("unit_one") == one  # unit_two's connection is now the least recently used
    three = visit("unit_three")
    assert three not in (one, two)
    assert visit("unit_one") == one
    held = unit_affinity._thread.held
    assert sorted(sorted(wrapper.unit_schemas_visited) for wrapper in held) == [["unit_one"], ["unit_three"]]


def test_inside_a_transaction_the_connection_is_never_changed(persistent_connection):
    from django.db import transaction

    persistent_connection(1, per_thread=2)
    with transaction.atomic():
        assert visit("unit_one") == visit("unit_two") == backend_pid()
    assert connection.unit_schemas_visited == {"unit_one", "unit_two"}


def test_a_connection_over_its_bound_is_closed_when_the_request_ends(persistent_connection):
    persistent_connection(2)
    visit("unit_one", choose=False)
    visit("unit_two", choose=False)
    connection.close_if_unusable_or_obsolete()  # what Django does when a request ends
    assert backend_pid() is not None  # at the bound: it keeps its two units
    visit("unit_three", choose=False)  # a request that visits several units, as an operator's page may
    connection.close_if_unusable_or_obsolete()
    assert backend_pid() is None
