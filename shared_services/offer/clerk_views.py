"""The office's screens for the unit's offer: adopting and localising standard services, own services."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from platform_core.forms import ZlotyField
from shared_services.catalogue.models import Category, LifeEvent, StandardService
from shared_services.identity.access import Area, area_required

from .models import AdoptedService, UnitService
from .services import LOCAL_DETAILS, offer_adopt, offer_localise, unit_service_save


class LocalDetailsForm(forms.ModelForm):
    # Typed in złoty, kept in grosze.
    fee_override_grosze = ZlotyField(
        label=gettext_lazy("Local fee (zł)"),
        required=False,
        help_text=gettext_lazy("In złoty, e.g. 17 or 17,50. Leave empty to charge the standard fee."),
    )

    class Meta:
        model = AdoptedService
        fields = LOCAL_DETAILS
        widgets = {"local_notes": forms.Textarea(attrs={"rows": 4})}


def _terms_field(model, label) -> forms.ModelMultipleChoiceField:
    """Ticks for the catalogue's terms of `model`, chosen by slug."""
    return forms.ModelMultipleChoiceField(
        model.objects.all(), to_field_name="slug", required=False, widget=forms.CheckboxSelectMultiple, label=label
    )


class UnitServiceForm(forms.ModelForm):
    # Typed in złoty, kept in grosze.
    fee_grosze = ZlotyField(
        label=gettext_lazy("Fee (zł)"),
        empty_value=0,
        required=False,
        help_text=gettext_lazy("In złoty, e.g. 17 or 17,50. Leave empty or enter 0 when the service is free."),
    )
    # Public terms, kept in the service by their slugs (platform_core/public_references.py).
    categories = _terms_field(Category, gettext_lazy("categories"))
    life_events = _terms_field(LifeEvent, gettext_lazy("life events"))

    class Meta:
        model = UnitService
        fields = (
            "name",
            "slug",
            "enabled",
            "short_description",
            "description",
            "who_may_apply",
            "legal_basis",
            "required_documents",
            "fee_grosze",
            "fee_description",
            "deadline_description",
            "appeal",
            "where_to_file",
            "department",
            "room",
            "office_hours",
            "contact",
            "keywords",
            "standard_form",
            "unit_form",
        )
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "short_description",
                "description",
                "who_may_apply",
                "legal_basis",
                "required_documents",
                "fee_description",
                "deadline_description",
                "appeal",
                "where_to_file",
            )
        }

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial", {"categories": instance.category_slugs, "life_events": instance.life_event_slugs}
            )
        super().__init__(*args, instance=instance, **kwargs)
        # Where the model's fields stood, so the page keeps its order.
        self.order_fields([*self._meta.fields[: self._meta.fields.index("keywords")], "categories", "life_events"])


class AdoptForm(forms.Form):
    """The standard service the list's button adopts, by its slug."""

    adopt = forms.SlugField(max_length=100)


@area_required(Area.OFFICE_ADMIN)
def offer_overview(request):
    if request.method == "POST":
        form = AdoptForm(request.POST)
        if not form.is_valid():  # not a slug at all: no such service
            raise Http404
        service = get_object_or_404(
            StandardService, slug=form.cleaned_data["adopt"], published__isnull=False, retired_at__isnull=True
        )
        offer_adopt(standard_service=service)
        messages.success(request, _("“%s” is now offered.") % service)
        return redirect("clerk-services")
    adopted = AdoptedService.objects.select_related("standard_service__published").order_by(
        "standard_service__published__name"
    )
    available = (
        StandardService.objects.filter(published__isnull=False, retired_at__isnull=True)
        .exclude(pk__in=adopted.values("standard_service_id"))
        .select_related("published")
        .order_by("published__name")
    )
    return render(
        request,
        "offer/overview.html",
        {
            "adopted": adopted,
            "available": available,
            "own": UnitService.objects.all(),
        },
    )


@area_required(Area.OFFICE_ADMIN)
def adopted_service_edit(request, slug):
    adopted = get_object_or_404(
        AdoptedService.objects.select_related("standard_service__published"), standard_service__slug=slug
    )
    form = LocalDetailsForm(request.POST or None, instance=adopted)
    if request.method == "POST" and form.is_valid():
        offer_localise(adopted=adopted, **{field: form.cleaned_data[field] for field in LOCAL_DETAILS})
        messages.success(request, _("The local details are saved."))
        return redirect("clerk-services")
    return render(
        request,
        "offer/adopted_edit.html",
        {"form": form, "adopted": adopted, "card": adopted.standard_service.published},
    )


@area_required(Area.OFFICE_ADMIN)
def own_service_edit(request, slug=None):
    service = get_object_or_404(UnitService, slug=slug) if slug else UnitService()
    form = UnitServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        unit_service_save(
            service=form.save(commit=False),
            category_slugs=[term.slug for term in form.cleaned_data["categories"]],
            life_event_slugs=[term.slug for term in form.cleaned_data["life_events"]],
        )
        messages.success(request, _("The service is saved."))
        return redirect("clerk-services")
    return render(request, "offer/own_edit.html", {"form": form, "service": service})
