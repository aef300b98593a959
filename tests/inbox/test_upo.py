"""Official receipts (UPO): signing, verifying, key rotation, hostile input, the PDF, the command and the
public verification pages. Every test has its own UPO_KEYS_DIR, so the developer's keys are never touched."""

import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import unicodedata
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from lxml import etree

from shared_services.inbox import signing_keys
from shared_services.inbox.receipt_pdf import receipt_pdf
from shared_services.inbox.upo import (
    DIFFERS,
    MATCH,
    NOT_IN_RECEIPT,
    SUBMISSION_DOCUMENT_NAME,
    ReceiptFacts,
    receipt_sign,
    receipt_verify,
    receipt_xml,
    signing_key_id,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APPLICATION = b'{"dane":{"tresc":"Prosz\xc4\x99 o informacj\xc4\x99"}}'
SCAN = b"%PDF-1.4 scan of the signed application"
SCAN_NAME = "skan wniosku żółty.pdf"
DS = {"ds": "http://www.w3.org/2000/09/xmldsig#", "xades": "http://uri.etsi.org/01903/v1.3.2#"}


# Verification problems are for people, in the active language; tests of the library read the English msgids.
in_english = pytest.mark.usefixtures("english")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture(scope="session")
def prepared_keys(tmp_path_factory):
    """One key made once per session and copied into each test's own folder."""
    folder = tmp_path_factory.mktemp("upo-keys-prepared")
    with override_settings(UPO_KEYS_DIR=folder):
        signing_keys.key_rotate()
    return folder


@pytest.fixture(autouse=True)
def keys_dir(settings, tmp_path, prepared_keys):
    folder = tmp_path / "upo-keys"
    shutil.copytree(prepared_keys, folder)
    settings.UPO_KEYS_DIR = folder
    return folder


def facts(**changes) -> ReceiptFacts:
    now = timezone.now()
    return replace(
        ReceiptFacts(
            receipt_id=str(uuid.uuid4()),
            addressee_name="Miasto Toruń",
            addressee_terc="0463011",
            sender_name="Anna Żółkiewska",
            sender_email="anna@example.pl",
            received_at=now - timedelta(seconds=3),
            produced_at=now,
            document_id=str(uuid.uuid4()),
            service_name="Pismo ogólne do urzędu",
            document_sha256=sha256(APPLICATION),
            attachments=((SCAN_NAME, sha256(SCAN)),),
        ),
        **changes,
    )


def signed(receipt_facts: ReceiptFacts | None = None) -> bytes:
    return receipt_sign(receipt_xml(receipt_facts or facts()))


# --- Signing and verifying ------------------------------------------------------------------------


def test_a_signed_receipt_is_valid_and_gives_back_its_facts():
    issued = facts()
    verification = receipt_verify(signed(issued))
    assert verification.valid, verification.problem
    assert verification.problem == ""
    assert verification.facts == issued
    assert verification.key_id == signing_keys.current_key_id()
    assert b"NumerWRejestrze" not in signed(issued)  # the register number is taken after signing


def test_a_receipt_of_an_earlier_version_naming_its_register_number_stays_valid():
    issued = facts(register_number="15/2026")
    document = signed(issued)
    assert b"<NumerWRejestrze>15/2026</NumerWRejestrze>" in document
    verification = receipt_verify(document)
    assert verification.valid, verification.problem
    assert verification.facts == issued


@pytest.mark.parametrize(
    "changes",
    [
        {"received_at": timezone.now().replace(tzinfo=None)},
        {"document_sha256": "ABC"},
        {"attachments": (("skan.pdf", sha256(SCAN).upper()),)},
    ],
)
def test_a_receipt_is_never_made_from_facts_that_could_not_be_read_back(changes):
    with pytest.raises(ValueError):
        receipt_xml(facts(**changes))


def test_the_signature_is_an_enveloped_xades_bes_naming_its_key_and_carrying_its_certificate():
    document = signed()
    root = etree.fromstring(document)
    signature = root.find("ds:Signature", DS)
    assert signature is not None  # enveloped: the receipt's own child
    assert signature.find("ds:SignedInfo/ds:SignatureMethod", DS).get("Algorithm").endswith("ecdsa-sha256")
    key_id = signing_keys.current_key_id()
    assert signature.findtext("ds:KeyInfo/ds:KeyName", namespaces=DS) == key_id
    assert signature.findtext("ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces=DS)
    properties = signature.find("ds:Object/xades:QualifyingProperties/xades:SignedProperties", DS)
    assert properties.find("xades:SignedSignatureProperties/xades:SigningTime", DS) is not None
    assert properties.find("xades:SignedSignatureProperties/xades:SigningCertificateV2", DS) is not None
    assert signing_key_id(document) == key_id


def _iso(moment) -> bytes:
    return moment.isoformat().encode()


TAMPERINGS = {
    "document identifier": lambda document, issued: document.replace(
        issued.document_id.encode(), str(uuid.uuid4()).encode()
    ),
    "date of receipt": lambda document, issued: document.replace(
        _iso(issued.received_at), _iso(issued.received_at - timedelta(days=1))
    ),
    "hash of the application": lambda document, issued: document.replace(
        issued.document_sha256.encode(), sha256(b"another application").encode()
    ),
    "hash of an attachment": lambda document, issued: document.replace(
        sha256(SCAN).encode(), sha256(b"another scan").encode()
    ),
    "attachment removed": lambda document, issued: re.sub(rb"<Zalacznik [^>]*/>", b"", document),
    "sender": lambda document, issued: document.replace("Anna Żółkiewska".encode(), b"Jan Kowalski"),
}


@in_english
@pytest.mark.parametrize("change", TAMPERINGS)
def test_a_receipt_changed_after_signing_is_invalid(change):
    issued = facts()
    document = signed(issued)
    tampered = TAMPERINGS[change](document, issued)
    assert tampered != document
    verification = receipt_verify(tampered)
    assert not verification.valid
    assert "signature does not match" in verification.problem
    assert verification.facts is None


def test_documents_are_compared_with_the_hashes_in_the_receipt():
    verification = receipt_verify(
        signed(),
        {
            SUBMISSION_DOCUMENT_NAME: APPLICATION,
            # macOS hands file names over decomposed (NFD); they still name the same attachment
            unicodedata.normalize("NFD", SCAN_NAME): SCAN,
            "zdjecie.jpg": b"a file the receipt does not name",
        },
    )
    assert verification.valid
    assert verification.documents == [
        (SUBMISSION_DOCUMENT_NAME, MATCH),
        (unicodedata.normalize("NFD", SCAN_NAME), MATCH),
        ("zdjecie.jpg", NOT_IN_RECEIPT),
    ]
    assert verification.all_documents_match is False


def test_a_changed_document_differs():
    verification = receipt_verify(signed(), {SUBMISSION_DOCUMENT_NAME: APPLICATION + b" ", SCAN_NAME: b"other"})
    assert verification.documents == [(SUBMISSION_DOCUMENT_NAME, DIFFERS), (SCAN_NAME, DIFFERS)]


def test_two_attachments_of_the_same_name_match_either_content():
    receipt = signed(facts(attachments=(("zdjecie.jpg", sha256(b"front")), ("zdjecie.jpg", sha256(b"back")))))
    assert receipt_verify(receipt, {"zdjecie.jpg": b"back"}).documents == [("zdjecie.jpg", MATCH)]


# --- Keys -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("new_type", sorted(signing_keys.KEY_TYPES))
def test_receipts_of_a_retired_key_stay_valid_after_rotation(new_type):
    first_key = signing_keys.current_key_id()
    first = signed()
    second_key = signing_keys.key_rotate(key_type=new_type)
    second = signed()
    assert second_key != first_key
    assert signing_keys.current_key_id() == second_key
    assert set(signing_keys.trusted_certificates()) == {first_key, second_key}
    assert signing_keys.key_type_of(signing_keys.trusted_certificates()[second_key]) == new_type
    assert (receipt_verify(first).valid, receipt_verify(first).key_id) == (True, first_key)
    assert (receipt_verify(second).valid, receipt_verify(second).key_id) == (True, second_key)


@in_english
def test_a_receipt_signed_by_a_key_the_platform_never_had_is_refused(settings, keys_dir, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "someone-elses-keys"
    forged = signed()  # a perfectly good signature, with its certificate embedded
    foreign_key = signing_keys.current_key_id()
    assert receipt_verify(forged).valid  # by its own certificate's folder it would pass
    settings.UPO_KEYS_DIR = keys_dir

    verification = receipt_verify(forged)
    assert not verification.valid
    assert "never used" in verification.problem
    assert verification.key_id == foreign_key

    # Claiming one of the platform's key ids does not help: the signature is checked against that key.
    claimed = forged.replace(foreign_key.encode(), signing_keys.current_key_id().encode())
    verification = receipt_verify(claimed)
    assert not verification.valid
    assert "signature does not match" in verification.problem


def test_the_private_key_is_readable_by_its_owner_only(keys_dir):
    key_id = signing_keys.key_rotate()
    assert stat.S_IMODE((keys_dir / f"{key_id}.key.pem").stat().st_mode) == 0o600
    assert (keys_dir / "current").read_text().strip() == key_id


def test_development_creates_the_first_key_and_production_refuses_to(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "empty"
    settings.IS_PRODUCTION = True
    with pytest.raises(signing_keys.SigningKeyMissing, match="upo_key_rotate"):
        signed()
    settings.IS_PRODUCTION = False
    assert receipt_verify(signed()).valid
    assert signing_keys.current_key_id() in signing_keys.trusted_certificates()


# --- Hostile and broken input ---------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE UPO [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + level]), (b"&%s;" % bytes([97 + level])) * 10) for level in range(9))
    + b']><UPO xmlns="urn:ratusz:upo:1">&j;</UPO>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE UPO [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<UPO xmlns="urn:ratusz:upo:1">&x;</UPO>'
)


@in_english
@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "not a well-formed XML"),
        (b"<UPO xmlns='urn:ratusz:upo:1'><Adresat>", "not a well-formed XML"),
        ("Żółć".encode("utf-16"), "not a well-formed XML"),
        (b"<faktura/>", "not an official receipt"),
        (b"<UPO xmlns='urn:ratusz:upo:1'/>", "not signed"),
        (BILLION_LAUGHS, "document type"),
        (EXTERNAL_ENTITY, "document type"),
        (b"<a>" + b"x" * (5 * 1024 * 1024) + b"</a>", "too large"),
    ],
)
def test_broken_or_hostile_input_is_refused_quickly_without_an_exception(content, problem):
    started = time.monotonic()
    verification = receipt_verify(content)
    assert time.monotonic() - started < 1
    assert not verification.valid
    assert problem in verification.problem
    assert verification.facts is None


