import logging

from django.db import connection


class UnitContextFilter(logging.Filter):
    """Adds the unit in whose schema the process is working (`public` outside any unit) to each record."""

    def filter(self, record):
        tenant = getattr(connection, "tenant", None)
        record.unit = getattr(connection, "schema_name", None) or "public"
        record.unit_code = getattr(tenant, "code", None)
        return True


class SkipUnitUnavailable(logging.Filter):
    """Drop django.request's error record for the planned 503 of a suspended or unprepared unit.

    Django logs every 5xx response as an error (and Sentry would turn each into an event); a resident
    visiting a suspended unit is not an error. The request log line still records the 503.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        return not getattr(request, "unit_unavailable", False)
