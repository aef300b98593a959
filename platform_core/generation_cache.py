"""Answers read from the database, kept in the shared cache until what they were read from changes.

Each answer depends on one or more *generations*: a random token per thing that can change (the regional
catalogue, one unit's offer, one unit's branding), replaced by every write that changes it. An entry is used only
while every token is the one it was stored with, so a change counts from the next request, on every pod. Random
tokens, not counters: two changes at once cannot leave the same value behind.

A token is replaced at once and again after commit, as the host cache does (tenants/routing.py): a request that
reads the old rows meanwhile stores them under the first token, which the second retires. The first one also
expires within a minute, so that a process dying between its commit and the second leaves nothing stale for
long (unless its transaction outlived that minute: readers then start a token of their own, under which old rows
can stay until their entries expire, within the hour). The tokens and the entry are read in one round trip.

A missing token (first use, eviction) is started with `add`, which never overwrites: if every missing one was
started by this request, no change came between its read and its tokens (a change would have written one
first), so the answer is stored under them at once; if another request or a change wrote one meanwhile, this
answer is used but not stored.

Entries are plain JSON values, signed with their key (platform_core/signed_cache.py): whoever can write to the
cache cannot change what a reader gets.
"""

import uuid

from django.db import connection, transaction

from .signed_cache import SignedCache

ENTRY_SECONDS = 3600  # entries nobody reads any more leave the cache
INTERIM_SECONDS = 60  # the life of the token written before commit, should the one after commit never come


class GenerationCache:
    """Entries and their generations' tokens in the signed cache `alias`, under `key_version` (bump it when the
    cached shape changes, or when a data migration rewrites what the entries were read from without signals)."""

    def __init__(self, alias: str, *, key_version: int):
        self.signed = SignedCache(alias)
        self.key_version = key_version

    def cached(self, entry_key: str, generation_keys: list[str], read):
        """`read()`'s answer (plain JSON values), from the cache while none of `generation_keys` has changed."""
        version = self.key_version
        found = self.signed.get_many([*generation_keys, entry_key], version=version)
        generations = [found.get(key) for key in generation_keys]
        entry = found.get(entry_key)
        if entry is not None and entry["generations"] == generations and None not in generations:
            return entry["answer"]
        answer = read()
        for index, (key, generation) in enumerate(zip(generation_keys, generations, strict=True)):
            if generation is None:
                token = uuid.uuid4().hex
                generations[index] = token if self.signed.add(key, token, None, version=version) else None
        if None not in generations:
            self.signed.set(entry_key, {"generations": generations, "answer": answer}, ENTRY_SECONDS, version=version)
        return answer

    def replace(self, generation_key: str) -> None:
        """No entry that depends on `generation_key` is used any more, from now and after the current transaction
        commits."""
        version = self.key_version

        def replace_after_commit():
            self.signed.set(generation_key, uuid.uuid4().hex, None, version=version)

        replace_after_commit.generation_key = generation_key  # recognisable among the transaction's callbacks
        self.signed.set(generation_key, uuid.uuid4().hex, INTERIM_SECONDS, version=version)
        # Once per transaction after commit (a catalogue load saves hundreds of rows). Robust: the change is
        # committed whatever the cache says; a failure is logged, and the interim token expires.
        pending = connection.run_on_commit
        if not any(getattr(callback, "generation_key", None) == generation_key for _, callback, *_ in pending):
            transaction.on_commit(replace_after_commit, robust=True)
