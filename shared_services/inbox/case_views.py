"""The office's case page and the actions on a case. Thin: permissions and changes are in permissions.py and
case_services.py."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from shared_services.eforms.answers import submission_answers
from shared_services.identity.access import ROLE_ORDER, Area, area_required
from shared_services.identity.people import person_name
from shared_services.letters.letter import letter_draft
from shared_services.letters.models import LetterKind
from shared_services.letters.selectors import letter_templates, letterhead
from shared_services.staff.models import Department

from . import case_services
from .case_letters import case_letter_fields, case_letter_pdf
from .downloads import attachment_response, receipt_xml_response, submission_document_response
from .models import Case, CaseNote
from .permissions import allowed_actions, visible_cases
from .places_search import case_places_context
from .timeline import case_timeline

staff_required = area_required(Area.OFFICE)


class RegisterCaseForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=Department.objects.all())
    jrwa = forms.CharField(label=gettext_lazy("JRWA class"), max_length=6)
    archival_category = forms.CharField(
        label=gettext_lazy("Archival category"), max_length=4, help_text=gettext_lazy("A, Bn, BEn or Bc, e.g. B5.")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return person_name(user) or _("(no name)")


def staff_who_may_take(case: Case):
    """The unit's office staff who may take the case: the people of its department and those not yet placed in
    a department (staff join without one until an administrator places them); everybody when the case has no
    department yet."""
    staff = User.objects.filter(groups__name__in=ROLE_ORDER, staff_member__isnull=False)
    if case.department_id:
        staff = staff.filter(Q(staff_member__department=case.department_id) | Q(staff_member__department__isnull=True))
    return staff.distinct().order_by("first_name", "last_name", "email")


class AssignForm(forms.Form):
    assignee = PersonChoiceField(label=gettext_lazy("Clerk"), queryset=User.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_who_may_take(case)


class ForwardForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("To department"), queryset=Department.objects.all())


class WriteForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    attachment = forms.FileField(label=gettext_lazy("Attachment (optional)"), required=False)


# The letters each action may be drafted from: a request asks for documents; a reply answers, notifies or decides.
LETTER_KINDS = {
    CaseNote.Kind.REQUEST: (LetterKind.REQUEST,),
    CaseNote.Kind.REPLY: (LetterKind.NOTICE, LetterKind.REPLY, LetterKind.DECISION),
}


class LetterWriteForm(WriteForm):
    """A request or a reply: a message, or a letter drafted from a template ("Insert from the template"), edited,
    and sent as a PDF on the unit's letterhead. The note holds one attachment, so a letter is sent alone: the
    clerk's own file goes with a message, or in a second one."""

    template = forms.TypedChoiceField(
        label=gettext_lazy("Letter template"), required=False, coerce=int, empty_value=None
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject of the letter"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Only for a letter from a template; the template's subject if left empty."),
    )
    field_order = ["template", "subject", "text", "attachment"]

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {template.pk: template for template in templates}
        groups = {}
        for template in templates:
            groups.setdefault(template.get_kind_display(), []).append((template.pk, template.name))
        self.fields["template"].choices = [("", _("none: a message without a letter")), *groups.items()]

    def clean(self):
        cleaned = super().clean()
        cleaned["template"] = self.templates.get(cleaned.get("template"))  # the template itself, as sent
        if cleaned["template"] and cleaned.get("attachment"):
            self.add_error(
                "attachment",
                _(
                    "A letter from a template is sent as its PDF, alone. Send your own file in a separate "
                    "message, or choose no template."
                ),
            )
        return cleaned


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


# The order of the procedure, in which the page offers the actions, with each one's title and button.
ACTION_ORDER = ("register", "assign", "forward", "request", "reply", "note", "close")
ACTION_TEXTS = {
    "register": (gettext_lazy("Register the case"), gettext_lazy("Register")),
    "assign": (gettext_lazy("Assign to a clerk"), gettext_lazy("Assign")),
    "forward": (gettext_lazy("Forward to another department"), gettext_lazy("Forward to the department")),
    "request": (gettext_lazy("Request documents from the resident"), gettext_lazy("Request documents")),
    "reply": (gettext_lazy("Reply to the resident"), gettext_lazy("Reply")),
    "note": (gettext_lazy("Internal note"), gettext_lazy("Add the note")),
    "close": (gettext_lazy("Close with a resolution"), gettext_lazy("Close the case")),
}


@staff_required
def case_detail(request, pk):
    case = _visible_case(request, pk)
    actions = allowed_actions(request.user, case)
    return _case_page(request, case, actions, _action_forms(case, actions))


def _next_step(case, actions) -> str | None:
    """The action the procedure expects next, shown open; the others stay folded."""
    if case.status == "new":
        step = "register"
    elif case.status == "closed":
        step = None
    elif case.assignee_id is None:
        step = "assign"
    else:
        step = "reply"
    return step if step in actions else None


def _deadline_text(case) -> str:
    days = case.days_left()
    if days is None:
        return ""
    if case.deadline_paused:
        return ngettext(
            "paused while the office waits for the resident; %(days)d day left",
            "paused while the office waits for the resident; %(days)d days left",
            days,
        ) % {"days": days}
    if days < 0:
        return ngettext("overdue by %(days)d day", "overdue by %(days)d days", -days) % {"days": -days}
    if days == 0:
        return _("due today")
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}


