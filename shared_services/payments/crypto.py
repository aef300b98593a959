"""Providers' secrets (CRC keys, API keys) encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Written here rather than taken from a library: no maintained Django encrypted-field package exists
(django-fernet-fields and django-encrypted-model-fields are unmaintained), and what is needed is small —
a MultiFernet over `settings.PAYMENT_SECRETS_KEYS`, where the first key encrypts and every key decrypts, so
keys can be rotated by putting a new one first (`manage.py payment_secrets_rotate` then rewrites the stored
values, after which the old key can go).
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

MASK = "••••"


def development_key(secret_key: str) -> str:
    """The key used when PAYMENT_SECRETS_KEYS is not set (development and tests only; production refuses to
    start without it): derived from SECRET_KEY, so it is stable across restarts."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"ratusz-payments:{secret_key}".encode()).digest()).decode()


def _fernet() -> MultiFernet:
    keys = settings.PAYMENT_SECRETS_KEYS or [development_key(settings.SECRET_KEY)]
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def secrets_encrypt(values: dict[str, str]) -> str:
    return _fernet().encrypt(json.dumps(values, ensure_ascii=False).encode()).decode() if values else ""


def secrets_decrypt(token: str) -> dict[str, str]:
    """The stored secrets; an empty dict when none are stored. Raises InvalidToken when no configured key
    opens them (a key removed too early)."""
    if not token:
        return {}
    return json.loads(_fernet().decrypt(token.encode()))


def secrets_rotate(token: str) -> str:
    """The same secrets encrypted with the first (newest) key."""
    return _fernet().rotate(token.encode()).decode() if token else ""


def masked(value: str) -> str:
    """A secret as shown back: never in full, only its last four characters."""
    if not value:
        return ""
    return f"{MASK}{value[-4:]}" if len(value) > 8 else MASK


__all__ = ["InvalidToken", "development_key", "masked", "secrets_decrypt", "secrets_encrypt", "secrets_rotate"]
