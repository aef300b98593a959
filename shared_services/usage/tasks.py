from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.sweeps import units_swept

from .backfill import unit_overdue_count
from .services import usage_rollup


@shared_task
def usage_rollup_task():
    """Every few minutes: add the newly recorded facts up into their months (the regional dashboard's tables)."""
    return len(usage_rollup())


@shared_task
def overdue_count_sweep():
    """Daily, in every unit with a schema: count its open and overdue cases (a state, not an event, so it is
    counted rather than recorded as it happens). Off the page views: no page visits the units' schemas."""
    units = 0
    for unit in units_swept():
        with tenant_context(unit):
            unit_overdue_count()
        units += 1
    return units
