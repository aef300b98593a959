from django import forms
from django.contrib import messages
from django.db import models
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_services.eforms.uploads import check_attachment
from shared_services.identity.access import Area, area_required

from .models import UnitBranding
from .selectors import branding_get
from .services import COAT_OF_ARMS_MAX_BYTES, COAT_OF_ARMS_TYPES, EDITABLE, branding_update


def _https_by_default(model_field, **kwargs):
    # An address typed without a scheme (bip.torun.pl) means https, as it will in Django 6.
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class BrandingForm(forms.ModelForm):
    coat_of_arms_upload = forms.FileField(
        label=_("Coat of arms or logo"),
        required=False,
        help_text=_("PNG or JPEG, up to 1 MB; shown 40×48 pixels beside the name."),
        widget=forms.FileInput(attrs={"accept": ",".join(COAT_OF_ARMS_TYPES)}),
    )

    class Meta:
        model = UnitBranding
        formfield_callback = _https_by_default
        fields = EDITABLE
        widgets = {
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "service_points": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_coat_of_arms_upload(self):
        upload = self.cleaned_data["coat_of_arms_upload"]
        if upload:
            check_attachment(upload, max_bytes=COAT_OF_ARMS_MAX_BYTES, media_types=COAT_OF_ARMS_TYPES)
        return upload


@area_required(Area.OFFICE_ADMIN)
def branding_edit(request):
    """The unit's name, colours, coat of arms, contact data and footer links, as residents see them."""
    form = BrandingForm(request.POST or None, request.FILES or None, instance=branding_get())
    if request.method == "POST" and form.is_valid():
        branding_update(
            **{field: form.cleaned_data[field] for field in EDITABLE},
            coat_of_arms=form.cleaned_data["coat_of_arms_upload"],
        )
        messages.success(request, _("The appearance is saved."))
        return redirect("clerk-branding")
    return render(request, "branding/edit.html", {"form": form})


def colours_stylesheet(request):
    """The unit's colours as the stylesheet's custom properties, linked by every page of the unit: a file, as
    the Content-Security-Policy refuses inline styles. The page's link changes when the colours do."""
    response = render(request, "branding/colours.css", {"branding": branding_get()}, content_type="text/css")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def coat_of_arms(request):
    """The unit's coat of arms. Units' media are not served as a folder (residents' attachments live there
    too), so the one public file is served by this view."""
    branding = branding_get()
    if not branding.coat_of_arms:
        raise Http404
    response = FileResponse(branding.coat_of_arms.open("rb"), content_type=branding.coat_of_arms_type)
    response["Cache-Control"] = "public, max-age=86400"  # the page's link changes when the file does
    return response
