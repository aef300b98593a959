from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .chain import entry_hash_compute
from .models import ZERO_HASH, AuditEntry, AuditHead

CHECK_CHUNK_SIZE = 2000
_HASHED_FIELDS = ("sequence", "recorded_at", "actor", "action", "target", "before", "after", "previous_hash")


def audit_entries(target: str | None = None) -> QuerySet[AuditEntry]:
    """The current unit's audit entries for display, newest first; only those concerning `target` if given."""
    entries = AuditEntry.objects.order_by("-sequence")
    if target is not None:
        entries = entries.filter(target=target)
    return entries


def audit_check() -> list[str]:
    """Every problem in the current unit's audit chain, in plain words (in the active language); an empty
    list when the chain is intact. Reads the entries once, in order, in chunks."""
    problems = []
    expected_sequence, previous_hash, count = 1, ZERO_HASH, 0
    rows = (
        AuditEntry.objects.order_by("sequence")
        .values_list(*_HASHED_FIELDS, "entry_hash")
        .iterator(chunk_size=CHECK_CHUNK_SIZE)
    )
    for sequence, recorded_at, actor, action, target, before, after, stored_previous, stored_hash in rows:
        count += 1
        gap = sequence != expected_sequence
        if gap:
            problems.append(_missing(expected_sequence, sequence - 1))
        computed = entry_hash_compute(
            sequence=sequence,
            recorded_at=recorded_at,
            actor=actor,
            action=action,
            target=target,
            before=before,
            after=after,
            previous_hash=stored_previous,
        )
        if computed != stored_hash:
            problems.append(
                _("Entry %(sequence)s was changed: its content does not match its hash.") % {"sequence": sequence}
            )
        # After a gap the predecessor is missing, which is reported already.
        if not gap and stored_previous != previous_hash:
            if sequence == 1:
                problems.append(
                    _(
                        "Entry 1 does not start the chain: its previous hash is not the starting "
                        "value (entries were inserted or the chain was rebuilt)."
                    )
                )
            else:
                problems.append(
                    _(
                        "Entry %(sequence)s does not follow entry %(previous)s: its previous hash is "
                        "not that entry's hash (entries were changed, inserted or re-chained)."
                    )
                    % {"sequence": sequence, "previous": sequence - 1}
                )
        expected_sequence, previous_hash = sequence + 1, stored_hash
    problems += _head_problems(last_sequence=expected_sequence - 1, last_hash=previous_hash, count=count)
    return problems


def _missing(first: int, last: int) -> str:
    if first == last:
        return _("Entry %(sequence)s is missing (deleted).") % {"sequence": first}
    return _("Entries %(first)s to %(last)s are missing (deleted).") % {"first": first, "last": last}


def _head_problems(*, last_sequence: int, last_hash: str, count: int) -> list[str]:
    head = AuditHead.objects.filter(singleton=True).values_list("last_sequence", "last_hash").first()
    if head is None:
        if count:
            return [
                _(
                    "The chain's head record is missing although the chain has entries, so deleting its last "
                    "entries could not be detected."
                )
            ]
        return []
    head_sequence, head_hash = head
    if head_sequence > last_sequence:
        return [_missing(last_sequence + 1, head_sequence)]
    if head_sequence < last_sequence:
        return [
            _(
                "Entries after %(sequence)s were added outside the audit trail: the chain's head records entry "
                "%(sequence)s as the last."
            )
            % {"sequence": head_sequence}
        ]
    if head_hash != last_hash:
        return [
            _(
                "The last entry, %(sequence)s, is not the one the chain's head records (it was replaced or "
                "its hash changed)."
            )
            % {"sequence": last_sequence}
        ]
    return []
