"""BIP's periodic work: a scheduled item becomes visible by itself (the public pages ask for versions whose time
has come), but its subscribers must be told once that time comes."""

from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.sweeps import units_swept

from .services import scheduled_announce


@shared_task
def bip_scheduled_announce():
    """In every unit with a schema: queue the e-mails about scheduled items whose time has come."""
    told = 0
    for unit in units_swept():
        with tenant_context(unit):
            told += scheduled_announce()
    return told
