from celery import shared_task
from django.db.models import Count, Min
from django_tenants.utils import tenant_context

from platform_core.metrics import outbox_backlog_record
from tenants.sweeps import units_swept

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
    killed). On the way it measures the backlog, every unit's pending messages and the oldest of them, for
    /metrics (platform_core/metrics.py): a scrape never reads thousands of schemas itself."""
    handled = pending = 0
    oldest = None
    for unit in units_swept():
        with tenant_context(unit):
            backlog = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).aggregate(
                count=Count("id"), oldest=Min("created_at")
            )
            if backlog["count"]:
                pending += backlog["count"]
                oldest = min(filter(None, (oldest, backlog["oldest"])))
                handled += outbox_run()
    outbox_backlog_record(pending=pending, oldest_created_at=oldest)
    return handled


@shared_task
def entry_files_orphans_sweep():
    """Daily, in every unit with a schema: remove files of answers and letters left by intakes killed mid-way."""
    removed = 0
    for unit in units_swept():
        with tenant_context(unit):
            removed += len(entry_files_orphans_remove())
    return removed
