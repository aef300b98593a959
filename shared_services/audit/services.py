"""Recording audit entries in the current unit's hash chain.

The hash of an entry (`entry_hash_compute`) is SHA-256, as 64 lower-case hex digits, of the UTF-8 bytes of

    json.dumps({"sequence": …, "recorded_at": …, "actor": …, "action": …, "target": …,
                "before": …, "after": …, "previous_hash": …},
               sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)

with `recorded_at` as `isoformat(timespec="microseconds")` in UTC ("2026-03-01T09:15:02.123456+00:00")
and `before`/`after` exactly as they read back from the database (`json_as_stored`). The first entry's
`previous_hash` is 64 zeros. Anyone holding the rows can recompute the chain with these lines alone.
"""

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from .models import ZERO_HASH, AuditEntry, AuditHead

__all__ = ["ZERO_HASH", "audit_batch", "audit_record", "entry_hash_compute", "json_as_stored"]

# The schema and the entries recorded inside the current `audit_batch` block, waiting to be appended; None
# outside one.
_batched: ContextVar[tuple[str, list[AuditEntry]] | None] = ContextVar("audit_batched", default=None)


@transaction.atomic(savepoint=False)  # part of the caller's transaction: a savepoint would be two round trips
def audit_record(*, actor: str, action: str, target: str, before=None, after=None) -> AuditEntry:
    """Append an entry to the current unit's audit trail, in the caller's transaction.

    `before`/`after` are anything DjangoJSONEncoder can write (dates, decimals, UUIDs become strings).
    The chain's head row stays locked until the caller's transaction ends and every other entry of the unit
    waits for it, so call this last in a transaction; a rolled-back transaction takes its entry and number
    with it, so numbers stay gapless. Inside `audit_batch` (in its unit) the entry is appended when the block
    ends: it gets its time, sequence and hash then.
    """
    entry = AuditEntry(actor=actor, action=action, target=target, before=json_as_stored(before),
                       after=json_as_stored(after))
    batch = _batched.get()
    if batch is not None and batch[0] == connection.schema_name:
        batch[1].append(entry)
    else:
        _append([entry])
    return entry


@contextmanager
def audit_batch():
    """Within a transaction: the current unit's entries recorded inside the block are appended together as
    it ends, so the chain's head is locked only then (three statements for all of them). For straight-line
    actions whose other writes can proceed alongside other transactions, e.g. intake: a savepoint rolled back
    inside the block would not take its entries back. A nested block belongs to the outer one. Should the
    block fail, the transaction is marked for rollback: its writes never commit without their entries."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("audit_batch belongs inside the transaction whose writes it records")
    if _batched.get() is not None:
        yield
        return
    schema = connection.schema_name
    token = _batched.set((schema, []))
    try:
        yield
        _schema, entries = _batched.get()
    except BaseException:
        transaction.set_rollback(True)
        raise
    finally:
        _batched.reset(token)
    if connection.schema_name != schema:
        raise TransactionManagementError("an audit_batch block must end in the unit it began in")
    if entries:
        _append(entries)


def _append(entries: list[AuditEntry]) -> None:
    head = _head_locked()
    for entry in entries:
        # Stamped under the chain's lock: within one process's clock, the entries' order is their times' order.
        entry.recorded_at = timezone.now()
        entry.sequence, entry.previous_hash = head.last_sequence + 1, head.last_hash
        entry.entry_hash = entry_hash_compute(
            sequence=entry.sequence, recorded_at=entry.recorded_at, actor=entry.actor, action=entry.action,
            target=entry.target, before=entry.before, after=entry.after, previous_hash=entry.previous_hash)
        head.last_sequence, head.last_hash = entry.sequence, entry.entry_hash
    AuditEntry.objects.bulk_create(entries)
    head.save(update_fields=["last_sequence", "last_hash"])


def _head_locked() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(singleton=True).first()
    if head is None:
        # First entry of the unit: two transactions may get here at once; the second INSERT waits for the
        # first one's commit and then does nothing, and both lock the one row.
        AuditHead.objects.bulk_create([AuditHead()], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(singleton=True)
    return head


def entry_hash_compute(*, sequence: int, recorded_at, actor: str, action: str, target: str, before, after,
                       previous_hash: str) -> str:
    """SHA-256 (hex) of the entry's canonical JSON; see the module's docstring."""
    content = {
        "sequence": sequence,
        "recorded_at": recorded_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "target": target,
        "before": before,
        "after": after,
        "previous_hash": previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def json_as_stored(value):
    """`value` as a JSONField gives it back from PostgreSQL: dates, decimals and UUIDs become the strings
    DjangoJSONEncoder writes, tuples lists, keys strings; and numbers with a fraction or an exponent as jsonb
    prints them (jsonb keeps numbers as `numeric`, printed without an exponent: 1e16 comes back as the integer
    10000000000000000, -0.0 as 0.0). Hashing this value makes the hash at write time equal the one computed
    from the row later."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder), parse_float=_number_as_jsonb_prints)


def _number_as_jsonb_prints(text: str):
    number = Decimal(text)
    if number.is_zero():
        number = abs(number)  # numeric has no negative zero
    printed = format(number, "f")
    return float(printed) if "." in printed else int(printed)
