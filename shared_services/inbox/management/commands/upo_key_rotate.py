from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shared_services.inbox.signing_keys import DEFAULT_COMMON_NAME, DEFAULT_KEY_TYPE, KEY_TYPES, key_rotate, keys_dir


class Command(BaseCommand):
    help = (
        "Create a new key for signing official receipts (UPO) in UPO_KEYS_DIR and make it the current one. "
        "Older keys stay trusted, so the receipts they signed still verify."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--common-name",
            default=DEFAULT_COMMON_NAME,
            help=f"the certificate's subject CN (default: {DEFAULT_COMMON_NAME!r})",
        )
        parser.add_argument(
            "--key-type",
            choices=sorted(KEY_TYPES),
            default=DEFAULT_KEY_TYPE,
            help=f"the kind of key (default: {DEFAULT_KEY_TYPE}; rsa-3072 for verifiers without ECDSA)",
        )

    def handle(self, *args, common_name, key_type, **options):
        key_id = key_rotate(common_name=common_name, key_type=key_type)
        self.stdout.write(
            _("New signing key %(key_id)s in %(folder)s; receipts are now signed with it.")
            % {"key_id": key_id, "folder": keys_dir()}
        )
