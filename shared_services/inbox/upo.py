"""The official receipt (UPO, urzędowe poświadczenie odbioru): build, sign and verify it.

The XML follows ePUAP's UPP (namespace `CRD_UPO`, `Dokument/UPP`) in its names, in a namespace of our own,
and adds what the UPP lacks: the SHA-256 of the application and of each attachment, so that the receipt
proves *what* was received, not only that something was. (Receipts of earlier versions of the platform also
name the register number, which is now taken after the receipt is signed: see inbox.services.) It is signed with an
enveloped XAdES-BES signature (ECDSA-SHA256 or RSA-SHA256, by the key's type) by the platform's current key;
the certificate travels in the signature, but verification trusts only the platform's own certificates
(signing_keys).

The signed XML is the evidence; the PDF (receipt_pdf) is a readable copy of it.
"""

import base64
import binascii
import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.translation import gettext as _
from lxml import etree
from signxml import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidCertificate, InvalidInput, InvalidSignature
from signxml.xades import XAdESDataObjectFormat, XAdESSignatureConfiguration, XAdESSigner, XAdESVerifier

from . import signing_keys

NAMESPACE = "urn:ratusz:upo:1"
DS_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
# The name under which the application itself (the JSON the receipt's SkrotDokumentu is of) is checked.
SUBMISSION_DOCUMENT_NAME = "wniosek.json"
# A receipt is a few kilobytes; anything far bigger is not one and is not parsed.
MAX_RECEIPT_BYTES = 5 * 1024 * 1024

MATCH = "match"
DIFFERS = "differs"
NOT_IN_RECEIPT = "not in the receipt"

# Characters XML 1.0 cannot carry at all (most C0 controls, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SHA256_HEX = re.compile("[0-9a-f]{64}")
# lxml parses safely with these: no entity is expanded, nothing is fetched from the network, no DTD is
# loaded, and libxml2's limits against huge trees stay on. A DTD is refused outright (below).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class ReceiptFacts:
    receipt_id: str
    addressee_name: str
    addressee_terc: str
    sender_name: str
    sender_email: str
    received_at: datetime.datetime  # when the document entered the system
    produced_at: datetime.datetime  # when this receipt was produced
    document_id: str  # the submission's reference
    service_name: str
    document_sha256: str
    attachments: tuple[tuple[str, str], ...] = ()  # (file name, SHA-256 hex)
    # Only receipts of earlier versions name it ("15/2026"): it is now taken after the receipt is signed.
    register_number: str = ""


@dataclass(frozen=True)
class Verification:
    valid: bool
    problem: str = ""  # why the receipt cannot be trusted, for people (translated); empty when valid
    facts: ReceiptFacts | None = None
    key_id: str = ""
    documents: list[tuple[str, str]] = field(default_factory=list)  # (name, MATCH | DIFFERS | NOT_IN_RECEIPT)

    @property
    def all_documents_match(self) -> bool:
        return all(status == MATCH for _name, status in self.documents)


def document_status_label(status: str) -> str:
    """A document's status (MATCH, DIFFERS, NOT_IN_RECEIPT) in words, for people."""
    return {
        MATCH: _("the same document as in the receipt"),
        DIFFERS: _("DIFFERENT from the document in the receipt"),
        NOT_IN_RECEIPT: _("not named in the receipt"),
    }[status]


# --- Building ----------------------------------------------------------------------------------------


def receipt_xml(facts: ReceiptFacts) -> bytes:
    """The receipt's XML, unsigned."""
    root = etree.Element(_tag("UPO"), nsmap={None: NAMESPACE})
    _child(root, "IdentyfikatorPoswiadczenia", facts.receipt_id)
    addressee = _child(root, "Adresat")
    _child(addressee, "Nazwa", facts.addressee_name)
    _child(addressee, "IdentyfikatorPodmiotu", facts.addressee_terc, TypIdentyfikatora="TERC")
    sender = _child(root, "Nadawca")
    _child(sender, "Nazwa", facts.sender_name)
    _child(sender, "Email", facts.sender_email)
    _child(root, "DataDoreczenia", _iso(facts.received_at))
    _child(root, "DataWytworzeniaPoswiadczenia", _iso(facts.produced_at))
    _child(root, "IdentyfikatorDokumentu", facts.document_id)
    if facts.register_number:
        _child(root, "NumerWRejestrze", facts.register_number)
    _child(root, "Usluga", facts.service_name)
    _child(root, "SkrotDokumentu", _sha256(facts.document_sha256), Algorytm="SHA-256")
    attachments = _child(root, "Zalaczniki")
    for name, sha256 in facts.attachments:
        _child(attachments, "Zalacznik", Nazwa=_xml_text(name), SkrotSHA256=_sha256(sha256))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _child(parent, name: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, _tag(name), attributes)
    if text is not None:
        element.text = _xml_text(text)
    return element


def _xml_text(value: str) -> str:
    # A sender's name comes from what a resident typed; a stray control character must not stop intake.
    return _NOT_XML.sub("", str(value))


