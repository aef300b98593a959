from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.audit.selectors import audit_check
from tenants.management.units import add_unit_codes_argument, units_of_codes


class Command(BaseCommand):
    help = (
        "Check units' audit trails: every entry present, unchanged and chained to the one before. "
        "Exits with status 1 when any unit's trail has problems."
    )

    def add_arguments(self, parser):
        add_unit_codes_argument(parser)

    def handle(self, *args, codes, **options):
        units = units_of_codes(codes)
        damaged = 0
        for unit in units:
            with tenant_context(unit):
                problems = audit_check()
                count = AuditEntry.objects.count() if not problems else None
            if problems:
                damaged += 1
                self.stdout.write(_("%(code)s %(name)s: problems found:") % {"code": unit.code, "name": unit.name})
                for problem in problems:
                    self.stdout.write(f"  - {problem}")
            else:
                self.stdout.write(
                    _("%(code)s %(name)s: intact (%(count)s entries)")
                    % {"code": unit.code, "name": unit.name, "count": count}
                )
        if damaged:
            raise CommandError(_("The audit trail has problems in %(count)s unit(s).") % {"count": damaged})
