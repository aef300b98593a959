"""A development stand-in for Przelewy24's REST API v1 and payment page (see server.py)."""

from .server import DevP24Server, start_dev_p24

__all__ = ["DevP24Server", "start_dev_p24"]