def _sha256(value: str) -> str:
    # Checked when the receipt is made, so that a receipt can never be issued that fails to verify.
    if not _SHA256_HEX.fullmatch(value):
        raise ValueError(f"a receipt's SHA-256 is 64 lowercase hex digits, not {value!r}")
    return value


def _iso(moment: datetime.datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a receipt's time must carry its offset, not {moment!r}")
    return moment.isoformat()


# --- Parsing -----------------------------------------------------------------------------------------


class _DtdRefused(ValueError):
    """The XML declares a document type."""


def _parse(xml: bytes):
    # A DTD is where entity bombs (billion laughs) and external entities live; receipts never have one.
    # Refused before parsing when it is plainly there (libxml2 may otherwise stop on its own limits with a
    # less telling error), and after parsing in any encoding.
    if b"<!DOCTYPE" in xml:
        raise _DtdRefused("DTD")
    root = etree.fromstring(xml, parser=_PARSER)
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise _DtdRefused("DTD")
    return root


# --- Signing -----------------------------------------------------------------------------------------

# Both kinds of key the platform signs with (signing_keys.KEY_TYPES). signxml checks a signature with the
# trusted certificate's own key, so a receipt claiming the other method than its key's fails to verify.
_SIGNATURE_METHODS = frozenset({SignatureMethod.ECDSA_SHA256, SignatureMethod.RSA_SHA256})


def receipt_sign(xml: bytes) -> bytes:
    """The receipt with an enveloped XAdES-BES signature by the platform's current key (ECDSA-SHA256 or
    RSA-SHA256). The signature's KeyInfo names the key (KeyName: its id) and carries its certificate
    (X509Data)."""
    key = signing_keys.current_key()
    signer = XAdESSigner(
        signature_algorithm=(
            SignatureMethod.ECDSA_SHA256
            if isinstance(key.private_key, ec.EllipticCurvePrivateKey)
            else SignatureMethod.RSA_SHA256
        ),
        digest_algorithm=DigestAlgorithm.SHA256,
        data_object_format=XAdESDataObjectFormat(
            Description="Urzędowe poświadczenie odbioru (UPO)", MimeType="text/xml"
        ),
    )
    signed = signer.sign(_parse(xml), key=key.private_key, cert=[key.certificate], key_name=key.key_id)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def signing_key_id(signed_xml: bytes) -> str:
    """The key id a signed receipt names (its KeyName), *unverified*: for bookkeeping of receipts the
    platform has just signed. To trust a receipt, use receipt_verify."""
    key_name = _parse(signed_xml).find(
        f"./{{{DS_NAMESPACE}}}Signature/{{{DS_NAMESPACE}}}KeyInfo/{{{DS_NAMESPACE}}}KeyName"
    )
    return key_name.text.strip() if key_name is not None and key_name.text else ""


# --- Verifying ---------------------------------------------------------------------------------------


class _Refused(Exception):
    """Verification stops here; the message says why, for people."""

    def __init__(self, problem: str, key_id: str = ""):
        super().__init__(problem)
        self.problem = problem
        self.key_id = key_id


def receipt_verify(signed_xml: bytes, documents: dict[str, bytes] | None = None) -> Verification:
    """Check a receipt against the platform's trusted certificates and read its facts back; with
    `documents` ({file name: content}; the application under SUBMISSION_DOCUMENT_NAME), say for each
    whether it is the one the receipt names. Never raises on bad input: any problem gives valid=False."""
    try:
        facts, key_id = _verified_facts(signed_xml)
    except _Refused as refusal:
        return Verification(valid=False, problem=refusal.problem, key_id=refusal.key_id)
    return Verification(
        valid=True,
        facts=facts,
        key_id=key_id,
        documents=[(name, _document_status(facts, name, content)) for name, content in (documents or {}).items()],
    )


def _verified_facts(signed_xml: bytes) -> tuple[ReceiptFacts, str]:
    if len(signed_xml) > MAX_RECEIPT_BYTES:
        raise _Refused(_("The file is too large to be an official receipt."))
    try:
        root = _parse(signed_xml)
    except _DtdRefused:
        raise _Refused(
            _("The file declares a document type (DTD). Official receipts never do, so it was not read.")
        ) from None
    except (etree.XMLSyntaxError, ValueError):
        raise _Refused(_("The file is not a well-formed XML document.")) from None
    if root.tag != _tag("UPO"):
        raise _Refused(_("The file is not an official receipt (UPO) of this platform."))
    signature = root.find(f"./{{{DS_NAMESPACE}}}Signature")
    if signature is None:
        raise _Refused(_("The receipt is not signed, so nothing proves who issued it."))
    key_id = _named_key_id(signature)
    certificate = signing_keys.trusted_certificates().get(key_id)
    if certificate is None:
        raise _Refused(
            _("The receipt was signed with a key this platform has never used: it was not issued by this platform."),
            key_id,
        )
    try:
        # Read before the signature is checked only to know *when* the certificate must have been valid;
        # the facts returned are read again from what the signature covers.
        produced_at = _facts_of(root).produced_at
    except ValueError:
        raise _Refused(_("The file is not an official receipt (UPO) of this platform."), key_id) from None
    signed_root = _signed_receipt(root, certificate, produced_at, key_id)
    try:
        return _facts_of(signed_root), key_id
    except ValueError:
        raise _Refused(_("The file is not an official receipt (UPO) of this platform."), key_id) from None


def _named_key_id(signature) -> str:
    """The key id the signature names: its KeyName, or else the fingerprint of the certificate it carries.
    Only a hint for finding the trusted certificate; the signature is then checked against that."""
    key_info = signature.find(f"{{{DS_NAMESPACE}}}KeyInfo")
    if key_info is None:
        return ""
    key_name = key_info.findtext(f"{{{DS_NAMESPACE}}}KeyName")
    if key_name and key_name.strip():
        return key_name.strip().lower()
    embedded = key_info.findtext(f"{{{DS_NAMESPACE}}}X509Data/{{{DS_NAMESPACE}}}X509Certificate")
    if not embedded:
        return ""
    try:
        return hashlib.sha256(_base64_decode(embedded)).hexdigest()
    except ValueError:
        return ""


def _base64_decode(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except binascii.Error as error:
        raise ValueError("not base64") from error


def _signed_receipt(root, certificate, produced_at: datetime.datetime, key_id: str):
    """The receipt element exactly as the signature covers it (signxml's "see what is signed").

    The certificate is the platform's trusted one, passed in; signxml then ignores the certificate the
    receipt carries for the signature itself and checks that XAdES' SigningCertificateV2 names ours.
    """
    config = XAdESSignatureConfiguration(
        location="./",  # the signature is the receipt's own child, nowhere else
        signature_methods=_SIGNATURE_METHODS,
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
        # The certificate must have been valid when the receipt was produced, not today: a receipt stays
        # evidence after its key's certificate expires.
        verification_time=produced_at,
    )
    try:
        results = XAdESVerifier().verify(root, x509_cert=certificate, expect_config=config)
    except InvalidCertificate:
        raise _Refused(
            _("The receipt is dated outside the validity of the certificate that signed it."), key_id
        ) from None
    except (InvalidSignature, InvalidInput, ValueError, KeyError, TypeError, etree.LxmlError):
        # signxml raises its own errors, and a mangled signature can also trip base64, enum or lxml.
        raise _Refused(
            _(
                "The signature does not match the receipt: the receipt was changed after it was "
                "signed, or its signature is damaged."
            ),
            key_id,
        ) from None
    whole_receipt = [
        result.signed_xml
        for result in results
        if result.signed_xml is not None and result.signed_xml.tag == _tag("UPO")
    ]
    if len(whole_receipt) != 1:
        raise _Refused(_("The signature does not cover the whole receipt."), key_id)
    return whole_receipt[0]


def _facts_of(root) -> ReceiptFacts:
    """The facts in a receipt element; ValueError when one is missing or malformed."""

    def text(path: str, required: bool = True) -> str:
        element = root.find(path, namespaces={"u": NAMESPACE})
        if element is None:
            if required:
                raise ValueError(f"{path} is missing")
            return ""
        return element.text or ""

    def moment(path: str) -> datetime.datetime:
        value = datetime.datetime.fromisoformat(text(path))
        if value.tzinfo is None:
            raise ValueError(f"{path} has no offset")
        return value

    digest = root.find("u:SkrotDokumentu", namespaces={"u": NAMESPACE})
    if digest is None or digest.get("Algorytm") != "SHA-256":
        raise ValueError("SkrotDokumentu is missing or not SHA-256")
    return ReceiptFacts(
        receipt_id=text("u:IdentyfikatorPoswiadczenia"),
        addressee_name=text("u:Adresat/u:Nazwa"),
        addressee_terc=text("u:Adresat/u:IdentyfikatorPodmiotu"),
        sender_name=text("u:Nadawca/u:Nazwa"),
        sender_email=text("u:Nadawca/u:Email", required=False),
        received_at=moment("u:DataDoreczenia"),
        produced_at=moment("u:DataWytworzeniaPoswiadczenia"),
        document_id=text("u:IdentyfikatorDokumentu"),
        register_number=text("u:NumerWRejestrze", required=False),
        service_name=text("u:Usluga"),
        document_sha256=_sha256(digest.text or ""),
        attachments=tuple(
            (element.get("Nazwa", ""), _sha256(element.get("SkrotSHA256", "")))
            for element in root.iterfind("u:Zalaczniki/u:Zalacznik", namespaces={"u": NAMESPACE})
        ),
    )


def _document_status(facts: ReceiptFacts, name: str, content: bytes) -> str:
    # Names are compared in NFC: macOS hands files over in NFD, so "ż" would otherwise not equal "ż".
    name = unicodedata.normalize("NFC", name)
    digest = hashlib.sha256(content).hexdigest()
    if name == SUBMISSION_DOCUMENT_NAME:
        expected = {facts.document_sha256}
    else:
        expected = {
            sha256
            for attachment_name, sha256 in facts.attachments
            if unicodedata.normalize("NFC", attachment_name) == name
        }
    if not expected:
        return NOT_IN_RECEIPT
    # Two attachments may share a name (different fields); the file matches if it is either of them.
    return MATCH if digest in expected else DIFFERS
