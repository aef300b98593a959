from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.selectors import units_with_schemas

from .entry_files import entry_files_orphans_remove
from .models import OutboxMessage, OutboxStatus
from .outbox_worker import outbox_run


@shared_task
def outbox_process():
    """Do the due outbox messages of the unit the task was queued in (tenant-schemas-celery switches)."""
    return outbox_run()


@shared_task
def outbox_sweep():
    """Periodically, in every unit with a schema: do due messages whose wake-up was lost (broker down, worker
    killed)."""
    handled = 0
    for unit in units_with_schemas():
        with tenant_context(unit):
            if OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists():
                handled += outbox_run()
    return handled


@shared_task
def entry_files_orphans_sweep():
    """Daily, in every unit with a schema: remove files of answers and letters left by intakes killed mid-way."""
    removed = 0
    for unit in units_with_schemas():
        with tenant_context(unit):
            removed += len(entry_files_orphans_remove())
    return removed
