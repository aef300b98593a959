from django.contrib import messages
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shared_services.identity.access import Area, area_required

from .builder_pages import builder_respond
from .forms import FormDefinitionForm
from .models import Submission, UnitForm
from .services import unit_form_save


@area_required(Area.OFFICE_ADMIN)
def submissions_list(request):
    """Applications residents filed, newest first, until the inbox (ESP) takes them over."""
    submissions = Submission.objects.prefetch_related("attachments")[:200]
    return render(request, "eforms/submissions.html", {"submissions": submissions})


@area_required(Area.OFFICE_ADMIN)
def unit_forms(request):
    return render(request, "eforms/forms.html", {"forms": UnitForm.objects.select_related("current")})


@area_required(Area.OFFICE_ADMIN)
def unit_form_edit(request, slug=None):
    """Create a unit's form, or give it a new version (earlier versions stay, for what was filed with them)."""
    unit_form = get_object_or_404(UnitForm, slug=slug) if slug else None
    form = FormDefinitionForm(request.POST or None, initial=FormDefinitionForm.initial_of(unit_form))
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


@area_required(Area.OFFICE_ADMIN)
def unit_form_builder(request, slug=None):
    """The unit's own form in the form builder, beside its preview; publishing saves a new version, as the
    JSON editor above does."""
    unit_form = get_object_or_404(UnitForm.objects.select_related("current"), slug=slug) if slug else None
    return builder_respond(
        request,
        versioned_form=unit_form,
        scope=f"office:{connection.schema_name}:{slug or ''}:{request.user.pk}",
        template="eforms/form_builder.html",
        context={
            "unit_form": unit_form,
            "raw_url": reverse("clerk-form", args=[slug]) if slug else reverse("clerk-form-new"),
        },
        publish=lambda page: unit_form_save(
            unit_form=unit_form, name=page.form.title, slug=page.slug, json_schema=page.json_schema, layout=page.layout
        ),
        done_url=reverse("clerk-forms"),
    )
