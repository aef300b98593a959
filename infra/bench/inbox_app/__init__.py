"""A benchmark-only tenant app (`make bench-inbox`): installed only by infra/bench/inbox_settings.py.

It holds the baseline the inbox's intake is compared with: a minimal view at `/bench/bare-insert/` on a
unit's host that parses the same multipart POST as the application form and inserts one row with its
fields as JSON into the unit's schema, behind the same routing and middleware, in the same database.
`make run` and `make test` never install it.
"""
