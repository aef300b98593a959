"""Each view names the scope it needs (`required_scope`); a token without it gets 403."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from ..models import ApiToken


class TokenHasScope(BasePermission):
    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return False  # no token at all: DRF answers 401
        required = getattr(view, "required_scope", None)
        if required is None:
            return False  # a view that forgot to name its scope is closed, not open
        if required not in token.scopes:
            self.message = _("This token does not have the scope %(scope)s.") % {"scope": required}
            return False
        return True
