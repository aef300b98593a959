import sentry_sdk
from django.db import connection
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from platform_core.logging import redact_secrets
from platform_core.request_id import current_request_id


def _redacted(value):
    if isinstance(value, str):
        return redact_secrets(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value


def tag_event_with_unit(event, hint):
    """Every event says which unit it happened in (schema and TERC or internal code) and carries no secret
    URL segment anywhere (request, breadcrumbs, log messages)."""
    event = _redacted(event)
    tenant = getattr(connection, "tenant", None)
    tags = event.setdefault("tags", {})
    tags["unit.schema"] = connection.schema_name or "public"
    tags["unit.code"] = getattr(tenant, "code", None) or "public"
    # The same id as the request's log lines and its X-Request-ID response header (platform_core/request_id.py).
    if request_id := current_request_id():
        tags["request_id"] = request_id
    return event


def init_sentry(*, dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No personal data (cookies, user, headers): send_default_pii stays at its default, off. It is not
        # passed explicitly because sentry-sdk >= 2.75 deprecates it in favour of `data_collection`.
        # Stack frames' local variables would carry residents' data and URL secrets into Sentry.
        include_local_variables=False,
        before_send=tag_event_with_unit,
        before_breadcrumb=lambda crumb, hint: _redacted(crumb),
    )
