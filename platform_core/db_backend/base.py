"""The database backend: django-tenants' (a unit's schema chosen per connection with `SET search_path`), with a
bound on the unit schemas one persistent connection may visit.

A PostgreSQL backend keeps the catalogue entries of every table it has opened until its connection closes: about
75 KB per unit schema for residents' pages, 200 KB for the office's, up to 1.2 MB when a connection reads all of a
unit's 47 tables, and `DISCARD ALL` frees none of it. Under traffic spread over thousands of units, a web worker's
persistent connection would grow for as long as CONN_MAX_AGE lets it live. A connection per request keeps memory
flat but costs about five times the throughput at country scale (a new backend loads the public tables' catalogue
again). So a connection holds at most CONN_MAX_SCHEMAS unit schemas: one that has visited that many is closed
before it enters another, by the web's choice of connection (unit_affinity.py) and between two units of a sweep
(tenants/sweeps.py); one that went over the bound within a request (a page visiting many units) is closed where
Django closes one older than CONN_MAX_AGE, at the end of the request.
"""

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_public_schema_name


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        # The unit schemas whose search path this connection has set since it was opened.
        self.unit_schemas_visited: set[str] = set()
        super().__init__(*args, **kwargs)

    def connect(self):
        super().connect()
        self.unit_schemas_visited = set()

    def _handle_search_path(self, cursor=None):
        super()._handle_search_path(cursor)
        if self.search_path_set_schemas and self.schema_name != get_public_schema_name():
            self.unit_schemas_visited.add(self.schema_name)

    @property
    def schema_bound_reached(self) -> bool:
        """Full: a unit schema it has not visited yet goes to another connection, or to this one reopened."""
        return 0 < self._schema_bound <= len(self.unit_schemas_visited)

    @property
    def _schema_bound(self) -> int:
        return self.settings_dict.get("CONN_MAX_SCHEMAS") or 0

    def close_if_unusable_or_obsolete(self):
        super().close_if_unusable_or_obsolete()
        if self.connection is not None and 0 < self._schema_bound < len(self.unit_schemas_visited):
            self.close()
