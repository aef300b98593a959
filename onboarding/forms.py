from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tenants.codes import validate_unit_code
from tenants.models import UnitKind, UnitStatus

from .selectors import unit_codes_select
from .terc import TercFileError, codes_from_terc_csv, units_by_code

MAX_CSV_BYTES = 2 * 1024 * 1024


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (name, code, subdomain)"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any"))] + UnitStatus.choices)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("any"))] + UnitKind.choices)
    woj = forms.ChoiceField(label=_("Voivodeship"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["woj"].choices = [("", _("any"))] + voivodeship_choices()


def voivodeship_choices():
    return [(code, unit.name.lower()) for code, unit in units_by_code().items() if len(code) == 2]


class OnboardUnitForm(forms.Form):
    code = forms.CharField(
        label=_("TERC code of the unit"),
        max_length=7,
        help_text=_("7 digits for a gmina or city (e.g. 0415042), 4 for a powiat, 2 for a voivodeship."),
    )
    admin_email = forms.EmailField(
        label=_("E-mail of the unit's first administrator"),
        required=False,
        help_text=_("They get an invitation link; no password is ever sent."),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        validate_unit_code(code)
        if code not in units_by_code():
            raise ValidationError(_("%(code)s is not the code of a unit in the TERC register.") % {"code": code})
        return code


class BulkOnboardForm(forms.Form):
    codes = forms.CharField(
        label=_("TERC codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separated by spaces, commas or new lines."),
    )
    csv_file = forms.FileField(
        label=_("or a TERC-format CSV file"),
        required=False,
        help_text=_("As published by GUS (columns WOJ, POW, GMI, RODZ, NAZWA, …)."),
    )
    woj = forms.ChoiceField(label=_("or every unit of a voivodeship"), required=False)
    kind = forms.ChoiceField(
        label=_("only units of this kind"), required=False, choices=[("", _("any"))] + UnitKind.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["woj"].choices = [("", "—")] + voivodeship_choices()

    def clean_codes(self):
        codes = self.cleaned_data["codes"].replace(",", " ").split()
        register = units_by_code()
        unknown = [code for code in codes if code not in register]
        if unknown:
            raise ValidationError(
                _("Not codes of units in the TERC register: %(codes)s") % {"codes": ", ".join(unknown[:10])}
            )
        return codes

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if not upload:
            return []
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is larger than 2 MB; a TERC register is smaller."))
        try:
            return codes_from_terc_csv(upload.read().decode("utf-8-sig").splitlines())
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text. Save it as CSV in UTF-8.")) from None
        except TercFileError as error:
            raise ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        codes = unit_codes_select(
            codes=[*(cleaned.get("codes") or []), *(cleaned.get("csv_file") or [])],
            woj=cleaned.get("woj") or "",
            kind=cleaned.get("kind") or "",
        )
        if not self.errors and not codes:
            raise ValidationError(_("Choose the units: codes, a CSV file or a voivodeship."))
        cleaned["selected_codes"] = codes
        return cleaned


class OffboardForm(forms.Form):
    confirmation = forms.CharField(label=_("Type the unit's subdomain to confirm"), max_length=63)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        # Whether it matches is the offboarding service's check (onboarding.services.unit_offboard).
        self.fields["confirmation"].help_text = _("Type “%(slug)s”.") % {"slug": unit.slug}


class InviteAdministratorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the administrator"))
