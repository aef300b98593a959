"""Official receipts (UPO) on the platform domain: verifying one, and the certificates that sign them.

No unit and no table is involved: a receipt carries its own facts and signature, and the platform's
certificates are files (signing_keys). The receipt's QR code leads here with `?id=<receipt id>`.
"""

import uuid

from cryptography.hazmat.primitives.serialization import Encoding
from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from platform_core.rate_limits import UPO_VERIFY, rate_limited

from . import signing_keys
from .upo import MAX_RECEIPT_BYTES, document_status_label, receipt_verify

MAX_DOCUMENTS = 20


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [clean_one(file, initial) for file in files]


class VerifyForm(forms.Form):
    receipt = forms.FileField(
        label=_("The receipt's XML file"),
        help_text=_("The signed XML file of the official receipt (UPO), as you received it."),
        widget=forms.FileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
    documents = MultipleFileField(
        label=_("Documents to check (optional)"),
        # The name is SUBMISSION_DOCUMENT_NAME, written out: a lazy text cannot be formatted at import time.
        help_text=_(
            "Your application as wniosek.json and its attachments, with the file names they had when "
            "you filed them. You will see whether each is the document the office received."
        ),
        required=False,
    )

    def clean_receipt(self):
        receipt = self.cleaned_data["receipt"]
        if receipt.size > MAX_RECEIPT_BYTES:
            raise forms.ValidationError(
                _("A receipt is never larger than %(size)s; this file is not one.")
                % {"size": filesizeformat(MAX_RECEIPT_BYTES)}
            )
        return receipt

    def clean_documents(self):
        documents = self.cleaned_data["documents"]
        if len(documents) > MAX_DOCUMENTS:
            raise forms.ValidationError(_("Choose at most %(count)d documents at a time.") % {"count": MAX_DOCUMENTS})
        return documents


@require_http_methods(["GET", "POST"])
@csrf_exempt  # the CSRF middleware would read the upload (up to MAX_REQUEST_MB) before the limit is checked…
@rate_limited(*UPO_VERIFY)
@csrf_protect  # …so the token is checked here, after it
def upo_verify(request):
    """Check an uploaded receipt and, optionally, documents against it. Nothing uploaded is stored. Each client
    address verifies a limited number of times per hour (each upload may be large)."""
    verification = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            verification = receipt_verify(
                form.cleaned_data["receipt"].read(),
                {document.name: document.read() for document in form.cleaned_data["documents"]},
            )
    else:
        form = VerifyForm()
    documents = (
        [(name, status, document_status_label(status)) for name, status in verification.documents]
        if verification
        else []
    )
    return render(
        request,
        "inbox/upo_verify.html",
        {
            "form": form,
            "verification": verification,
            "documents": documents,
            "receipt_id": _receipt_id(request.GET.get("id", "")),
        },
    )


def _receipt_id(value: str) -> str:
    # Shown back to the visitor only when it is a receipt id at all.
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return ""


@require_GET
def upo_certificates(request):
    """Every certificate the platform signs (or signed) receipts with, the current one marked."""
    current = signing_keys.current_key_id()
    certificates = [
        {
            "key_id": key_id,
            "current": key_id == current,
            "certificate": certificate,
            "subject": certificate.subject.rfc4514_string(),
            "key": signing_keys.key_label_of(certificate),
        }
        for key_id, certificate in sorted(
            signing_keys.trusted_certificates().items(), key=lambda item: item[1].not_valid_before_utc, reverse=True
        )
    ]
    return render(request, "inbox/upo_certificates.html", {"certificates": certificates})


@require_GET
def upo_certificate_pem(request, key_id: str):
    certificate = signing_keys.trusted_certificates().get(key_id)
    if certificate is None:
        raise Http404
    response = HttpResponse(certificate.public_bytes(Encoding.PEM), content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="{key_id}.pem"'
    return response
