"""Form fields every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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


# The years a date or a year given in the office may have: any record's, and far enough from the calendar's end
# that the day after a period, or a deadline moved on by some weeks, is still a date (9999-12-31 has no next day).
FIRST_YEAR, LAST_YEAR = 1900, 2999
YEARS = {"first": FIRST_YEAR, "last": LAST_YEAR}


class BoundedDateField(forms.DateField):
    """A date in a year from FIRST_YEAR to LAST_YEAR."""

    default_error_messages = {"out_of_range": _("Give a date in a year from %(first)s to %(last)s.")}

    def validate(self, value):
        super().validate(value)
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range", params=YEARS)


class YearField(forms.IntegerField):
    """A year from FIRST_YEAR to LAST_YEAR, written as a whole number."""

    default_error_messages = {"invalid": _("Give a year from %(first)s to %(last)s.")}

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "min": FIRST_YEAR, "max": LAST_YEAR}

    def to_python(self, value):
        refused = ValidationError(self.error_messages["invalid"], code="invalid", params=YEARS)
        try:
            year = super().to_python(value)
        except ValidationError:
            raise refused from None
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise refused
        return year


def row_ids(values: list[str]) -> list[int]:
    """The ids of rows a page sent back (ticked boxes, a repeated parameter): ASCII digits that fit a database
    key. ValueError for anything else (str.isdigit would pass "²", which int() refuses)."""
    if not all(value.isascii() and value.isdigit() and len(value) <= 18 for value in values):
        raise ValueError("not a row id")
    return [int(value) for value in values]
