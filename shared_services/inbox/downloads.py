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


def receipt_xml_response(entry) -> HttpResponse:
    return _attachment_named(bytes(entry.receipt.signed_xml), "application/xml", f"UPO-{entry.year}-{entry.number}.xml")


def submission_document_response(entry) -> HttpResponse:
    return _attachment_named(bytes(entry.receipt.document_json), "application/json", upo.SUBMISSION_DOCUMENT_NAME)


def receipt_pdf_response(entry) -> FileResponse:
    if not entry.receipt.pdf:
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
