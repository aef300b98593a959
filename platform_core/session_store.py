"""Django's database sessions, less one query per new session.

Django looks a new random key up before inserting it (`SessionBase._get_new_session_key`); the insert that
follows (`save(must_create=True)`) already fails on a taken key, and `create()` then draws another. With 32
characters from 36 the look-up never finds anything, yet it costs every new visitor, e.g. every anonymous
filer of an application, a round trip to PostgreSQL.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    async def _aget_new_session_key(self):
        return self._get_new_session_key()
