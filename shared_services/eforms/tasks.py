from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.selectors import units_with_schemas

from .services import orphan_files_remove


@shared_task
def orphan_files_sweep():
    """Daily, in every unit with a schema: remove attachment files left by intakes killed mid-way."""
    removed = 0
    for unit in units_with_schemas():
        with tenant_context(unit):
            removed += len(orphan_files_remove())
    return removed
