from django.db import connection
from django.utils.functional import SimpleLazyObject

from .selectors import branding_get


def branding(request):
    """The current unit's branding for every template; read only by pages that show it (a unit's pages), so
    other pages cost no query."""
    return {"branding": SimpleLazyObject(_branding_of_current_unit)}


def _branding_of_current_unit():
    return branding_get() if connection.schema_name != "public" else None
