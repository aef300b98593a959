"""Host name → unit, cached so that a warm request resolves its unit without a database query.

django-tenants' middleware runs `Domain.objects.select_related("tenant").get(...)` on every request
(its caching PR #1121 was closed), so the lookup is cached here, in the shared `routing` cache, and the
entries of a unit are dropped whenever one of its domains or the unit itself changes (tenants/signals.py).
Unknown hosts are cached too, briefly, so random subdomains cannot turn into one query each. An entry is the
unit's row as plain values, signed with the host's key (platform_core/signed_cache.py): whoever can write to the
cache cannot route a host into another unit's schema, nor make a unit unknown.
"""

from contextlib import suppress

from django.conf import settings
from django.db import transaction

from platform_core.signed_cache import RowShapeChanged, SignedCache, row_from_plain, row_to_plain

from .models import Domain, Tenant

_UNKNOWN = "unknown"
_UNKNOWN_HOST_SECONDS = 30
# Written over a changed host's entry for a few seconds: a request that read the database just before the
# change committed finds it and does not cache what it read (`add` never overwrites).
_CHANGED = "changed"
_CHANGED_SECONDS = 10
# Bump when the cached shape changes (the unit's fields), so a deploy does not read entries of the old model.
_KEY_VERSION = 2
_cache = SignedCache("routing")


def _key(hostname: str) -> str:
    return f"unit-for-host:{hostname}"


def unit_for_host(hostname: str) -> Tenant | None:
    cached = _cache.get(_key(hostname), version=_KEY_VERSION)
    if cached == _UNKNOWN:
        return None
    if isinstance(cached, dict):
        with suppress(RowShapeChanged):  # then the database answers, as on a miss
            return row_from_plain(Tenant, cached)
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    unit = domain.tenant if domain else None
    _remember(hostname, unit)
    return unit


def _remember(hostname: str, unit: Tenant | None) -> None:
    # `add`, not `set`: if the host changed since this request read the database, the change's marker
    # is there and the stale answer is not cached.
    _cache.add(
        _key(hostname),
        row_to_plain(unit) if unit else _UNKNOWN,
        settings.TENANT_CACHE_SECONDS if unit else _UNKNOWN_HOST_SECONDS,
        version=_KEY_VERSION,
    )


def forget_hosts(hostnames) -> None:
    """Mark the hosts' entries as changed now and again after commit.

    Only now would let a concurrent request cache the old row before this transaction commits; only
    after commit would leave this transaction reading its own stale entry.
    """
    keys = [_key(hostname) for hostname in set(hostnames)]
    if not keys:
        return

    def mark_changed():
        _cache.set_many(dict.fromkeys(keys, _CHANGED), _CHANGED_SECONDS, version=_KEY_VERSION)

    mark_changed()
    transaction.on_commit(mark_changed)
