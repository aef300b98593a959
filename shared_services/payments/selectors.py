"""Reads of the current unit's payments and payment configuration."""

from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Payment, PaymentStatus, ProviderConfig
from .registry import provider_get


def provider_config_get(key: str) -> ProviderConfig | None:
    return ProviderConfig.objects.filter(provider=key).first()


def intake_provider():
    """(plugin, config) of the provider that collects fees of new applications: Przelewy24 when the unit
    enabled it, otherwise pay at the office when enabled; (None, None) when the unit set up neither."""
    enabled = {config.provider: config for config in ProviderConfig.objects.filter(enabled=True)}
    for key in ("przelewy24", "office"):
        if key in enabled:
            return provider_get(key), enabled[key]
    return None, None


def payment_by_session(session_id: str, *, provider: str) -> QuerySet:
    return Payment.objects.filter(Q(session_id=session_id) | Q(earlier_session_ids__contains=[session_id]),
                                  provider=provider)


def payments_due_for_reconciliation(*, older_than: timedelta) -> QuerySet:
    """Online payments still awaiting a notification `older_than` after their last attempt began."""
    cutoff = timezone.now() - older_than
    return (Payment.objects.filter(status=PaymentStatus.AWAITING, session_id__isnull=False)
            .filter(Q(token_created_at__lt=cutoff) | Q(token_created_at__isnull=True, created_at__lt=cutoff)))


def payments_for_report(*, date_from, date_to) -> QuerySet:
    """Payments received (paid) in the period, by local date, with what the office needs to book them."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), zone)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), zone)
    return (Payment.objects.filter(paid_at__gte=start, paid_at__lt=end)
            .select_related("submission__register_entry").order_by("paid_at", "pk"))


def fee_for_service_key(service_key: str) -> int:
    """The fee the unit charges now for the service known by its key (0 when unknown or free)."""
    from shared_services.offer.models import AdoptedService, UnitService
    from shared_services.offer.selectors import STANDARD, fee_grosze

    kind, _sep, identifier = service_key.partition(":")
    if kind == STANDARD:
        adopted = (AdoptedService.objects.filter(standard_service__slug=identifier, standard_service__published__isnull=False)
                   .select_related("standard_service__published").first())
        return fee_grosze(adopted) if adopted else 0
    if identifier.isdigit():
        return UnitService.objects.filter(pk=identifier).values_list("fee_grosze", flat=True).first() or 0
    return 0
