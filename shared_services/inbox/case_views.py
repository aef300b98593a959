"""The office's case page and the actions on a case. Thin: permissions and changes are in permissions.py and
case_services.py."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared_services.identity.access import Area, area_required
from shared_services.staff.models import Department

from . import case_services
from .downloads import attachment_response, receipt_xml_response, submission_document_response
from .models import Case, CaseNote
from .permissions import allowed_actions, visible_cases

staff_required = area_required(Area.OFFICE)


class RegisterCaseForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=Department.objects.all())
    jrwa = forms.CharField(label=gettext_lazy("JRWA class"), max_length=6)
    archival_category = forms.CharField(
        label=gettext_lazy("Archival category"), max_length=4, help_text=gettext_lazy("A, Bn, BEn or Bc, e.g. B5.")
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=gettext_lazy("Clerk"), queryset=User.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            User.objects.filter(staff_member__department=case.department)
            if case.department_id
            else User.objects.filter(staff_member__isnull=False)
        )


class ForwardForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("To department"), queryset=Department.objects.all())


class WriteForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    attachment = forms.FileField(label=gettext_lazy("Attachment (optional)"), required=False)


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


@staff_required
def case_detail(request, pk):
    case = _visible_case(request, pk)
    actions = allowed_actions(request.user, case)
    return _case_page(request, case, actions, _action_forms(case, actions))


def _case_page(request, case, actions, forms, status=200):
    """The case with its register entry and notes, and a form for each action this person may take."""
    return render(
        request,
        "inbox/case_detail.html",
        {
            "case": case,
            "entry": case.register_entry,
            "submission": case.register_entry.submission,
            "receipt": case.register_entry.receipt,
            "notes": case.notes.select_related("author"),
            "actions": actions,
            "forms": forms,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _visible_case(request, pk) -> Case:
    case = (
        visible_cases(request.user)
        .select_related("register_entry__submission", "register_entry__receipt", "department", "assignee")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404  # another unit's or another department's case does not exist for this person
    return case


def _action_forms(case, actions, bound=None) -> dict:
    bound = bound or {}
    makers = {
        "register": lambda data: RegisterCaseForm(data, prefix="register", initial={"jrwa": case.jrwa}),
        "assign": lambda data: AssignForm(data, case=case, prefix="assign"),
        "forward": lambda data: ForwardForm(data, prefix="forward"),
        "note": lambda data: WriteForm(data, prefix="note"),
        "request": lambda data: WriteForm(data, prefix="request"),
        "reply": lambda data: WriteForm(data, prefix="reply"),
        "close": lambda data: CloseForm(data, prefix="close"),
    }
    return {action: bound.get(action) or makers[action](None) for action in sorted(actions)}


@require_POST
@staff_required
def case_act(request, pk, action):
    """Carry out one action on a case; a refused or invalid one shows the case again with the reason."""
    case = _visible_case(request, pk)
    actions = allowed_actions(request.user, case)
    if action not in actions:
        raise PermissionDenied
    form = _action_forms(case, {action})[action].__class__
    bound = (
        AssignForm(request.POST, request.FILES, case=case, prefix=action)
        if action == "assign"
        else form(request.POST, request.FILES, prefix=action)
    )
    if bound.is_valid():
        try:
            _carry_out(request.user, case, action, bound.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                bound.add_error(None, message)
        else:
            messages.success(request, _("Done."))
            return redirect("clerk-case", pk=case.pk)
    return _case_page(request, case, actions, _action_forms(case, actions, bound={action: bound}), status=400)


def _carry_out(user, case, action, data):
    if action == "register":
        case_services.case_register(
            user=user,
            case=case,
            department=data["department"],
            jrwa=data["jrwa"],
            archival_category=data["archival_category"],
        )
    elif action == "assign":
        case_services.case_assign(user=user, case=case, assignee=data["assignee"])
    elif action == "forward":
        case_services.case_forward(user=user, case=case, department=data["department"])
    elif action in (CaseNote.Kind.NOTE, CaseNote.Kind.REQUEST, CaseNote.Kind.REPLY):
        case_services.case_write(
            user=user, case=case, kind=action, text=data["text"], attachment=data.get("attachment")
        )
    elif action == "close":
        case_services.case_close(user=user, case=case, resolution=data["resolution"])


@staff_required
def case_document(request, pk, what):
    """The application as filed and its receipt, for the office."""
    case = _visible_case(request, pk)
    responses = {"upo.xml": receipt_xml_response, "wniosek.json": submission_document_response}
    if what not in responses:
        raise Http404
    return responses[what](case.register_entry)


@staff_required
def case_attachment(request, pk, attachment_id):
    case = _visible_case(request, pk)
    return attachment_response(get_object_or_404(case.register_entry.submission.attachments, pk=attachment_id))
