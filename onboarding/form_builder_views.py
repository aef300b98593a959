"""The regional catalogue's standard forms in the console: a list, the form builder beside its preview, and the
JSON editor for experts. The builder is the office's (shared_services/eforms/builder_pages.py): one
implementation; here publishing makes a new StandardFormVersion and writes the operators' audit log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shared_services.catalogue.models import StandardForm
from shared_services.eforms.builder_pages import builder_respond
from shared_services.eforms.forms import FormDefinitionForm
from shared_services.identity.access import Area, area_required

from .actors import Actor
from .form_builder_services import standard_form_publish

operator_required = area_required(Area.CONSOLE)


@operator_required
def form_list(request):
    forms = StandardForm.objects.select_related("current").order_by("name")
    return render(request, "onboarding/console/forms/list.html", {"forms": forms})


@operator_required
def form_builder(request, slug=None):
    standard_form = get_object_or_404(StandardForm.objects.select_related("current"), slug=slug) if slug else None
    return builder_respond(
        request,
        versioned_form=standard_form,
        scope=f"console:{slug or ''}:{request.user.pk}",
        template="onboarding/console/forms/builder.html",
        context={
            "standard_form": standard_form,
            "raw_url": reverse("console-form-json", args=[slug]) if slug else reverse("console-form-new-json"),
        },
        publish=lambda page: standard_form_publish(
            standard_form=standard_form,
            name=page.form.title,
            slug=page.slug,
            json_schema=page.json_schema,
            layout=page.layout,
            actor=Actor.from_request(request),
        ),
        done_url=reverse("console-forms"),
    )


@operator_required
def form_json(request, slug=None):
    """The JSON editor for experts, with its mistakes explained in words (the office's FormDefinitionForm)."""
    standard_form = get_object_or_404(StandardForm.objects.select_related("current"), slug=slug) if slug else None
    form = FormDefinitionForm(request.POST or None, initial=FormDefinitionForm.initial_of(standard_form))
    if standard_form:
        form.fields["slug"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            version = standard_form_publish(
                standard_form=standard_form,
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                json_schema=form.cleaned_data["json_schema"],
                layout=form.cleaned_data["layout"],
                actor=Actor.from_request(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _published(request, version)
    return render(request, "onboarding/console/forms/json.html", {"form": form, "standard_form": standard_form})


def _published(request, version):
    messages.success(
        request,
        _("Version %(number)s of “%(name)s” is published.") % {"number": version.number, "name": version.form.name},
    )
    return redirect("console-forms")
