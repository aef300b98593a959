"""The documents of a register entry as downloads, the same for the resident, the office and the API:
the signed receipt exactly as issued, its PDF copy, the application as filed, an attachment. Whoever calls
these has already decided that the person may have the entry."""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from . import upo


def _attachment_named(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _receipt(entry):
    """The entry's receipt; a letter that came on paper or by e-mail has none."""
    if not hasattr(entry, "receipt"):
        raise Http404(_("A letter received on paper or by e-mail has no electronic receipt."))
    return entry.receipt


def receipt_xml_response(entry) -> HttpResponse:
    return _attachment_named(
        bytes(_receipt(entry).signed_xml), "application/xml", f"UPO-{entry.year}-{entry.number}.xml"
    )


def submission_document_response(entry) -> HttpResponse:
    return _attachment_named(bytes(_receipt(entry).document_json), "application/json", upo.SUBMISSION_DOCUMENT_NAME)


def receipt_pdf_response(entry) -> FileResponse:
    if not _receipt(entry).pdf:
        raise Http404(_("The PDF copy is still being prepared; the XML receipt is available now."))
    return FileResponse(
        entry.receipt.pdf.open("rb"),
        as_attachment=True,
        filename=f"UPO-{entry.year}-{entry.number}.pdf",
        content_type="application/pdf",
    )


def attachment_response(attachment) -> FileResponse:
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.media_type,
    )
