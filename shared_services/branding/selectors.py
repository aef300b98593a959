"""The unit's branding, read by every page of the unit: kept in the shared cache until the unit changes it.

A unit's public pages read one or two tables of its schema besides this one, and a database connection pays
for each table of a schema it has not met yet (its catalogue entries: about a millisecond); with thousands of
units, most requests meet a schema their connection has not. So the row is cached under a generation of the
unit's own (platform_core/generation_cache.py), replaced by every save and delete of it (signals.py) and by a
unit's import from its archive, which loads rows without the ORM.
"""

from django.db import connection

from platform_core.generation_cache import GenerationCache
from platform_core.signed_cache import RowShapeChanged, row_from_plain, row_to_plain

from .models import UnitBranding

# Bump when the cached row's meaning changes without its fields changing (a new field changes its shape:
# such entries are read as a miss).
_KEY_VERSION = 1
_GENERATIONS = GenerationCache("unit_pages", key_version=_KEY_VERSION)


def _generation_key(unit_id) -> str:
    return f"branding-generation:{unit_id}"


def branding_get() -> UnitBranding:
    """The current unit's branding; defaults from the unit registry until the unit sets its own."""
    unit_id = connection.tenant.pk
    plain = _GENERATIONS.cached(f"branding:{unit_id}", [_generation_key(unit_id)], _branding_read)
    branding = None
    if plain is not None:
        try:
            branding = row_from_plain(UnitBranding, plain)
        except RowShapeChanged:  # written by another release during a rolling deploy: the database answers
            branding = UnitBranding.objects.first()
    return branding or UnitBranding(display_name=connection.tenant.name)


def _branding_read() -> dict | None:
    branding = UnitBranding.objects.first()
    return row_to_plain(branding) if branding else None


def branding_changed() -> None:
    """The current unit's cached branding is not used any more, from now and after the current transaction
    commits."""
    _GENERATIONS.replace(_generation_key(connection.tenant.pk))
