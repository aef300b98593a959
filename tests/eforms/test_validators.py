"""Validators of Polish identifiers in forms: what they accept, how they normalise, why they refuse.

Good numbers are published examples, checked against python-stdnum; bad ones differ from a good one in one
respect, so each test shows a single failure mode.
"""

import pytest
from stdnum import iban
from stdnum.pl import pesel

from shared_services.eforms.validators import (
    FORMAT_VALIDATORS,
    validate_iban,
    validate_nip,
    validate_pesel,
    validate_postal_code,
    validate_regon,
)
from tests.support.validation import english_message, refusal


def _with_check_digit(first_ten: str) -> str:
    """A PESEL with a correct check digit, whatever the first ten digits say."""
    return first_ten + pesel.calc_check_digit(first_ten)


# PESEL ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "44051401359",  # 1944-05-14
        "02070803628",  # 1902-07-08
        "90090515836",  # 1990-09-05
        "02211307589",  # 2002-01-13: months of people born in the 2000s are +20
        "04222901237",  # 2004-02-29: a leap day in the 2000s
    ],
)
def test_pesel_accepted(value):
    assert validate_pesel(value) == value


def test_pesel_spaces_are_dropped():
    assert validate_pesel(" 4405 1401\u00a0359 ") == "44051401359"


@pytest.mark.parametrize(
    "value, code",
    [
        ("4405140135", "pesel_length"),
        ("440514013599", "pesel_length"),
        ("", "pesel_length"),
        ("4405140135O", "pesel_characters"),  # a letter O for a zero
        ("440514-01359", "pesel_characters"),
        ("44051401358", "pesel_checksum"),  # last digit changed
        ("44051410359", "pesel_checksum"),  # two digits swapped
        ("١١١١١١١١١١١", "pesel_characters"),  # Arabic-Indic digits are str.isdigit(), but not a PESEL
    ],
)
def test_pesel_rejected_with_reason(value, code):
    assert refusal(validate_pesel, value).code == code


@pytest.mark.parametrize(
    "first_ten",
    [
        "0122290123",  # 2001-02-29: not a leap year
        "9213310123",  # month 13
        "8502300123",  # 30 February
        "9001000123",  # day 00
        "5041010123",  # 2150-01-01: a valid calendar date, but in the future
    ],
)
def test_pesel_with_an_impossible_date_of_birth_rejected(first_ten):
    value = _with_check_digit(first_ten)  # the check digit is right, so only the date can be wrong
    assert refusal(validate_pesel, value).code == "pesel_date"


def test_pesel_messages_say_what_is_wrong():
    assert english_message(refusal(validate_pesel, "4405140135")) == "PESEL must have 11 digits."
    assert "digits" in english_message(refusal(validate_pesel, "4405140135O"))
    assert "check digit" in english_message(refusal(validate_pesel, "44051401358"))
    assert "date of birth" in english_message(refusal(validate_pesel, _with_check_digit("9213310123")))


# NIP --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["8567346215", "5260250274", "7740001454", "1234563218"])
def test_nip_accepted(value):
    assert validate_nip(value) == value


@pytest.mark.parametrize("value", ["856-734-62-15", "856-73-46-215", " 856 734 62 15 ", "856-734 62-15"])
def test_nip_dashes_and_spaces_are_dropped(value):
    assert validate_nip(value) == "8567346215"


@pytest.mark.parametrize(
    "value, code",
    [
        ("856734621", "nip_length"),
        ("85673462150", "nip_length"),
        ("PL8567346215", "nip_characters"),  # an EU VAT number, not a NIP
        ("856734621S", "nip_characters"),
        ("8567346216", "nip_checksum"),
        ("8567346251", "nip_checksum"),  # two digits swapped
    ],
)
def test_nip_rejected_with_reason(value, code):
    assert refusal(validate_nip, value).code == code


def test_nip_messages():
    assert english_message(refusal(validate_nip, "856734621")) == "NIP must have 10 digits."
    assert "check digit" in english_message(refusal(validate_nip, "8567346216"))


# REGON ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["192598184", "000331501", "123456785", "12345678512347"])
def test_regon_accepted(value):
    assert validate_regon(value) == value


