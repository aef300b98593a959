"""Access codes: whoever filed an application follows its case with a code instead of an account. The code
exists only at intake (the confirmation page, the receipt's e-mail); the register keeps its SHA-256."""

import hashlib
import secrets

ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed without mistakes


def access_code_new() -> str:
    """A code to follow a case without an account: 12 letters and digits people can read aloud
    (about 60 bits), in groups of four."""
    code = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(12))
    return "-".join(code[i : i + 4] for i in range(0, 12, 4))


def access_code_hash(code: str) -> str:
    normalised = "".join(code.upper().split()).replace("-", "")
    return hashlib.sha256(normalised.encode()).hexdigest()
