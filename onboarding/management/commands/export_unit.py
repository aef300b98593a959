from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from onboarding.actors import Actor
from onboarding.archive import ArchiveError
from onboarding.services import unit_export
from platform_core.file_storage import exports_storage, place_of
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Write a unit's export archive (its schema's rows and its files) to UNIT_EXPORT_ROOT or the object store."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the unit's TERC or internal code, e.g. 0463011")

    def handle(self, *args, code, **options):
        unit = Tenant.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(_("No unit has the code %(code)s.") % {"code": code})
        try:
            archive = unit_export(unit=unit, actor=Actor.command_line())
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        path, size = place_of(exports_storage(), archive.key), archive.size
        self.stdout.write(
            _("%(path)s (%(size)s, %(bytes)s bytes)") % {"path": path, "size": filesizeformat(size), "bytes": size}
        )
