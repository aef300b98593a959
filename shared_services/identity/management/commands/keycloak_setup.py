from django.core.management.base import BaseCommand, CommandError

from platform_core.hosts import platform_root_url
from shared_services.identity.provisioning import IdentityProviderError, client_redirects_set


class Command(BaseCommand):
    help = (
        "Register the platform's sign-in callback and logout return with Keycloak's web client: one pair of "
        "exact URIs for every unit (run at deployment, and when the platform domain changes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--platform-url",
            default="",
            help="The platform domain's root URL, e.g. https://ratusz.example.pl/ (default: from settings)",
        )

    def handle(self, *args, platform_url, **options):
        url = (platform_url or platform_root_url()).rstrip("/") + "/"
        try:
            client_redirects_set(platform_url=url)
        except IdentityProviderError as error:
            raise CommandError(f"Keycloak cannot be reached or refused the change: {error.__cause__}") from error
        self.stdout.write(f"Keycloak's web client now returns to {url}oidc/callback/ and {url}oidc/wylogowano/.")
