"""A development stand-in for GUGiK's parcel service (ULDK) and address geocoder (UUG) (see server.py)."""

from .server import DevUldkServer, start_dev_uldk

__all__ = ["DevUldkServer", "start_dev_uldk"]
