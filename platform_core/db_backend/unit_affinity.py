"""Which of a web worker's persistent connections serves a unit's request: the one that has served the unit before.

A PostgreSQL backend loads a unit schema's catalogue entries on its first queries there (0.4–1.2 ms of its CPU
per table) and keeps them until its connection closes. With one connection per worker, recycled after
CONN_MAX_SCHEMAS units, traffic spread over the country's 2,807 units meets a cold schema on nearly every request
(issue 20). So a worker thread may keep up to CONN_MAX_PER_THREAD connections and a unit sticks to the one that
served it: a unit none of them has served goes to one that has room (fewer than CONN_MAX_SCHEMAS units), a new
connection is opened only when none has, and at the limit the least recently used one is closed and starts
afresh. A thread's backends thus hold at most CONN_MAX_PER_THREAD × CONN_MAX_SCHEMAS unit schemas; with 1, the
default, this is a single connection closed before it takes a unit over the bound.

Django keeps one connection per alias and thread and finds it at `connections[alias]`, which the `connection`
proxy reads at each use; installing another of the thread's connections there before the request's first query
in the unit is all it takes. Never inside a transaction (the test suite's, or one a caller holds).
"""

import threading

from django.db import DEFAULT_DB_ALIAS, connections

_thread = threading.local()


def connection_for_unit(schema_name: str):
    """Makes the thread's connection for `schema_name`'s unit the default one, and returns it."""
    current = connections[DEFAULT_DB_ALIAS]
    if current.in_atomic_block:
        return current
    held = _held(current)  # least recently used first
    chosen = next((wrapper for wrapper in held if schema_name in wrapper.unit_schemas_visited), None)
    if chosen is None:
        chosen = next((wrapper for wrapper in reversed(held) if not wrapper.schema_bound_reached), None)
    if chosen is None:
        if len(held) < max(1, current.settings_dict.get("CONN_MAX_PER_THREAD") or 1):
            chosen = connections.create_connection(DEFAULT_DB_ALIAS)
        else:
            chosen = held[0]
            chosen.close()  # its next query opens a backend without the other units' catalogue
    if chosen in held:
        held.remove(chosen)
    held.append(chosen)
    if chosen is not current:
        connections[DEFAULT_DB_ALIAS] = chosen
        # What Django does to the installed connection when a request starts: closed if too old, and its health
        # checked again before the first query.
        chosen.close_if_unusable_or_obsolete()
    return chosen


def _held(current) -> list:
    """The thread's connections, `current` among them. Connections installed by something else than this module
    (a test replacing the handler's, say) start the list afresh, closing those it held."""
    held = getattr(_thread, "held", None)
    if held is None or not any(wrapper is current for wrapper in held):
        for wrapper in held or ():
            wrapper.close()
        held = _thread.held = [current]
    return held
