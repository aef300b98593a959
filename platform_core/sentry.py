import sentry_sdk
from django.db import connection
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def tag_event_with_unit(event, hint):
    """Every event says which unit it happened in: the schema and the TERC (or internal) code."""
    tenant = getattr(connection, "tenant", None)
    tags = event.setdefault("tags", {})
    tags["unit.schema"] = connection.schema_name or "public"
    tags["unit.code"] = getattr(tenant, "code", None) or "public"
    return event


def init_sentry(*, dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No personal data (cookies, user, headers): send_default_pii stays at its default, off. It is not
        # passed explicitly because sentry-sdk >= 2.75 deprecates it in favour of `data_collection`.
        before_send=tag_event_with_unit,
    )
