from collections import Counter

from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.sweeps import units_swept

from .services import payments_reconcile_due


@shared_task
def payments_reconcile_sweep():
    """Periodically (CELERY_BEAT_SCHEDULE), in every unit with a schema: ask the provider about online
    payments and refunds still waiting for their notification, so a lost notification never leaves a paid fee
    or a refund unrecorded."""
    outcomes: Counter = Counter()
    for unit in units_swept():
        with tenant_context(unit):
            outcomes.update(payments_reconcile_due())
    return dict(outcomes)
