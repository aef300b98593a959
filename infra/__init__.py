"""Running Ratusz outside production, from the source tree (not installed with the platform; production
code never imports it):

- `dev/`: development only — `make run`'s launcher (`python -m infra.dev.launcher`) and the embedded
  PostgreSQL the settings use when `DATABASE_URL` is not set (`embedded_db`).
- `devservices/`: protocol-faithful stand-ins for `make run`, the tests and the benchmarks — `devidp/`
  speaks Keycloak 26's OIDC and admin REST API, `devp24/` Przelewy24's REST API and payment page
  (`python -m infra.devservices.devidp`, `python -m infra.devservices.devp24`).
- `bench/`: the benchmarks (`make bench-onboarding`, `bench-search`, `bench-inbox`): `common` is what they
  share, then one module each, their settings and their benchmark-only apps.
- `keycloak/`: the realm export a real Keycloak imports and `devidp` reads (not Python).
"""
