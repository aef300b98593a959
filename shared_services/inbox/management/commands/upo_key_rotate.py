from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shared_services.inbox.signing_keys import DEFAULT_COMMON_NAME, key_rotate, keys_dir


class Command(BaseCommand):
    help = ("Create a new key for signing official receipts (UPO) in UPO_KEYS_DIR and make it the current one. "
            "Older keys stay trusted, so the receipts they signed still verify.")

    def add_arguments(self, parser):
        parser.add_argument("--common-name", default=DEFAULT_COMMON_NAME,
                            help=f"the certificate's subject CN (default: {DEFAULT_COMMON_NAME!r})")

    def handle(self, *args, common_name, **options):
        key_id = key_rotate(common_name=common_name)
        self.stdout.write(_("New signing key %(key_id)s in %(folder)s; receipts are now signed with it.")
                          % {"key_id": key_id, "folder": keys_dir()})
