"""Reads of the current unit's payments and payment configuration."""

from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Payment, PaymentStatus, ProviderConfig, Refund, RefundStatus
from .registry import provider_get, providers


def provider_config_get(key: str) -> ProviderConfig | None:
    return ProviderConfig.objects.filter(provider=key).first()


def intake_provider():
    """(plugin, config) of the provider that collects fees of new applications: the first online provider
    (in the order of settings.PAYMENT_PROVIDERS) the unit enabled, such as Przelewy24, otherwise pay at the
    office — which every unit takes, set up or not (config None then)."""
    enabled = {config.provider: config for config in ProviderConfig.objects.filter(enabled=True)}
    for plugin in providers():
        if plugin.online and plugin.key in enabled:
            return plugin, enabled[plugin.key]
    return provider_get("office"), enabled.get("office")


def payment_by_session(session_id: str, *, provider: str) -> QuerySet:
    return Payment.objects.filter(
        Q(session_id=session_id) | Q(earlier_session_ids__contains=[session_id]), provider=provider
    )


def payments_due_for_reconciliation(*, older_than: timedelta) -> QuerySet:
    """Online payments still awaiting a notification `older_than` after their last attempt began."""
    cutoff = timezone.now() - older_than
    return Payment.objects.filter(status=PaymentStatus.AWAITING, session_id__isnull=False).filter(
        Q(token_created_at__lt=cutoff) | Q(token_created_at__isnull=True, created_at__lt=cutoff)
    )


def refunds_due_for_reconciliation(*, older_than: timedelta) -> QuerySet:
    """Refunds still waiting for the provider's word `older_than` after they were requested."""
    return Refund.objects.filter(status=RefundStatus.REQUESTED, created_at__lt=timezone.now() - older_than)


def payments_for_report(*, date_from, date_to) -> QuerySet:
    """Payments received (paid) in the period, by local date, with what the office needs to book them."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), zone)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), zone)
    return (
        Payment.objects.filter(paid_at__gte=start, paid_at__lt=end)
        .select_related("submission__register_entry")
        .order_by("paid_at", "pk")
    )
