import logging
import re

from django.db import connection

# URL parameters that are secrets — the sign-in's authorization code, state and single-use ticket, the ID
# token sent at logout: never logged or reported in clear.
_SECRET_PARAMETER = re.compile(r"((?:^|[?&;\s])(?:code|state|session_state|ticket|id_token_hint)=)[^&#\s\"']+")


def redact_secrets(text: str) -> str:
    return _SECRET_PARAMETER.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    """Secret URL parameters out of every log line, whoever logs the URL (Django logs failing requests')."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if hasattr(record, "request"):
            record.request = redact_secrets(str(record.request))
        return True


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
