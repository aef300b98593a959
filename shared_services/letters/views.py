"""The office's letter templates at /urzad/szablony-pism/: every member of staff reads them and their preview;
the unit administrator creates, edits, switches off and on (services.py). Why only the administrator: the
letters speak for the unit's organ (Wójt, Starosta, …) in every department, so one person answers for their
wording; heads and clerks adapt each letter on its case before sending it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_services.identity.access import Area, StaffRole, area_required, no_access, office_role

from .fields import FIELDS, fields_check
from .letter import Letter, letter_draft
from .models import LetterTemplate
from .pdf import letter_pdf
from .selectors import SAMPLE_CASE_FIELDS, letter_templates, letterhead, sample_letter_fields, signatory_of
from .services import EDITABLE, letter_template_create, letter_template_set_active, letter_template_update


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = EDITABLE
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}

    def clean_subject(self):
        return self._fields_checked("subject")

    def clean_body(self):
        return self._fields_checked("body")

    def _fields_checked(self, name):
        fields_check(self.cleaned_data[name])
        return self.cleaned_data[name]


def _sample_preview(template) -> dict:
    subject, body = letter_draft(template, sample_letter_fields(letterhead()))
    return {"subject": subject, "body": body}


def _page(request, form, template=None, preview=None, status=200):
    return render(
        request,
        "letters/template_edit.html",
        {"form": form, "template": template, "preview": preview, "fields": FIELDS.items()},
        status=status,
    )


@area_required(Area.OFFICE)
def template_list(request):
    return render(
        request,
        "letters/templates.html",
        {"templates": letter_templates(), "administrator": office_role(request.user) == StaffRole.UNIT_ADMIN},
    )


@area_required(Area.OFFICE_ADMIN)
def template_new(request):
    return _edit(request, None)


@area_required(Area.OFFICE)
def template_detail(request, pk):
    """The template with its preview; the administrator's copy of the page is its form."""
    template = get_object_or_404(LetterTemplate, pk=pk)
    if office_role(request.user) != StaffRole.UNIT_ADMIN:
        if request.method == "POST":
            return no_access(request, Area.OFFICE_ADMIN)
        return render(
            request,
            "letters/template_detail.html",
            {"template": template, "preview": _sample_preview(template), "fields": FIELDS.items()},
        )
    return _edit(request, template)


def _edit(request, template):
    """Save, or (the "preview" button) show the unsaved text filled with the sample case."""
    if request.method != "POST":
        form = LetterTemplateForm(instance=template)
        return _page(request, form, template, _sample_preview(template) if template else None)
    form = LetterTemplateForm(request.POST, instance=template)
    if not form.is_valid():
        return _page(request, form, template, status=400)
    if "preview" in request.POST:
        return _page(request, form, template, _sample_preview(LetterTemplate(**form.cleaned_data)))
    actor = request.user.get_username()
    try:
        if template is None:
            template = letter_template_create(actor=actor, **form.cleaned_data)
        else:
            template = letter_template_update(actor=actor, template=template, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, form, template, status=400)
    messages.success(request, _("The template “%(name)s” is saved.") % {"name": template.name})
    return redirect("clerk-letter-templates")


@require_POST
@area_required(Area.OFFICE_ADMIN)
def template_set_active(request, pk):
    template = get_object_or_404(LetterTemplate, pk=pk)
    active = request.POST.get("active") == "1"
    letter_template_set_active(actor=request.user.get_username(), template=template, active=active)
    message = _("“%(name)s” is offered on cases again.") if active else _("“%(name)s” is no longer offered on cases.")
    messages.success(request, message % {"name": template.name})
    return redirect("clerk-letter-templates")


@area_required(Area.OFFICE)
def template_preview_pdf(request, pk):
    """The template printed as a letter to the sample case, on the unit's letterhead, signed by the reader."""
    template = get_object_or_404(LetterTemplate, pk=pk)
    head = letterhead()
    subject, body = letter_draft(template, sample_letter_fields(head))
    letter = Letter(
        letterhead=head,
        date=timezone.localdate(),
        sign=SAMPLE_CASE_FIELDS["znak_sprawy"],
        addressee=(SAMPLE_CASE_FIELDS["wnioskodawca"], *SAMPLE_CASE_FIELDS["adres_wnioskodawcy"].split(", ")),
        subject=subject,
        body=body,
        signatory=signatory_of(request.user),
    )
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="podglad-szablonu-{template.pk}.pdf"'
    return response
