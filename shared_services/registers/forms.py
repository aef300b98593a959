"""The office's forms around a register's record: the record's own fields are its definition's form
(eforms.filling.ApplicationForm); these add the act's metadata, the withdrawal and the import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from platform_core.text import line_clean

from .imports import MAX_IMPORT_BYTES


class RecordMetaForm(forms.Form):
    """Art. 8 ust. 6: who produced the information or answers for it, and when it was produced."""

    produced_by = forms.CharField(
        label=_("Produced by / responsible for the content"),
        max_length=300,
        help_text=_("E.g. the council, the mayor, or the department and the person who prepared it."),
    )
    produced_on = forms.DateField(label=_("Produced on"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_produced_by(self):
        return line_clean(self.cleaned_data["produced_by"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "The first row names the columns by the fields' names or titles. CSV in UTF-8, separated by semicolons "
            "or commas. At most %(limit)s MB."
        )
        % {"limit": MAX_IMPORT_BYTES // 2**20},
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ImportConfirmForm(RecordMetaForm):
    publish = forms.BooleanField(label=_("Publish the records in BIP at once"), required=False)
