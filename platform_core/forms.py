"""Form fields every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError

from .money import MESSAGES, grosze_from_text, zloty_display, zloty_for_editing


class ZlotyField(forms.Field):
    """An amount of money typed in złoty ("17", "17,50", "17.50", "1 234,50") and cleaned to grosze (int).

    An amount stored in grosze is shown back in złoty for editing (1750 → "17,50"), so a model's
    `…_grosze` integer field takes it as it is. `min_grosze` and `max_grosze` bound the amount (by default
    from 0 to money.LARGEST_ZLOTY); an empty, optional field cleans to `empty_value` (None by default)."""

    widget = forms.TextInput

    def __init__(self, *, min_grosze: int = 0, max_grosze: int | None = None, empty_value=None, **kwargs):
        self.min_grosze, self.max_grosze, self.empty_value = min_grosze, max_grosze, empty_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # A text box, not type="number": that one refuses a decimal comma in some browsers and rounds.
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off", "maxlength": "20"}

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return zloty_for_editing(value)
        return value

    def to_python(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value in self.empty_values or not str(value).strip():
            return self.empty_value
        return grosze_from_text(value)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        if value < self.min_grosze:
            raise ValidationError(
                MESSAGES["too_small"], code="too_small", params={"limit": zloty_display(self.min_grosze)}
            )
        if self.max_grosze is not None and value > self.max_grosze:
            raise ValidationError(
                MESSAGES["too_large"], code="too_large", params={"limit": zloty_display(self.max_grosze)}
            )
