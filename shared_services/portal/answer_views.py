"""The resident answers the office's request for documents: the form (also on the case page, portal/_answer.html),
the answer's confirmation with its receipt (UPO), and the answer's files. Whoever may see the case may answer it:
the browser that filed the application, its signed-in author, or the browser that opened it with its access code
(views.followed_case_get); the work is done by inbox.correspondence."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shared_services.inbox.correspondence import AlreadyReceived, NotAwaitingAnswer, answer_receive
from shared_services.inbox.correspondence_forms import AnswerForm
from shared_services.inbox.downloads import attachment_response, receipt_pdf_response, receipt_xml_response
from shared_services.inbox.models import CaseNote, CaseStatus, EntryKind
from shared_services.inbox.selectors import resident_messages

from .views import followed_case_get


@require_http_methods(["GET", "POST"])
def case_answer(request, reference):
    """The answer form; sent, the answer is registered with its receipt and the resident sees its confirmation."""
    case = followed_case_get(request, reference)
    form = AnswerForm(request.POST or None, request.FILES or None)
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            entry = answer_receive(
                case=case,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                document_id=form.cleaned_data["document_id"],
                actor=request.user.get_username() if request.user.is_authenticated else "resident",
            )
        except AlreadyReceived as received:
            # The same form sent again (a lost answer, a double click): the answer registered first stands.
            messages.info(request, _("This answer had already been received; here is its confirmation."))
            entry = received.entry
        except NotAwaitingAnswer:
            form.add_error(None, _("The office is not waiting for documents in this case any more."))
            case.refresh_from_db(fields=["status"])
            status = 409
        if not form.errors:
            return redirect("answer-confirmation", reference=reference, document_id=entry.document_id)
    return render(
        request,
        "portal/answer.html",
        {"case": case, "entry": case.register_entry, "reference": reference, "form": form, **_asked(case)},
        status=status,
    )


def _asked(case) -> dict:
    """What the office asked for most recently, and whether it still waits for the answer."""
    return {
        "asked": resident_messages(case).filter(kind=CaseNote.Kind.REQUEST).last(),
        "awaiting": case.status == CaseStatus.AWAITING_RESIDENT,
    }


def _answer_of(request, reference, document_id):
    case = followed_case_get(request, reference)
    return case, get_object_or_404(
        case.further_entries.select_related("receipt"), kind=EntryKind.ANSWER, document_id=document_id
    )


def answer_confirmation(request, reference, document_id):
    case, entry = _answer_of(request, reference, document_id)
    return render(
        request,
        "portal/answer_confirmation.html",
        {"case": case, "answer": entry, "reference": reference, "files": list(entry.files.all())},
    )


def answer_receipt(request, reference, document_id, what):
    """The answer's receipt as signed XML (the proof), or its PDF copy once rendered."""
    _case, entry = _answer_of(request, reference, document_id)
    return {"xml": receipt_xml_response, "pdf": receipt_pdf_response}[what](entry)


def answer_file(request, reference, document_id, file_id):
    _case, entry = _answer_of(request, reference, document_id)
    return attachment_response(get_object_or_404(entry.files, pk=file_id))
