import logging

from django.db import connection


class UnitContextFilter(logging.Filter):
    """Adds the unit in whose schema the process is working (`public` outside any unit) to each record."""

    def filter(self, record):
        tenant = getattr(connection, "tenant", None)
        record.unit = getattr(connection, "schema_name", None) or "public"
        record.unit_code = getattr(tenant, "code", None)
        return True
