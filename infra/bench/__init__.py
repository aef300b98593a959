"""The benchmarks (`make bench-onboarding`, `make bench-search`, `make bench-inbox`): measurements, not
tests, each in a database of its own. `common` is what they share (the database created and dropped,
timing, the teardown); `onboarding`, `search` and `inbox` are one benchmark each (`python -m
infra.bench.onboarding --help`); `settings` and `inbox_settings` add the benchmark-only apps `benchapp`
and `inbox_app` to the normal settings. Never installed with the platform."""
