"""Pay at the office (cash desk or bank transfer): nothing goes online; a clerk marks the fee paid."""

from django import forms
from django.utils.translation import gettext_lazy

from ...base import PaymentProvider, ProviderError


class OfficeConfigForm(forms.Form):
    """Fees can always be paid at the office (the fallback when nothing is set up online): only the office's
    own instructions are configured."""

    instructions = forms.CharField(
        label=gettext_lazy("How to pay (shown to residents)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("E.g. the cash desk's room and hours, or the account number for a transfer."),
    )

    def options(self) -> dict:
        return {"instructions": self.cleaned_data.get("instructions", "")}

    def secrets(self) -> dict:
        return {}


class OfficeProvider(PaymentProvider):
    key = "office"
    name = gettext_lazy("Pay at the office")
    online = False

    def configuration_form(self, *, config=None, data=None):
        return OfficeConfigForm(data, initial=config.options if config else {})

    def start_payment(self, config, payment, **kwargs):
        raise ProviderError("fees paid at the office are not paid online")
