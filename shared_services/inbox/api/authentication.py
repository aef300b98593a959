"""`Authorization: Bearer rtz_…`: the token of one of the current unit's systems."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from platform_core.rate_limits import API_TOKEN, limits_count, limits_reached

from .services import api_token_authenticate


class ApiClient:
    """Who is calling: a system holding one of the unit's tokens (not a person; no account, no session)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, token):
        self.token = token
        self.pk = None

    def get_username(self) -> str:
        return f"api:{self.token.prefix}"

    def __str__(self):
        return f"{self.token.name} (api:{self.token.prefix})"


class UnitApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # no token: the permission check answers 401
        # Wrong tokens are counted per client address and per unit; past either limit every token is refused
        # for a while (429 with Retry-After), before it is even looked up.
        if (wait := limits_reached(request, API_TOKEN)) is not None:
            raise exceptions.Throttled(wait=wait, detail=str(_("Too many wrong tokens were sent.")))
        if len(parts) != 2:
            self._refuse(request, _("The Authorization header must be: Bearer <token>."))
        try:
            presented = parts[1].decode("ascii")
        except UnicodeDecodeError:
            presented = ""  # not a token at all
        token = api_token_authenticate(presented)
        if token is None:
            self._refuse(request, _("The token is not valid here, or it was revoked."))
        return ApiClient(token), token

    @staticmethod
    def _refuse(request, message):
        limits_count(request, API_TOKEN)
        raise exceptions.AuthenticationFailed(message)

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with this challenge) rather than 403 when no valid token came.
        return 'Bearer realm="api"'


class UnitApiTokenScheme(OpenApiAuthenticationExtension):
    """How drf-spectacular describes the token in the OpenAPI document."""

    target_class = UnitApiTokenAuthentication
    name = "unitToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "rtz_<prefix>_<secret>",
            "description": "A token of the unit, issued by its administrator at /urzad/api/. It works only on "
            "the subdomain of the unit that issued it.",
        }
