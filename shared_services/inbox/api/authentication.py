"""`Authorization: Bearer rtz_…`: the token of one of the current unit's systems."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

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
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be: Bearer <token>."))
        try:
            presented = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid here, or it was revoked.")) from None
        token = api_token_authenticate(presented)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid here, or it was revoked."))
        return ApiClient(token), token

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
