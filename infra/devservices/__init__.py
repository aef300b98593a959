"""Development stand-ins that speak real protocols, for `make run`, the tests and the benchmarks; never
deployed: `devidp/` (Keycloak 26's OIDC and admin REST API, `python -m infra.devservices.devidp`) and
`devp24/` (Przelewy24's REST API v1 and payment page, `python -m infra.devservices.devp24`)."""
