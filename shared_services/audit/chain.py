"""The audit chain's hashing rule, shared by recording (services.py) and checking (selectors.py).

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
from datetime import UTC
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder


def entry_hash_compute(
    *, sequence: int, recorded_at, actor: str, action: str, target: str, before, after, previous_hash: str
) -> str:
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
