from django import forms
from django.contrib import messages
from django.db import models
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_services.staff.views import unit_administrator_required

from .models import UnitBranding
from .selectors import branding_get
from .services import EDITABLE, branding_update


def _https_by_default(model_field, **kwargs):
    # An address typed without a scheme (bip.torun.pl) means https, as it will in Django 6.
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class BrandingForm(forms.ModelForm):
    class Meta:
        model = UnitBranding
        formfield_callback = _https_by_default
        fields = EDITABLE
        widgets = {"primary_colour": forms.TextInput(attrs={"type": "color"}),
                   "accent_colour": forms.TextInput(attrs={"type": "color"}),
                   "address": forms.Textarea(attrs={"rows": 3})}


@unit_administrator_required
def branding_edit(request):
    """The unit's name, colours, contact data and footer links, as residents see them."""
    form = BrandingForm(request.POST or None, instance=branding_get())
    if request.method == "POST" and form.is_valid():
        branding_update(**{field: form.cleaned_data[field] for field in EDITABLE})
        messages.success(request, _("The appearance is saved."))
        return redirect("clerk-branding")
    return render(request, "branding/edit.html", {"form": form})