@in_english
def test_an_unsigned_copy_of_a_real_receipt_is_refused():
    assert "not signed" in receipt_verify(receipt_xml(facts())).problem


@in_english
def test_a_receipt_with_its_signature_mangled_is_refused():
    document = signed()
    start = document.index(b"<ds:SignatureValue>") + len(b"<ds:SignatureValue>")
    mangled = document[:start] + b"!!not base64!!" + document[start:]
    verification = receipt_verify(mangled)
    assert not verification.valid
    assert "signature" in verification.problem


# --- PDF ------------------------------------------------------------------------------------------


def test_the_pdf_is_a_deterministic_a4_document_naming_the_register_number_and_the_verification_link():
    issued = facts()
    url = f"https://localhost/upo/weryfikacja/?id={issued.receipt_id}"
    pdf = receipt_pdf(issued, url, register_number="1234/2026")
    assert pdf.startswith(b"%PDF-")
    assert b"1234/2026" in pdf  # in the document's title (page text is subset-font glyph codes)
    assert url.encode() in pdf  # the clickable link beside the QR code
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4
    assert pdf == receipt_pdf(issued, url, register_number="1234/2026")


def test_the_pdf_prints_what_residents_typed_as_text_not_markup():
    pdf = receipt_pdf(
        facts(sender_name="<b>Anna</b> & <font size=99>Syn</font>"), "https://localhost/upo/", register_number="1/2026"
    )
    assert pdf.startswith(b"%PDF-")


