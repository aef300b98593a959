"""Django's database sessions, less one query per new session, and ending with the browser unless signed in.

Django looks a new random key up before inserting it (`SessionBase._get_new_session_key`); the insert that
follows (`save(must_create=True)`) already fails on a taken key, and `create()` then draws another. With 32
characters from 36 the look-up never finds anything, yet it costs every new visitor, e.g. every anonymous
filer of an application, a round trip to PostgreSQL.

An anonymous visitor's session holds what identifies their filing (the draft's key, the applications filed
from this browser, cases opened with an access code): on a shared computer it must not outlive the browser,
so its cookie is a browser-session cookie. Signing in (Django's `login`) puts the person in the session, which
from then on keeps the settings' life, `SESSION_COOKIE_AGE`; signing out flushes it.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    async def _aget_new_session_key(self):
        return self._get_new_session_key()

    def get_expire_at_browser_close(self):
        if SESSION_KEY not in self:
            return True
        return super().get_expire_at_browser_close()

    async def aget_expire_at_browser_close(self):
        if not await self.ahas_key(SESSION_KEY):
            return True
        return await super().aget_expire_at_browser_close()
