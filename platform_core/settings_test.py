"""Settings for the test suite: the normal settings with test-only speed-ups and process-local state."""

import os

os.environ.setdefault("CELERY_FILESYSTEM_QUEUE", os.path.join(os.environ.get("RATUSZ_DATA_DIR", ".data"), "test-celery-queue"))

from .settings import *  # noqa: E402,F403

# Process-local caches: a test's cache entries never reach the developer's running `make run`.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
    },
    "routing": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "routing"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
