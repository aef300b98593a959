"""Money typed in złoty, kept in grosze: the conversion (Decimal, never float) and the shared form field."""

import pytest
from django import forms
from django.utils import translation

from platform_core.forms import ZlotyField
from platform_core.money import grosze_from_text, zloty_display, zloty_for_editing
from tests.support.validation import refusal


@pytest.mark.parametrize(
    "text,grosze",
    [
        ("17", 1700),
        ("17,50", 1750),
        ("17.50", 1750),
        ("17,5", 1750),
        ("1 234,50", 123450),
        ("1\u00a0234,50", 123450),  # copied from a page, with a non-breaking space
        ("17,50 zł", 1750),
        ("  0,01 ", 1),
        ("0", 0),
        ("1 000 000", 100000000),
        ("19,99", 1999),
        ("0.29", 29),  # 0.29 * 100 is 28.999999999999996 in floats
    ],
)
def test_amounts_in_zloty_are_converted_to_grosze_exactly(text, grosze):
    assert grosze_from_text(text) == grosze


@pytest.mark.parametrize(
    "text,code",
    [
        ("-5", "negative"),
        ("\u22125,00", "negative"),
        ("17,505", "decimals"),
        ("1,001", "decimals"),
        ("1 000 001", "too_large"),
        ("99999999999999999999", "too_large"),
        ("abc", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("1e3", "invalid"),
        ("12 34", "invalid"),
        ("1.234,50", "invalid"),
        ("17,", "invalid"),
        ("", "invalid"),
    ],
)
def test_what_is_not_an_amount_is_refused_saying_why(text, code):
    assert refusal(grosze_from_text, text).code == code


def test_the_messages_are_polish():
    with translation.override("pl"):
        for text, message in (
            ("-5", "Kwota nie może być ujemna."),
            ("17,505", "Podaj kwotę w złotych z najwyżej dwoma miejscami po przecinku (grosze), np. 17,50."),
            ("abc", "Podaj kwotę w złotych, np. 17 albo 17,50."),
            ("2000000", "Kwota jest za duża: najwyżej 1\u00a0000\u00a0000,00 zł."),
        ):
            assert refusal(grosze_from_text, text).messages == [message]


def test_grosze_are_shown_in_zloty():
    with translation.override("pl"):
        assert zloty_for_editing(1750) == "17,50"
        assert zloty_for_editing(123450) == "1234,50"
        assert zloty_display(123450) == "1\u00a0234,50 zł"
    with translation.override("en"):
        assert zloty_for_editing(1750) == "17.50"


class FeeForm(forms.Form):
    fee = ZlotyField(required=False)
    refund = ZlotyField(min_grosze=1, max_grosze=5000, required=False)


def test_the_field_cleans_zloty_to_grosze_and_shows_grosze_as_zloty():
    form = FeeForm({"fee": "17", "refund": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"fee": 1700, "refund": None}
    with translation.override("pl"):
        shown = str(FeeForm(initial={"fee": 1750})["fee"])
    assert 'value="17,50"' in shown and 'inputmode="decimal"' in shown and 'type="text"' in shown
    # A refused amount is shown back as it was typed.
    assert 'value="17,505"' in str(FeeForm({"fee": "17,505"})["fee"])


def test_the_field_keeps_to_its_bounds():
    with translation.override("pl"):
        assert FeeForm({"refund": "0"}).errors["refund"] == ["Kwota musi wynosić co najmniej 0,01 zł."]
        assert FeeForm({"refund": "50,01"}).errors["refund"] == ["Kwota jest za duża: najwyżej 50,00 zł."]
    assert FeeForm({"refund": "50"}).is_valid()


def test_an_unchanged_amount_is_not_a_change():
    assert not FeeForm({"fee": "17,50"}, initial={"fee": 1750}).has_changed()
    assert FeeForm({"fee": "17,51"}, initial={"fee": 1750}).has_changed()
