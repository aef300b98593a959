"""What filing an application needs of a service (selectors.service_to_file_get), cached per unit.

The form page is intake's hot path, and reading a service with its standard card and form is a five-table
query whose compilation alone costs about a millisecond and a half of CPU. Its answer changes only when the
regional catalogue changes (a card or a form published: public tables) or when the unit's offer does (its
adopted services, own services and forms: its schema). Each of the two has a generation: a random token,
replaced by every write that changes it (signals.py: every save and delete through the ORM counts, not only
those that remember to call a service; what is loaded without it, a unit's archive, calls
`unit_offer_changed`). It is replaced at once and again after commit, as the host cache does: a request that
reads the old rows meanwhile stores them under the first token, which the second retires. The first one also
expires within a minute, so that a process dying between its commit and the second leaves nothing stale for
long (unless its transaction outlived that minute: readers then start a token of their own, under which old
rows can stay until their entries expire, within the hour). An entry is used only while both tokens are those it was stored with, so a change counts from the next
request. Random tokens, not counters: two changes at once cannot leave the same value behind. The two
generations and the entry are read in one round trip; what a unit does not offer is not cached.

Entries are plain JSON values, signed with their key (platform_core/signed_cache.py): whoever can write to the
cache can neither run code in a reader nor change what a unit's form asks or costs; `read()` answers in them.
"""

import uuid

from django.db import connection, transaction

from platform_core.signed_cache import SignedCache

_CATALOGUE = "catalogue-generation"
_ENTRY_SECONDS = 3600  # entries of services nobody files for any more leave the cache
_INTERIM_SECONDS = 60  # the life of the token written before commit, should the one after commit never come
# Bump when the cached shape changes, or when a data migration rewrites the offer or the catalogue (it writes
# without signals): a deploy then reads none of the old entries.
_KEY_VERSION = 3
_SIGNED = SignedCache("offer")


def _cache() -> SignedCache:
    return _SIGNED


def _unit_generation_key(unit_id) -> str:
    return f"offer-generation:{unit_id}"


def cached(kind: str, slug: str, read):
    """`read()`'s answer (plain JSON values) for this unit's service, from the cache while nothing it depends on
    has changed."""
    unit_id = connection.tenant.pk
    generation_keys = [_CATALOGUE, _unit_generation_key(unit_id)]
    entry_key = f"to-file:{unit_id}:{kind}:{slug}"
    found = _cache().get_many([*generation_keys, entry_key], version=_KEY_VERSION)
    generations = [found.get(key) for key in generation_keys]
    entry = found.get(entry_key)
    if entry is not None and entry["generations"] == generations and None not in generations:
        return entry["answer"]
    answer = read()
    if None in generations:  # first use, expired or evicted: start afresh (`add` keeps one a concurrent request set)
        for key, generation in zip(generation_keys, generations, strict=True):
            if generation is None:
                _cache().add(key, uuid.uuid4().hex, None, version=_KEY_VERSION)
    else:
        _cache().set(entry_key, {"generations": generations, "answer": answer}, _ENTRY_SECONDS, version=_KEY_VERSION)
    return answer


def catalogue_changed() -> None:
    """No unit's entry is used any more, from now and after the current transaction commits."""
    _generation_replace(_CATALOGUE)


def unit_offer_changed() -> None:
    """No entry of the current unit is used any more, from now and after the current transaction commits."""
    _generation_replace(_unit_generation_key(connection.tenant.pk))


def _generation_replace(key: str) -> None:
    def replace_after_commit():
        _cache().set(key, uuid.uuid4().hex, None, version=_KEY_VERSION)

    replace_after_commit.generation_key = key  # recognisable among the transaction's pending callbacks
    _cache().set(key, uuid.uuid4().hex, _INTERIM_SECONDS, version=_KEY_VERSION)
    # Once per transaction after commit (a catalogue load saves hundreds of rows). Robust: the change is
    # committed whatever the cache says; a failure is logged, and the interim token expires.
    if not any(getattr(pending[1], "generation_key", None) == key for pending in connection.run_on_commit):
        transaction.on_commit(replace_after_commit, robust=True)
