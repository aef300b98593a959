import logging

from django.contrib.auth import logout

from .services import SessionState, session_refresh

logger = logging.getLogger(__name__)


class IdentitySessionMiddleware:
    """Keeps a signed-in session in step with Keycloak: when its access token has expired, the tokens are
    refreshed and the roles re-read; a refusal (the Keycloak session ended, the account was disabled or
    removed), or a session that never came from Keycloak, signs the person out here too. Runs after
    AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            state = session_refresh(request)
            if state is SessionState.ENDED:
                logout(request)
            elif state is SessionState.UNCONFIRMED:
                logger.warning("identity provider unreachable; session refresh postponed")
        return self.get_response(request)
