"""The office's side of correspondence that is not an application: registering a letter that came on paper or by
e-mail, and the files of answers and letters on a case. Thin: correspondence.py does the work."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shared_services.identity.access import Area, area_required

from .correspondence import AlreadyReceived, letter_register
from .correspondence_forms import LetterForm
from .downloads import attachment_response
from .models import EntryFile
from .permissions import may_open_cases, visible_cases
from .selectors import case_by_reference

staff_required = area_required(Area.OFFICE)


@require_http_methods(["GET", "POST"])
@staff_required
def letter_new(request):
    """Register a letter: into the case it belongs to, or (administrators and department heads) as a new case."""
    opens_cases = may_open_cases(request.user)
    form = LetterForm(request.POST or None, request.FILES or None, case_required=not opens_cases)
    if request.method == "POST":
        case = None
        if form.is_valid() and form.cleaned_data["case_reference"]:
            case = case_by_reference(request.user, form.cleaned_data["case_reference"])
            if case is None:
                form.add_error(
                    "case_reference", _("None of the cases you may see has this case sign or register number.")
                )
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = letter_register(
                    user=request.user,
                    channel=data["channel"],
                    received_on=data["received_on"],
                    sender_name=data["sender_name"],
                    sender_address=data["sender_address"],
                    sender_email=data["sender_email"],
                    subject=data["subject"],
                    text=data["text"],
                    scan=data["scan"][0] if data["scan"] else None,
                    case=case,
                    deadline=data.get("deadline"),
                    document_id=data["document_id"],
                )
            except AlreadyReceived as received:
                entry = received.entry
                messages.info(request, _("This letter had already been registered under number %s.") % entry.label)
            else:
                messages.success(request, _("The letter is registered under number %s.") % entry.label)
            return redirect("clerk-case", pk=entry.for_case_id or entry.case.pk)
    return render(
        request,
        "inbox/letter_new.html",
        {"form": form, "opens_cases": opens_cases},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_required
def case_entry_file(request, pk, file_id):
    """A file of a letter or an answer on a case, for the office people who see the case."""
    case = visible_cases(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404
    entry_file = EntryFile.objects.filter(
        Q(entry__for_case=case) | Q(entry_id=case.register_entry_id), pk=file_id
    ).first()
    if entry_file is None:
        raise Http404
    return attachment_response(entry_file)
