"""Tokens of the inbox's API: issued with the whole secret shown once, revoked, recognised on requests.

A token reads `rtz_<prefix>_<secret>`: 8 hexadecimal characters that find the row (and tell tokens apart on
the office's screen) and 43 URL-safe characters of secret (256 bits). Only the secret's SHA-256 is kept: a
secret this long needs no slow hash, and a stolen table gives no token.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_services.audit.services import audit_record

from ..models import ApiScope, ApiToken

TOKEN_PATTERN = re.compile(r"rtz_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})")
# How often last_used_at is written at most: a system polling every few seconds costs no write per request.
LAST_USED_GRANULARITY = timedelta(minutes=1)
_UNKNOWN_TOKEN_HASH = hashlib.sha256(b"no such token").hexdigest()


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, name: str, scopes, actor: str = "system") -> tuple[ApiToken, str]:
    """A new token of the current unit for the system `name` with `scopes`; returns the token's row and the
    whole token (`rtz_<prefix>_<secret>`), which exists only here: show it once and forget it."""
    name = (name or "").strip()
    scopes = sorted(set(scopes or ()))
    if not name:
        raise ValidationError({"name": _("Say which system will use the token.")})
    unknown = [scope for scope in scopes if scope not in ApiScope.values]
    if not scopes or unknown:
        raise ValidationError({"scopes": _("Choose at least one of the listed scopes.")})
    secret = secrets.token_urlsafe(32)
    for _attempt in range(5):
        prefix = secrets.token_hex(4)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    name=name, prefix=prefix, secret_sha256=secret_hash(secret), scopes=scopes
                )
            break
        except IntegrityError:  # the prefix is taken (one chance in four billion per token): draw another
            continue
    else:  # pragma: no cover
        raise RuntimeError("no free token prefix")
    audit_record(
        actor=actor,
        action="api_token.issue",
        target=f"api_token:{token.pk}",
        after={"name": name, "prefix": prefix, "scopes": scopes},
    )
    return token, f"rtz_{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: str = "system") -> ApiToken:
    """The token stops working at once; its row stays, so the office sees what was issued and when."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            target=f"api_token:{token.pk}",
            before={"name": token.name, "prefix": token.prefix, "scopes": token.scopes},
            after={"revoked_at": token.revoked_at},
        )
    return token


def api_token_authenticate(presented: str) -> ApiToken | None:
    """The current unit's active token that `presented` is, or None. Tokens live in the unit's schema: on
    another unit's subdomain a token is simply unknown."""
    match = TOKEN_PATTERN.fullmatch(presented or "")
    if match is None:
        return None
    token = ApiToken.objects.filter(prefix=match["prefix"]).first()
    # Compared in constant time, and compared even when the prefix is unknown.
    expected = token.secret_sha256 if token is not None else _UNKNOWN_TOKEN_HASH
    if not hmac.compare_digest(expected, secret_hash(match["secret"])) or token is None:
        return None
    if token.revoked_at is not None:
        return None
    _note_use(token)
    return token


def _note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_GRANULARITY:
        return
    # Conditional, so that many requests at once write once.
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now
