import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from shared_services.identity.access import Area, area_required

from .definition import definition_check
from .models import Submission, UnitForm
from .services import unit_form_save


@area_required(Area.OFFICE_ADMIN)
def submissions_list(request):
    """Applications residents filed, newest first, until the inbox (ESP) takes them over."""
    submissions = Submission.objects.prefetch_related("attachments")[:200]
    return render(request, "eforms/submissions.html", {"submissions": submissions})


class FormDefinitionForm(forms.Form):
    """A unit's own form as JSON: a JSON Schema (draft 2020-12) and its layout (shared_services/eforms/definition.py)."""

    name = forms.CharField(label=_("Name"), max_length=250)
    slug = forms.SlugField(label=_("Address name"), max_length=100)
    json_schema = forms.CharField(
        label=_("JSON Schema"), widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"})
    )
    layout = forms.CharField(
        label=_("Layout"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_('Steps, widgets and conditions, e.g. {"steps": [{"title": "…", "fields": ["…"]}]}.'),
    )

    def _json(self, name):
        text = self.cleaned_data[name].strip() or "{}"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("This is not valid JSON (line %(line)s, column %(column)s: %(problem)s)."),
                params={"line": error.lineno, "column": error.colno, "problem": error.msg},
            ) from error
        if not isinstance(value, dict):
            raise ValidationError(_("Expected a JSON object {…}."))
        return value

    def clean_json_schema(self):
        return self._json("json_schema")

    def clean_layout(self):
        return self._json("layout")

    def clean(self):
        cleaned = super().clean()
        if "json_schema" in cleaned and "layout" in cleaned:
            try:
                definition_check(cleaned["json_schema"], cleaned["layout"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@area_required(Area.OFFICE_ADMIN)
def unit_forms(request):
    return render(request, "eforms/forms.html", {"forms": UnitForm.objects.select_related("current")})


@area_required(Area.OFFICE_ADMIN)
def unit_form_edit(request, slug=None):
    """Create a unit's form, or give it a new version (earlier versions stay, for what was filed with them)."""
    unit_form = get_object_or_404(UnitForm, slug=slug) if slug else None
    initial = {}
    if unit_form and unit_form.current:
        initial = {
            "name": unit_form.name,
            "slug": unit_form.slug,
            "json_schema": json.dumps(unit_form.current.json_schema, ensure_ascii=False, indent=2),
            "layout": json.dumps(unit_form.current.layout, ensure_ascii=False, indent=2),
        }
    form = FormDefinitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = unit_form_save(
            unit_form=unit_form,
            name=form.cleaned_data["name"],
            slug=form.cleaned_data["slug"],
            json_schema=form.cleaned_data["json_schema"],
            layout=form.cleaned_data["layout"],
        )
        messages.success(request, _("Version %(number)s of the form is saved.") % {"number": version.number})
        return redirect("clerk-forms")
    return render(request, "eforms/form_edit.html", {"form": form, "unit_form": unit_form})
