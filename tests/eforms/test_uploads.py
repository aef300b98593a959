"""Attachments are judged by their content: size first, then the type found in the first bytes."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from shared_services.eforms.uploads import check_attachment
from tests.support.validation import english_message, refusal

MB = 1024 * 1024
PDF_ONLY = ["application/pdf"]
DOCUMENTS_AND_SCANS = ["application/pdf", "image/jpeg", "image/png"]

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n"
    b"\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xd9"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def _upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    # The browser's content type is what the sender claims; it is set to PDF on purpose throughout.
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "name, content, media_type",
    [
        ("wniosek.pdf", PDF, "application/pdf"),
        ("skan.png", PNG, "image/png"),
        ("zdjecie.jpg", JPEG, "image/jpeg"),
    ],
)
def test_accepted_attachment_returns_the_detected_type(name, content, media_type):
    upload = _upload(name, content)
    assert check_attachment(upload, max_bytes=MB, media_types=DOCUMENTS_AND_SCANS) == media_type


def test_the_content_decides_not_the_name():
    assert check_attachment(_upload("skan.jpg", PDF), max_bytes=MB, media_types=PDF_ONLY) == "application/pdf"
    assert check_attachment(_upload("bez_rozszerzenia", JPEG), max_bytes=MB, media_types=["image/jpeg"]) == (
        "image/jpeg"
    )


def test_the_file_is_at_its_start_after_the_check():
    upload = _upload("wniosek.pdf", PDF)
    upload.read(5)  # something read it before
    check_attachment(upload, max_bytes=MB, media_types=PDF_ONLY)
    assert upload.tell() == 0
    assert upload.read() == PDF


def test_the_file_is_at_its_start_after_a_rejection():
    upload = _upload("wniosek.pdf", PNG)
    refusal(check_attachment, upload, max_bytes=MB, media_types=PDF_ONLY)
    assert upload.tell() == 0


def test_empty_file_rejected():
    error = refusal(check_attachment, _upload("wniosek.pdf", b""), max_bytes=MB, media_types=PDF_ONLY)
    assert error.code == "attachment_empty"
    assert english_message(error) == "The file is empty."


def test_oversized_file_rejected_with_its_size_and_the_limit():
    content = PDF + b"\x00" * (int(12.3 * MB) - len(PDF))
    error = refusal(check_attachment, _upload("wniosek.pdf", content), max_bytes=10 * MB, media_types=PDF_ONLY)
    assert error.code == "attachment_size"
    assert english_message(error) == "The file is 12.3 MB; the limit is 10 MB."


def test_a_file_just_over_the_limit_does_not_read_as_equal_to_it():
    content = PDF + b"\x00" * (10 * MB + 1 - len(PDF))
    error = refusal(check_attachment, _upload("wniosek.pdf", content), max_bytes=10 * MB, media_types=PDF_ONLY)
    assert english_message(error) == "The file is 10.1 MB; the limit is 10 MB."


def test_a_file_of_exactly_the_limit_is_accepted():
    content = PDF + b"\x00" * (2 * MB - len(PDF))
    assert check_attachment(_upload("wniosek.pdf", content), max_bytes=2 * MB, media_types=PDF_ONLY)


def test_sizes_use_the_decimal_comma_in_polish():
    content = PDF + b"\x00" * (int(12.3 * MB) - len(PDF))
    error = refusal(check_attachment, _upload("wniosek.pdf", content), max_bytes=10 * MB, media_types=PDF_ONLY)
    with translation.override("pl"):
        message = " ".join(error.messages)
    assert "12,3 MB" in message
    assert "12.3" not in message


@pytest.mark.parametrize(
    "content, detected",
    [(WINDOWS_PROGRAM, "Windows program (EXE)"), (LINUX_PROGRAM, "program (ELF)")],
)
def test_program_named_pdf_rejected(content, detected):
    error = refusal(check_attachment, _upload("wniosek.pdf", content), max_bytes=MB, media_types=DOCUMENTS_AND_SCANS)
    assert error.code == "attachment_type"
    assert english_message(error) == (f"The content of this file is {detected}; accepted here: PDF, JPEG, PNG.")


def test_png_named_pdf_rejected_where_only_pdf_is_accepted():
    error = refusal(check_attachment, _upload("wniosek.pdf", PNG), max_bytes=MB, media_types=PDF_ONLY)
    assert error.code == "attachment_type"
    assert english_message(error) == "The content of this file is PNG; accepted here: PDF."


def test_zip_named_pdf_rejected():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("wniosek.pdf", PDF)
    error = refusal(check_attachment, _upload("wniosek.pdf", archive.getvalue()), max_bytes=MB, media_types=PDF_ONLY)
    assert error.code == "attachment_type"
    assert "ZIP archive" in english_message(error)


def test_unrecognised_content_rejected():
    letter = _upload("wniosek.pdf", "Szanowni Państwo,\nproszę o ...".encode())
    error = refusal(check_attachment, letter, max_bytes=MB, media_types=PDF_ONLY)
    assert error.code == "attachment_type"
    assert english_message(error) == "The content of this file was not recognised; accepted here: PDF."


def test_media_types_without_a_label_are_named_as_they_are():
    error = refusal(
        check_attachment, _upload("skan.pdf", PNG), max_bytes=MB, media_types=["application/pdf", "image/avif"]
    )
    assert "PDF, image/avif" in english_message(error)


def test_sizes_follow_the_language_the_message_is_shown_in_not_the_one_it_was_raised_in():
    content = PDF + b"\x00" * (int(12.3 * MB) - len(PDF))
    with translation.override("pl"):
        error = refusal(check_attachment, _upload("wniosek.pdf", content), max_bytes=10 * MB, media_types=PDF_ONLY)
    assert english_message(error) == "The file is 12.3 MB; the limit is 10 MB."
