import logging

from django.contrib.auth import logout

from . import oidc
from .services import session_refresh

logger = logging.getLogger(__name__)


class IdentitySessionMiddleware:
    """Keeps a signed-in session in step with Keycloak: when its access token has expired, the tokens are
    refreshed and the roles re-read; a refusal (the Keycloak session ended, the account was disabled or
    removed) signs the person out here too. Runs after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            try:
                if not session_refresh(request):
                    logout(request)
            except oidc.ProviderUnavailable:
                # Keycloak is down: keep the session (roles as last read) and try again on the next request.
                logger.warning("identity provider unreachable; session refresh postponed")
        return self.get_response(request)
