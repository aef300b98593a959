"""What filing an application needs of a service (selectors.service_to_file_get), cached per unit.

The form page is intake's hot path, and reading a service with its standard card and form is a five-table
query whose compilation alone costs about a millisecond and a half of CPU. Its answer changes only when the
regional catalogue changes (a card or a form published: public tables) or when the unit's offer does (its
adopted services, own services and forms: its schema): the two generations of each entry
(platform_core/generation_cache.py). Every write that changes them replaces one (signals.py: every save and
delete through the ORM counts, not only those that remember to call a service; what is loaded without it, a
unit's archive, calls `unit_offer_changed`). What a unit does not offer is not cached. The counts of the services it
offers (its home page shows them; its searches skip own services when it has none) depend on the same two, and
are kept here too.
"""

from django.db import connection

from platform_core.generation_cache import GenerationCache

_CATALOGUE = "catalogue-generation"
# Bump when the cached shape changes, or when a data migration rewrites the offer or the catalogue (it writes
# without signals): a deploy then reads none of the old entries.
_KEY_VERSION = 4
_GENERATIONS = GenerationCache("offer", key_version=_KEY_VERSION)


def _cache() -> GenerationCache:
    return _GENERATIONS


def _unit_generation_key(unit_id) -> str:
    return f"offer-generation:{unit_id}"


def _generation_keys() -> list[str]:
    return [_CATALOGUE, _unit_generation_key(connection.tenant.pk)]


def cached(kind: str, slug: str, read):
    """`read()`'s answer (plain JSON values) for this unit's service, from the cache while nothing it depends on
    has changed."""
    return _cache().cached(f"to-file:{connection.tenant.pk}:{kind}:{slug}", _generation_keys(), read)


def service_counts_cached(read) -> dict[str, int]:
    """`read()`'s counts of the services this unit offers, from the cache while neither its offer nor the
    catalogue has changed."""
    return _cache().cached(f"service-counts:{connection.tenant.pk}", _generation_keys(), read)


def catalogue_changed() -> None:
    """No unit's entry is used any more, from now and after the current transaction commits."""
    _cache().replace(_CATALOGUE)


def unit_offer_changed() -> None:
    """No entry of the current unit is used any more, from now and after the current transaction commits."""
    _cache().replace(_unit_generation_key(connection.tenant.pk))
