"""Units' schemas on Citus: each one a distributed schema, placed whole on one worker (docs/citus.md).

Citus (a PostgreSQL extension) distributes a database over several servers; since Citus 12 a schema can be
distributed as a whole (schema-based sharding): its tables live together on one worker and `search_path`
routes the queries there. A unit's schema is first built on the coordinator, a copy of the template
(tenants/schema_template.py) in one round trip, and then handed to Citus with `citus_schema_distribute`,
which moves it to a worker in the same transaction. The other way, `citus.enable_schema_based_sharding`
before `CREATE SCHEMA`, sends every statement of the copy to the worker one at a time: Citus refuses the
copy's single multi-statement string ("cannot insert multiple commands into a prepared statement").

Without the extension nothing here runs but one catalogue lookup per process.
The template schema itself stays an ordinary schema on the coordinator, and so does `public`.
"""

from django.db import connection

_installed: dict[str, bool] = {}  # by database name: the extension is there from the database's creation on


def citus_installed() -> bool:
    database = connection.settings_dict["NAME"]
    if database not in _installed:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
            _installed[database] = cursor.fetchone()[0]
    return _installed[database]


def schema_distribute(schema: str) -> None:
    """Make `schema` a distributed schema when the database has Citus (a no-op for one that already is)."""
    if not citus_installed():
        return
    with connection.cursor() as cursor:
        # The copy's rows left foreign-key checks pending (Django's keys are deferred to the commit), and
        # Citus's ALTER TABLE refuses a table with pending trigger events: check them now, then defer again
        # as Django declares every key (DEFERRABLE INITIALLY DEFERRED; the project declares no other kind).
        cursor.execute(
            "SET CONSTRAINTS ALL IMMEDIATE; SELECT citus_schema_distribute(%s::regnamespace); "
            "SET CONSTRAINTS ALL DEFERRED",
            [schema],
        )
