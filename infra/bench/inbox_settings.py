"""Settings for `make bench-inbox` only: the normal settings plus the benchmark-only tenant app
`infra.bench.inbox_app`, whose view `/bench/bare-insert/` is added to the units' URLs.

Never used by `make run` or `make test`.
"""

from platform_core.settings import *  # noqa: F403

TENANT_APPS = [*TENANT_APPS, "infra.bench.inbox_app"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "infra.bench.inbox_app"]  # noqa: F405
ROOT_URLCONF = "infra.bench.inbox_app.urls"
