"""Development/test identity provider speaking Keycloak 26's OIDC and admin REST protocol (see server.py)."""

from .server import DevIdp, start_dev_idp

__all__ = ["DevIdp", "start_dev_idp"]