def test_regon_spaces_are_dropped():
    assert validate_regon("192 598 184") == "192598184"


@pytest.mark.parametrize(
    "value, code",
    [
        ("19259818", "regon_length"),
        ("1925981840", "regon_length"),  # 10 digits: neither 9 nor 14
        ("1234567851234", "regon_length"),
        ("19259818A", "regon_characters"),
        ("192-598-184", "regon_characters"),
        ("192598185", "regon_checksum"),
        ("12345678512348", "regon_checksum"),  # the check digit of the 14-digit number
        ("12345679512347", "regon_checksum"),  # the 9-digit part inside the 14-digit number is wrong
    ],
)
def test_regon_rejected_with_reason(value, code):
    assert refusal(validate_regon, value).code == code


def test_regon_messages():
    assert english_message(refusal(validate_regon, "19259818")) == "REGON must have 9 or 14 digits."
    assert "check digit" in english_message(refusal(validate_regon, "192598185"))


# Postal code ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["87-100", "00-950", "99-999"])
def test_postal_code_accepted(value):
    assert validate_postal_code(value) == value


def test_postal_code_surrounding_whitespace_is_dropped():
    assert validate_postal_code("  87-100\n") == "87-100"


@pytest.mark.parametrize("value", ["87100", "87-1000", "8-7100", "87 100", "87–100", "AB-100", "87-10", ""])
def test_postal_code_of_another_shape_rejected(value):
    error = refusal(validate_postal_code, value)
    assert error.code == "postal_code_format"
    assert "00-000" in english_message(error)


# IBAN -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "PL61109010140000071219812874",
        "PL10105000997603123456789123",
        "DE89370400440532013000",
        "GB29NWBK60161331926819",
        "FR1420041010050500013M02606",
    ],
)
def test_iban_accepted(value):
    assert validate_iban(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "PL61 1090 1014 0000 0712 1981 2874",
        "pl61109010140000071219812874",
        "61 1090 1014 0000 0712 1981 2874",  # a Polish account number (NRB) without the country code
        "61109010140000071219812874",
    ],
)
def test_iban_normalised_to_upper_case_without_spaces(value):
    assert validate_iban(value) == "PL61109010140000071219812874"


def test_iban_of_a_foreign_account_with_spaces():
    assert validate_iban("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def _with_check_digits(country: str, bban: str) -> str:
    """An IBAN whose check digits are right, whatever the rest says."""
    return country + iban.calc_check_digits(country + "00" + bban) + bban


@pytest.mark.parametrize(
    "value, code",
    [
        ("PL61109010140000071219812875", "iban_checksum"),
        ("PL16109010140000071219812874", "iban_checksum"),  # check digits swapped
        ("61109010140000071219812875", "iban_checksum"),  # an NRB with a typo
        ("DE89370400440532013001", "iban_checksum"),
        ("XX61109010140000071219812874", "iban_country"),
        # Right check digits, but no such country:
        (_with_check_digits("XX", "109010140000071219812874"), "iban_country"),
        ("6110901014000007121981287", "iban_format"),  # 25 digits: neither an NRB nor an IBAN
        ("PL61-1090-1014-0000-0712-1981-2874", "iban_format"),
        ("", "iban_format"),
        # Right check digits, but one digit short for a Polish account:
        (_with_check_digits("PL", "10901014000007121981287"), "iban_format"),
    ],
)
def test_iban_rejected_with_reason(value, code):
    assert refusal(validate_iban, value).code == code


def test_iban_messages():
    assert "check digits" in english_message(refusal(validate_iban, "PL61109010140000071219812875"))
    assert english_message(refusal(validate_iban, "XX61109010140000071219812874")) == (
        "XX is not the code of a country that uses IBAN."
    )
    short = _with_check_digits("PL", "10901014000007121981287")
    assert "PL" in english_message(refusal(validate_iban, short))


# For JSON Schema `format` -----------------------------------------------------------------------------


def test_format_names_of_the_validators():
    assert {
        "pesel": validate_pesel,
        "nip": validate_nip,
        "regon": validate_regon,
        "postal-code": validate_postal_code,
        "iban": validate_iban,
    } == FORMAT_VALIDATORS
