"""Abuse limits: how often one client address, one unit or one e-mail address may do something costly or
guessable within a window. Past a limit a person gets a 429 page saying when to try again (`Retry-After`), the
API a JSON error; the receipt's e-mail is skipped instead, never the filing.

The counters are django-ratelimit's (fixed windows) in the cache alias `rate_limits` (RATELIMIT_USE_CACHE): one
Redis for every web and Celery process in production, so all of them count together. Its keys carry no schema,
so that one address is counted across every unit it tries; a unit's own counter puts the unit's schema into its
key. django-ratelimit's decorator is not used: it counts one key per decorator, answers 403 and cannot say when
to try again; `rate_limited` and the two functions below check every limit of a case before counting any, and
answer 429 with `Retry-After`.

Each limit's value and why is in docs/operations.md ("Abuse limits"); a deployment changes one with RATE_LIMITS
(`RATE_LIMITS=sign-in:ip=300/10m`).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django_ratelimit.core import get_usage

IP, UNIT, VALUE = "ip", "unit", "value"


@dataclass(frozen=True)
class Limit:
    """At most `rate` (django-ratelimit's form: `30/h`, `120/10m`) of one thing per `per` within a window:
    per client address (`ip`, IPv6 by /64), per unit (`unit`), or per a value the caller names (`value`, e.g. an
    e-mail address)."""

    name: str
    per: str
    rate: str

    def _rate(self, group, request) -> str:
        return settings.RATE_LIMITS.get(self.name, self.rate)

    def usage(self, request, *, value: str | None, increment: bool) -> dict | None:
        if self.per == IP:
            key = IP
        else:
            counted = connection.schema_name if self.per == UNIT else value.strip().lower()
            key = lambda group, request: counted  # noqa: E731
        return get_usage(request, group=self.name, key=key, rate=self._rate, increment=increment)


def limits_reached(request, limits: Sequence[Limit], *, value: str | None = None) -> int | None:
    """Seconds until every limit of `limits` that is used up lets go again, or None when none is; counts
    nothing."""
    waits = [
        usage["time_left"]
        for limit in limits
        if (usage := limit.usage(request, value=value, increment=False)) and usage["count"] >= usage["limit"]
    ]
    return max(1, *waits) if waits else None


def limits_count(request, limits: Sequence[Limit], *, value: str | None = None) -> None:
    """Count one more against each of `limits`."""
    for limit in limits:
        limit.usage(request, value=value, increment=True)


def too_many_requests(request, retry_after: int):
    """The page a person gets past a limit: when to try again, in minutes, and the same in `Retry-After`."""
    response = render(
        request,
        "platform_core/too_many_requests.html",
        {"minutes": math.ceil(retry_after / 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(*limits: Limit, methods: Sequence[str] | None = ("POST",)) -> Callable:
    """Each request with one of `methods` (None: any) counts against every one of `limits`; once one is used up,
    the view answers 429 without running. Put it below the access check, so that nobody else's requests use up
    a unit's limit."""

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if methods is None or request.method in methods:
                if (wait := limits_reached(request, limits)) is not None:
                    return too_many_requests(request, wait)
                limits_count(request, limits)
            return view(request, *args, **kwargs)

        return limited

    return decorator


# --- The limits ------------------------------------------------------------------------------------------------
# Values and reasons: docs/operations.md, "Abuse limits". Wrong guesses are counted, right ones are not.

# Wrong access codes at /sprawa/: a person mistypes a few times; 12 characters (about 60 bits) are never guessed,
# but each try is a query.
ACCESS_CODE = (Limit("access-code:ip", IP, "20/h"), Limit("access-code:unit", UNIT, "200/h"))
# Wrong API tokens at /api/v1/: an office's system with a wrong or revoked token fails a few times, not hundreds.
API_TOKEN = (Limit("api-token:ip", IP, "30/h"), Limit("api-token:unit", UNIT, "300/h"))
# Receipt verifications (each upload up to MAX_REQUEST_MB) on the platform domain, which has no unit.
UPO_VERIFY = (Limit("upo-verify:ip", IP, "30/h"),)
# Sign-in starts (each writes a pending sign-in in the public schema and a session in the host's schema).
SIGN_IN = (Limit("sign-in:ip", IP, "60/10m"),)
# Export archives an office's administrator asks for (each a full copy of the unit).
UNIT_EXPORT = (Limit("unit-export:ip", IP, "10/d"), Limit("unit-export:unit", UNIT, "6/d"))
# Receipts e-mailed to the address typed into a form: per address (across units) and per client address.
RECEIPT_EMAIL = (Limit("receipt-email:recipient", VALUE, "10/h"), Limit("receipt-email:ip", IP, "30/h"))
# BIP subscriptions asked for (each mails a confirmation link to the address typed in).
BIP_SUBSCRIBE = (Limit("bip-subscribe:ip", IP, "20/h"),)
