from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.sweeps import units_swept

from .services import orphan_files_remove, visitor_drafts_remove


@shared_task
def orphan_files_sweep():
    """Daily, in every unit with a schema: remove attachment files left by intakes killed mid-way, and the
    drafts (with their files) that visitors without an account left behind."""
    removed = 0
    for unit in units_swept():
        with tenant_context(unit):
            visitor_drafts_remove()
            removed += len(orphan_files_remove())
    return removed
