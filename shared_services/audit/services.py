"""Recording audit entries in the current unit's hash chain (the hashing rule is in chain.py)."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from .chain import entry_hash_compute, json_as_stored
from .models import ZERO_HASH, AuditEntry, AuditHead

__all__ = ["ZERO_HASH", "audit_batch", "audit_record"]

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
    entry = AuditEntry(
        actor=actor, action=action, target=target, before=json_as_stored(before), after=json_as_stored(after)
    )
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
            sequence=entry.sequence,
            recorded_at=entry.recorded_at,
            actor=entry.actor,
            action=entry.action,
            target=entry.target,
            before=entry.before,
            after=entry.after,
            previous_hash=entry.previous_hash,
        )
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
