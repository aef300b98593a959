"""Development only: `make run`'s launcher (`python -m infra.dev.launcher`) and the embedded PostgreSQL
(`embedded_db`) that the settings use when `DATABASE_URL` is not set. Production never imports it."""