def _case_page(request, case, actions, forms, status=200, open_action=None):
    """The case with its register entry and its life so far, and a form for each action this person may take,
    in the order of the procedure."""
    open_action = open_action or _next_step(case, actions)
    submission = case.register_entry.submission  # None for a case a paper letter opened
    attachments = list(submission.attachments.all()) if submission else []
    answers = (
        submission_answers(
            submission.form_version,
            submission.data,
            attachments=attachments,
            file_url=lambda attachment: reverse("clerk-case-attachment", args=[case.pk, attachment.pk]),
        )
        if submission
        else []
    )
    return render(
        request,
        "inbox/case_detail.html",
        {
            "case": case,
            "entry": case.register_entry,
            "submission": submission,
            "attachments": attachments,
            "answers": answers,
            "receipt": getattr(case.register_entry, "receipt", None),
            "timeline": case_timeline(case),
            "assignee_name": person_name(case.assignee),
            "deadline_text": _deadline_text(case),
            "overdue": case.overdue,
            **case_places_context(request.user, case),
            "actions": actions,
            "action_forms": [
                {
                    "name": action,
                    "form": forms[action],
                    "title": ACTION_TEXTS[action][0],
                    "button": ACTION_TEXTS[action][1],
                    "open": action == open_action,
                }
                for action in ACTION_ORDER
                if action in forms
            ],
        },
        status=status,
    )


def _visible_case(request, pk) -> Case:
    case = (
        visible_cases(request.user)
        .select_related(
            "register_entry__submission__standard_form_version",
            "register_entry__submission__unit_form_version",
            "register_entry__receipt",
            "department",
            "assignee",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404  # another unit's or another department's case does not exist for this person
    return case


def _letter_templates(actions) -> dict:
    """The active letter templates each of `actions` offers, read in one query."""
    offering = [action for action in LETTER_KINDS if action in actions]
    templates = list(letter_templates(active_only=True)) if offering else []
    return {
        action: [template for template in templates if template.kind in LETTER_KINDS[action]] for action in offering
    }


def _action_form(case, action, templates, data=None, files=None, initial=None):
    """The form of one action: blank, or bound to what was sent."""
    if action in LETTER_KINDS:
        return LetterWriteForm(data, files, prefix=action, initial=initial, templates=templates[action])
    makers = {
        "register": lambda: RegisterCaseForm(data, files, prefix=action, initial={"jrwa": case.jrwa}),
        "assign": lambda: AssignForm(data, files, case=case, prefix=action),
        "forward": lambda: ForwardForm(data, files, prefix=action),
        "note": lambda: WriteForm(data, files, prefix=action),
        "close": lambda: CloseForm(data, files, prefix=action),
    }
    return makers[action]()


def _action_forms(case, actions, bound=None) -> dict:
    bound = bound or {}
    templates = _letter_templates(actions)
    return {
        action: bound.get(action) or _action_form(case, action, templates)
        for action in ACTION_ORDER
        if action in actions
    }


@require_POST
@staff_required
def case_act(request, pk, action):
    """Carry out one action on a case; a refused or invalid one shows the case again with the reason."""
    case = _visible_case(request, pk)
    actions = allowed_actions(request.user, case)
    if action not in actions:
        raise PermissionDenied
    bound = _action_form(case, action, _letter_templates({action}), request.POST, request.FILES)
    if action in LETTER_KINDS and "draft" in request.POST:
        return _letter_drafted(request, case, actions, action, bound)
    if bound.is_valid():
        try:
            _carry_out(request.user, case, action, bound.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                bound.add_error(None, message)
        else:
            messages.success(request, _("Done."))
            return redirect("clerk-case", pk=case.pk)
    return _case_page(
        request, case, actions, _action_forms(case, actions, bound={action: bound}), status=400, open_action=action
    )


def _letter_drafted(request, case, actions, action, bound):
    """The button "Insert from the template": the chosen template filled with the case's fields, in the form for
    the clerk to edit before sending. With HTMX only the form's letter part is swapped; without, the page comes
    back with the action open."""
    bound.is_valid()
    template = bound.cleaned_data.get("template")
    if template is None:
        status = 400
        form = bound
        for name in [name for name in form.errors if name != "template"]:
            del form.errors[name]  # only the choice of template matters here: the letter is not being sent
        if "template" not in form.errors:
            form.add_error("template", _("Choose the template to insert the letter from."))
    else:
        status = 200
        subject, body = letter_draft(template, case_letter_fields(case, letterhead()))
        initial = {"template": template.pk, "subject": subject, "text": body}
        form = _action_form(case, action, {action: list(bound.templates.values())}, initial=initial)
        form.fields["text"].widget.attrs["autofocus"] = True  # the clerk goes on to edit the letter
    if request.headers.get("HX-Request"):
        response = render(
            request, "inbox/case/_letter_fields.html", {"case": case, "action": {"name": action, "form": form}}
        )
        response.status_code = status
    else:
        response = _case_page(
            request, case, actions, _action_forms(case, actions, bound={action: form}), status, open_action=action
        )
    patch_vary_headers(response, ["HX-Request"])  # the fragment and the page share one address
    return response


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
            user=user, case=case, kind=action, text=data["text"], attachment=_attachment(user, case, data)
        )
    elif action == "close":
        case_services.case_close(user=user, case=case, resolution=data["resolution"])


def _attachment(user, case, data):
    """The clerk's own file, or for a letter from a template the letter printed as PDF and signed by `user`."""
    template = data.get("template")
    if template is None:
        return data.get("attachment")
    head = letterhead()
    subject = data.get("subject") or letter_draft(template, case_letter_fields(case, head))[0]
    return case_letter_pdf(case, user=user, subject=subject, body=data["text"], head=head)


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


@staff_required
def case_note_attachment(request, pk, note_id):
    """A note's, request's or reply's attachment, for the office people who see the case."""
    case = _visible_case(request, pk)
    note = get_object_or_404(CaseNote.objects.exclude(attachment=""), case=case, pk=note_id)
    return FileResponse(note.attachment.open("rb"), as_attachment=True, filename=note.attachment.name.split("/")[-1])
