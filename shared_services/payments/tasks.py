from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.models import Tenant, UnitStatus

from .models import Payment, PaymentStatus, Refund, RefundStatus
from .services import payments_reconcile_due


@shared_task
def payments_reconcile_sweep():
    """Periodically (CELERY_BEAT_SCHEDULE), in every unit with a schema: ask the provider about online
    payments and refunds still waiting for their notification, so a lost notification never leaves a paid fee
    or a refund unrecorded."""
    outcomes: dict[str, int] = {}
    for unit in Tenant.objects.exclude(schema_name="public").exclude(status=UnitStatus.OFFBOARDED):
        with tenant_context(unit):
            if not (Payment.objects.filter(status=PaymentStatus.AWAITING, session_id__isnull=False).exists()
                    or Refund.objects.filter(status=RefundStatus.REQUESTED).exists()):
                continue
            for outcome, count in payments_reconcile_due().items():
                outcomes[outcome] = outcomes.get(outcome, 0) + count
    return outcomes
