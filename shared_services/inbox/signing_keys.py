"""The platform's keys for signing official receipts (UPO).

`settings.UPO_KEYS_DIR` holds, per key, `<key id>.key.pem` (the private key, mode 0600) and
`<key id>.cert.pem` (its self-signed certificate), plus a file `current` naming the key that signs now.
A key id is the SHA-256 fingerprint of the key's certificate (64 hex digits): anyone holding the
certificate can compute it, and a receipt names it in its signature's KeyName.

Rotating a key never deletes the old one: receipts are evidence for years, so every certificate the
platform ever signed with stays trusted. Receipts are verified against this folder only, never against
the certificate a receipt carries (anyone can embed a certificate of their own).
"""

import datetime
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

KEY_SUFFIX = ".key.pem"
CERT_SUFFIX = ".cert.pem"
CURRENT_FILE = "current"
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class KeyType:
    label: str  # for people
    generate: Callable[[], PrivateKey]


# NIST SP 800-57: both give 128-bit security, good beyond 2030 (the horizon of a 10-year certificate). ECDSA
# P-256 signs in a fraction of RSA-3072's time (the signature is made while the resident waits), and both are
# XML-DSig algorithms every XAdES verifier knows (RFC 6931); RSA stays available for verifiers that need it.
KEY_TYPES = {
    "ec-p256": KeyType("ECDSA P-256", lambda: ec.generate_private_key(ec.SECP256R1())),
    "rsa-3072": KeyType("RSA 3072", lambda: rsa.generate_private_key(public_exponent=65537, key_size=3072)),
}
DEFAULT_KEY_TYPE = "ec-p256"
CERTIFICATE_DAYS = 3653  # 10 years, leap days included
DEFAULT_COMMON_NAME = "Ratusz: urzędowe poświadczenia odbioru"


class SigningKeyMissing(ImproperlyConfigured):
    """No key to sign receipts with, in production (where keys are never created behind the operator's back)."""


def key_type_of(certificate: x509.Certificate) -> str:
    """The type of the certificate's key as KEY_TYPES names it, e.g. "ec-p256"."""
    public_key = certificate.public_key()
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return f"ec-p{public_key.curve.key_size}"
    return f"rsa-{public_key.key_size}"


def key_label_of(certificate: x509.Certificate) -> str:
    """The kind of the certificate's key, for people ("ECDSA P-256"); any other key by its type."""
    key_type = key_type_of(certificate)
    return KEY_TYPES[key_type].label if key_type in KEY_TYPES else key_type.upper()


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private_key: PrivateKey
    certificate: x509.Certificate


def keys_dir() -> Path:
    return Path(settings.UPO_KEYS_DIR)


def key_id_of(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def current_key_id() -> str | None:
    """The id of the key that signs now, or None when no key was made yet. Never creates one."""
    try:
        key_id = (keys_dir() / CURRENT_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    return key_id or None


def current_key() -> SigningKey:
    """The key that signs receipts now. In development the first key is created when there is none; in
    production that is the operator's decision (`manage.py upo_key_rotate`), so its absence is an error."""
    key_id = current_key_id()
    if key_id is None:
        if settings.IS_PRODUCTION:
            raise SigningKeyMissing(
                f"There is no key for signing official receipts in UPO_KEYS_DIR ({keys_dir()}). "
                "Create one with `manage.py upo_key_rotate`."
            )
        key_id = key_rotate()
    folder = keys_dir()
    private_key = _private_key((folder / f"{key_id}{KEY_SUFFIX}").read_bytes())
    certificate = x509.load_pem_x509_certificate((folder / f"{key_id}{CERT_SUFFIX}").read_bytes())
    if key_id_of(certificate) != key_id:
        raise ImproperlyConfigured(f"The certificate {key_id}{CERT_SUFFIX} in {folder} is not the one its name says.")
    return SigningKey(key_id=key_id, private_key=private_key, certificate=certificate)


@lru_cache(maxsize=8)
def _private_key(pem: bytes) -> PrivateKey:
    # Loading an RSA key checks its consistency, about 0.2 s for 3072 bits: far too slow to repeat for every
    # receipt, which is signed while the resident waits. Keyed by the file's content, so a rotated key is
    # simply another entry.
    return serialization.load_pem_private_key(pem, password=None)


def trusted_certificates() -> dict[str, x509.Certificate]:
    """Every certificate the platform has signed receipts with, current and retired, by key id.

    The id is computed from each certificate, not taken from its file name. An unreadable file is logged
    and left out: it must not stop the other receipts from being verified.
    """
    certificates = {}
    for path in sorted(keys_dir().glob(f"*{CERT_SUFFIX}")):
        try:
            certificate = x509.load_pem_x509_certificate(path.read_bytes())
        except (OSError, ValueError):
            logger.error("unreadable receipt-signing certificate left out of the trusted ones: %s", path)
            continue
        certificates[key_id_of(certificate)] = certificate
    return certificates


def key_rotate(*, common_name: str = DEFAULT_COMMON_NAME, key_type: str = DEFAULT_KEY_TYPE) -> str:
    """Create a new signing key of `key_type` (KEY_TYPES) with its self-signed certificate (10 years) and make
    it the current one. Older keys stay in the folder and stay trusted. Returns the new key id.
    """
    private_key = KEY_TYPES[key_type].generate()
    certificate = _self_signed_certificate(private_key, common_name)
    key_id = key_id_of(certificate)
    folder = keys_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_new(
        folder / f"{key_id}{KEY_SUFFIX}",
        private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        mode=0o600,
    )
    _write_new(folder / f"{key_id}{CERT_SUFFIX}", certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    # Written aside and renamed, so a process reading `current` never sees it half-written.
    pending = folder / f".{CURRENT_FILE}.{os.getpid()}"
    pending.write_text(key_id + "\n")
    os.replace(pending, folder / CURRENT_FILE)
    logger.info("new receipt-signing key %s is now the current one", key_id)
    return key_id


def _self_signed_certificate(private_key: PrivateKey, common_name: str) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ratusz"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
        ]
    )
    # A few minutes back, so that a receipt signed at once still falls within the validity on a machine
    # whose clock is slightly behind.
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=CERTIFICATE_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()), critical=False)
        .sign(private_key, hashes.SHA256())
    )


def _write_new(path: Path, content: bytes, *, mode: int) -> None:
    # O_EXCL: a key file is never overwritten; the mode is set at creation, so the private key is never
    # readable by others, not even for an instant.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
