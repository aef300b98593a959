"""Settings for the test suite: the normal settings with test-only speed-ups and process-local state."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Its own broker folder, inherited by the Celery worker the tests start, so that the suite never
# exchanges messages with a `make run` worker. Set before the settings read it, in their DATA_DIR.
_DATA_DIR = Path(os.environ.get("RATUSZ_DATA_DIR", Path(__file__).resolve().parent.parent / ".data"))
os.environ.setdefault("CELERY_FILESYSTEM_QUEUE", str(_DATA_DIR / "test-celery-queue"))

from .settings import *  # noqa: E402

# Separate test databases let several suites share one PostgreSQL server at once.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("RATUSZ_TEST_DATABASE", "test_ratusz")}
# Caches of the test run's own: a test's cache entries never reach the developer's running `make run`.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
    },
    "routing": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "routing"},
    # Shared by the suite and the servers it starts on the same test database (the browser tests' runserver),
    # as Redis is in production: the suite changes the offer, the server must notice (offer/filing_cache.py).
    "offer": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(Path(tempfile.gettempdir()) / f"ratusz-offer-cache-{DATABASES['default']['TEST']['NAME']}"),
    },
    "unit_pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(Path(tempfile.gettempdir()) / f"ratusz-unit-pages-{DATABASES['default']['TEST']['NAME']}"),
    },
    # What the outbox sweep measured for /metrics (platform_core/metrics.py).
    "metrics": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "metrics"},
    # Shared with those servers too, so that each test starts with no counter used (tests/conftest.py clears it).
    "rate_limits": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(Path(tempfile.gettempdir()) / f"ratusz-rate-limits-{DATABASES['default']['TEST']['NAME']}"),
    },
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Files and signing keys of a test run live in a folder of its own, never in the developer's .data/.
_RUN_FOLDER = Path(tempfile.mkdtemp(prefix="ratusz-test-"))
atexit.register(shutil.rmtree, _RUN_FOLDER, ignore_errors=True)
MEDIA_ROOT = _RUN_FOLDER / "media"
UPO_KEYS_DIR = _RUN_FOLDER / "upo-keys"
# GUGiK's services are unreachable from tests: lookups go nowhere (a closed port answers at once) unless a test starts
# the development parcel service (tests/support/places.py, fixture `dev_uldk`).
# A test's own worker process is pointed at that server through RATUSZ_TEST_ULDK_URL (tests/places/test_worker.py).
ULDK_URL = os.environ.get("RATUSZ_TEST_ULDK_URL", "http://127.0.0.1:9/")
GEOCODER_URL = f"{ULDK_URL}uug/"