# --- The verify_upo command -----------------------------------------------------------------------


def write(folder: Path, name: str, content: bytes) -> str:
    path = folder / name
    path.write_bytes(content)
    return str(path)


def test_verify_upo_prints_the_facts_of_a_valid_receipt(tmp_path, capsys):
    issued = facts(register_number="15/2026")  # as receipts of earlier versions name it
    receipt = write(tmp_path, "upo.xml", signed(issued))
    call_command(
        "verify_upo", receipt, write(tmp_path, SUBMISSION_DOCUMENT_NAME, APPLICATION), write(tmp_path, SCAN_NAME, SCAN)
    )
    output = capsys.readouterr().out
    for fact in (
        signing_keys.current_key_id(),
        "Miasto Toruń",
        "0463011",
        "15/2026",
        issued.document_id,
        issued.received_at.astimezone(timezone.get_current_timezone()).isoformat(timespec="seconds"),
    ):
        assert fact in output
    assert f"{SUBMISSION_DOCUMENT_NAME}: " in output


def test_verify_upo_fails_on_an_invalid_receipt_or_a_document_that_differs(tmp_path):
    receipt = write(tmp_path, "upo.xml", signed())
    with pytest.raises(CommandError):
        call_command(
            "verify_upo",
            write(
                tmp_path, "changed.xml", Path(receipt).read_bytes().replace("Miasto Toruń".encode(), b"Gmina Lubicz")
            ),
        )
    with pytest.raises(CommandError):
        call_command("verify_upo", receipt, write(tmp_path, SUBMISSION_DOCUMENT_NAME, b"{}"))
    with pytest.raises(CommandError):
        call_command("verify_upo", str(tmp_path / "missing.xml"))


