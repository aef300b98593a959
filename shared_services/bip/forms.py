"""Forms of BIP: the public's subscription, and the office's items, withdrawals, menu and editorial office."""

from django import forms
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Section


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    key = forms.CharField(widget=forms.HiddenInput, max_length=120)


class PublicationForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Menu section"), queryset=Section.objects.all(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("Content"), max_length=100000, required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    produced_by = forms.CharField(
        label=_("Produced by / responsible for the content"),
        max_length=300,
        help_text=_("The person or department that produced the information, e.g. “Jan Kowalski, Finance Department”."),
    )
    produced_on = forms.DateField(
        label=_("Produced on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    entered_by = forms.CharField(label=_("Entered by"), max_length=300)
    published_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        help_text=_("Leave empty to publish now; a later time schedules the publication."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    withheld_scope = forms.CharField(label=_("Information withheld (if any)"), max_length=1000, required=False)
    withheld_basis = forms.CharField(label=_("Legal basis of withholding"), max_length=500, required=False)
    withheld_by = forms.CharField(label=_("Withholding decided by"), max_length=300, required=False)

    def clean_produced_on(self):
        produced_on = self.cleaned_data["produced_on"]
        if produced_on > timezone.localdate():
            raise forms.ValidationError(_("The information cannot have been produced in the future."))
        return produced_on

    def clean(self):
        cleaned = super().clean()
        withheld = [cleaned.get(name) for name in ("withheld_scope", "withheld_basis", "withheld_by")]
        if any(withheld) and not all(withheld):
            raise forms.ValidationError(
                _("When information is withheld, say what it is, on what legal basis and who decided.")
            )
        return cleaned


class ChangeForm(PublicationForm):
    change_note = forms.CharField(label=_("What changed"), max_length=500)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    entered_by = forms.CharField(label=_("Entered by"), max_length=300)
    withheld_scope = forms.CharField(label=_("Information withheld (if any)"), max_length=1000, required=False)
    withheld_basis = forms.CharField(label=_("Legal basis of withholding"), max_length=500, required=False)
    withheld_by = forms.CharField(label=_("Withholding decided by"), max_length=300, required=False)


class SectionForm(forms.Form):
    key = forms.CharField(
        label=_("Address key"),
        max_length=80,
        validators=[validate_slug],
        help_text=_("Part of the section's address: small letters, digits and hyphens, e.g. “sport”."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    visible = forms.BooleanField(label=_("Shown in the menu"), required=False, initial=True)


class EditorialOfficeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    request_info = forms.CharField(
        label=_("How to request information (addition)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the page on information not published in BIP, after the standard text."),
    )


class EditorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    email = forms.EmailField(label=_("E-mail"))
