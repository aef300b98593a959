from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import RESIDENT_KINDS, STAFF_KINDS, Kind
from .selectors import preferences_of


class PreferencesForm(forms.Form):
    """Which of `kinds` come by e-mail, and in which language; shown ticked as the person has them now."""

    emails = forms.MultipleChoiceField(
        label=_("Send me an e-mail when"), required=False, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES)

    def __init__(self, data=None, *, user, kinds: tuple[Kind, ...], **kwargs):
        preferences = preferences_of(user)
        initial = {
            "emails": [kind for kind in kinds if kind not in preferences.emails_off],
            "language": preferences.language,
        }
        super().__init__(data, initial=initial, prefix="notifications", **kwargs)
        self.kinds = kinds
        self.fields["emails"].choices = [(kind.value, kind.label) for kind in kinds]

    @property
    def emails_off(self) -> list[str]:
        return [kind for kind in self.kinds if kind not in self.cleaned_data["emails"]]


def staff_preferences_form(user, data=None) -> PreferencesForm:
    form = PreferencesForm(data, user=user, kinds=STAFF_KINDS)
    form.fields["emails"].help_text = _("Notifications in the office's list come whatever you choose here.")
    return form


def resident_preferences_form(user, data=None) -> PreferencesForm:
    return PreferencesForm(data, user=user, kinds=RESIDENT_KINDS)
