"""A benchmark-only tenant app (`make bench-onboarding ARGS=--country`): installed only by infra/bench/settings.py.

Its two migration packages give the benchmark a one-field migration that exists nowhere else:
`migrations_v1` (0001_initial) is the state units are onboarded at, `migrations_v2` adds 0002 (one
nullable column), which `manage.py migrate_units` then applies to the template and every unit schema.
The settings module picks the package from BENCH_MIGRATIONS.
"""