def test_verify_upo_exit_codes(tmp_path, keys_dir):
    receipt = write(tmp_path, "upo.xml", signed())
    document = write(tmp_path, SUBMISSION_DOCUMENT_NAME, APPLICATION)
    # The settings manage.py uses, which read UPO_KEYS_DIR from the environment (the test settings do not).
    # The command needs no database: an address never dialled keeps the embedded server out of it.
    env = {
        **os.environ,
        "UPO_KEYS_DIR": str(keys_dir),
        "DJANGO_SETTINGS_MODULE": "platform_core.settings",
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none",
    }

    def run(*arguments):
        return subprocess.run(
            [sys.executable, "manage.py", "verify_upo", *arguments],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    valid = run(receipt, document)
    assert valid.returncode == 0, valid.stderr
    assert run(receipt, write(tmp_path, "inny.json", b"x")).returncode == 1
    assert run(write(tmp_path, "bad.xml", b"<UPO")).returncode == 1


# --- Public pages (platform domain) ---------------------------------------------------------------

PLATFORM = "localhost"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.django_db
def test_the_verification_page_shows_a_valid_receipt_and_its_documents_in_polish(client):
    issued = facts()
    page = client.get(f"/upo/weryfikacja/?id={issued.receipt_id}", HTTP_HOST=PLATFORM)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("<h1") == 1
    assert issued.receipt_id in text  # the hint for a visitor coming from the QR code

    response = client.post(
        "/upo/weryfikacja/",
        {
            "receipt": upload("upo.xml", signed(issued)),
            "documents": [upload(SUBMISSION_DOCUMENT_NAME, APPLICATION), upload(SCAN_NAME, b"changed")],
        },
        HTTP_HOST=PLATFORM,
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Poświadczenie jest ważne." in text
    assert issued.document_id in text and "Miasto Toruń" in text and "0463011" in text
    assert "ten sam dokument co w poświadczeniu" in text
    assert "INNY niż dokument w poświadczeniu" in text


@pytest.mark.django_db
def test_the_verification_page_says_why_a_receipt_is_not_valid(client):
    tampered = signed().replace("Anna Żółkiewska".encode(), b"Jan Kowalski")
    text = client.post(
        "/upo/weryfikacja/", {"receipt": upload("upo.xml", tampered)}, HTTP_HOST=PLATFORM
    ).content.decode()
    assert "Poświadczenie NIE jest ważne." in text
    assert "Podpis nie zgadza się z treścią poświadczenia" in text
    assert "Miasto Toruń" not in text  # nothing of an untrusted receipt is shown as if it were true


@pytest.mark.django_db
def test_the_verification_page_requires_a_receipt_file(client):
    response = client.post("/upo/weryfikacja/", {}, HTTP_HOST=PLATFORM)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()


@pytest.mark.django_db
def test_the_certificates_page_lists_every_trusted_key_and_marks_the_current_one(client, keys_dir):
    retired = signing_keys.current_key_id()
    current = signing_keys.key_rotate(key_type="rsa-3072")
    text = client.get("/upo/certyfikaty/", HTTP_HOST=PLATFORM).content.decode()
    assert retired in text and current in text
    assert "ECDSA P-256" in text and "RSA 3072" in text  # the kind of each key
    assert text.count("<h1") == 1
    assert "bieżący" in text and "wycofany" in text

    pem = client.get(f"/upo/certyfikaty/{current}.pem", HTTP_HOST=PLATFORM)
    assert pem.status_code == 200
    assert pem.content.startswith(b"-----BEGIN CERTIFICATE-----")
    assert pem.content == (keys_dir / f"{current}.cert.pem").read_bytes()
    assert client.get(f"/upo/certyfikaty/{'0' * 64}.pem", HTTP_HOST=PLATFORM).status_code == 404
