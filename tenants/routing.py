"""Host name → unit, cached so that a warm request resolves its unit without a database query.

django-tenants' middleware runs `Domain.objects.select_related("tenant").get(...)` on every request
(its caching PR #1121 was closed), so the lookup is cached here, in the shared `routing` cache, and the
entries of a unit are dropped whenever one of its domains or the unit itself changes (tenants/signals.py).
Unknown hosts are cached too, briefly, so random subdomains cannot turn into one query each.
"""

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from .models import Domain, Tenant

_UNKNOWN = "unknown"
_UNKNOWN_HOST_SECONDS = 30
# Bump when the cached shape changes, so a deploy does not read pickles of the old model.
_KEY_VERSION = 1


def _cache():
    return caches["routing"]


def _key(hostname: str) -> str:
    return f"unit-for-host:{hostname}"


def unit_for_host(hostname: str) -> Tenant | None:
    cache = _cache()
    cached = cache.get(_key(hostname), version=_KEY_VERSION)
    if cached == _UNKNOWN:
        return None
    if cached is not None:
        return cached
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    if domain is None:
        cache.set(_key(hostname), _UNKNOWN, _UNKNOWN_HOST_SECONDS, version=_KEY_VERSION)
        return None
    cache.set(_key(hostname), domain.tenant, settings.TENANT_CACHE_SECONDS, version=_KEY_VERSION)
    return domain.tenant


def forget_hosts(hostnames) -> None:
    """Drop cached entries now and again after commit.

    Dropping only now would let a concurrent request re-cache the old row before this transaction
    commits; dropping only after commit would leave this transaction reading its own stale entry.
    """
    keys = [_key(hostname) for hostname in set(hostnames)]
    if not keys:
        return

    def drop():
        _cache().delete_many(keys, version=_KEY_VERSION)

    drop()
    transaction.on_commit(drop)
