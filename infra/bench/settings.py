"""Settings for `make bench-onboarding` only: the normal settings plus the benchmark-only tenant app.

Never used by `make run` or `make test`. BENCH_MIGRATIONS chooses the app's migration package
(infra.bench.benchapp.migrations_v1 by default, infra.bench.benchapp.migrations_v2 for the one-field
migration).
"""

import os

from platform_core.settings import *  # noqa: F403

TENANT_APPS = [*TENANT_APPS, "infra.bench.benchapp"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "infra.bench.benchapp"]  # noqa: F405
MIGRATION_MODULES = {"benchapp": os.environ.get("BENCH_MIGRATIONS", "infra.bench.benchapp.migrations_v1")}
