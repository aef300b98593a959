"""Validators of Polish identifiers entered in electronic forms.

Each validator takes what the resident typed, normalises it (drops the spaces people copy along with
the number), raises `ValidationError` with a `code` when it is wrong, and otherwise returns the
normalised value, which is what a form stores. Check digits are python-stdnum's; this module only
decides what to accept as input and what to tell the resident.

`FORMAT_VALIDATORS` maps the JSON Schema `format` names used in form definitions to the validators.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum import iban, numdb
from stdnum.pl import nip, pesel, regon

# ASCII digits only: str.isdigit() would also let through e.g. Arabic-Indic or full-width digits.
# Zero or more, so that an empty value gets the message about the length.
DIGITS = re.compile(r"[0-9]*", re.ASCII)
POSTAL_CODE = re.compile(r"[0-9]{2}-[0-9]{3}", re.ASCII)
IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", re.ASCII)
NRB_LENGTH = 26  # a Polish account number without the country code is its IBAN minus "PL"

_iban_registry = numdb.get("iban")


def _without_whitespace(value: str) -> str:
    # split() also drops non-breaking spaces, which come along when a number is copied from a PDF.
    return "".join(str(value).split())


def validate_pesel(value: str) -> str:
    number = _without_whitespace(value)
    if not DIGITS.fullmatch(number):
        raise ValidationError(_("PESEL may contain only digits."), code="pesel_characters")
    if len(number) != 11:
        raise ValidationError(_("PESEL must have 11 digits."), code="pesel_length")
    try:
        pesel.validate(number)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("This PESEL's check digit is wrong — please check for a typo."), code="pesel_checksum"
        ) from None
    except stdnum_errors.InvalidComponent:  # stdnum: the first six digits are not a calendar date
        raise _pesel_date_error() from None
    # stdnum accepts any calendar date up to 2299; nobody filing a form was born in the future.
    if pesel.get_birth_date(number) > datetime.date.today():
        raise _pesel_date_error()
    return number


def _pesel_date_error() -> ValidationError:
    return ValidationError(
        _("The date of birth in this PESEL is not a real date — please check the first six digits."),
        code="pesel_date",
    )


def _digits_with_check_digit(number: str, *, lengths: tuple[int, ...], scheme, code: str, messages: dict) -> str:
    """NIP and REGON: only digits, one of `lengths`, and the check digit of stdnum's `scheme`."""
    if not DIGITS.fullmatch(number):
        raise ValidationError(messages["characters"], code=f"{code}_characters")
    if len(number) not in lengths:
        raise ValidationError(messages["length"], code=f"{code}_length")
    try:
        scheme.validate(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(messages["checksum"], code=f"{code}_checksum") from None
    return number


def validate_nip(value: str) -> str:
    # NIP is commonly written 123-456-78-90 or 123-45-67-890; the dashes carry no meaning.
    return _digits_with_check_digit(
        _without_whitespace(value).replace("-", ""),
        lengths=(10,),
        scheme=nip,
        code="nip",
        messages={
            "characters": _("NIP may contain only digits."),
            "length": _("NIP must have 10 digits."),
            "checksum": _("This NIP's check digit is wrong — please check for a typo."),
        },
    )


def validate_regon(value: str) -> str:
    return _digits_with_check_digit(
        _without_whitespace(value),
        lengths=(9, 14),
        scheme=regon,
        code="regon",
        messages={
            "characters": _("REGON may contain only digits."),
            "length": _("REGON must have 9 or 14 digits."),
            "checksum": _("This REGON's check digit is wrong — please check for a typo."),
        },
    )


def validate_postal_code(value: str) -> str:
    code = str(value).strip()
    if not POSTAL_CODE.fullmatch(code):
        raise ValidationError(_("Enter the postal code in the form 00-000, e.g. 87-100."), code="postal_code_format")
    return code


def validate_iban(value: str) -> str:
    number = _without_whitespace(value).upper()
    if len(number) == NRB_LENGTH and DIGITS.fullmatch(number):
        number = "PL" + number
    if not IBAN_SHAPE.fullmatch(number):
        raise ValidationError(
            _("Enter the account number as 26 digits or as an IBAN starting with a country code, e.g. PL."),
            code="iban_format",
        )
    country = number[:2]
    # Checked before the check digits: for an unknown country those would be a misleading answer.
    if not _iban_registry.info(country)[0][1]:
        raise ValidationError(
            _("%(country)s is not the code of a country that uses IBAN."),
            params={"country": country},
            code="iban_country",
        )
    try:
        iban.validate(number)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("This account number's check digits are wrong — please check for a typo."),
            code="iban_checksum",
        ) from None
    except stdnum_errors.ValidationError:  # right check digits, but not the length or layout of the country
        raise ValidationError(
            _("This is not the length or layout of an account number in %(country)s."),
            params={"country": country},
            code="iban_format",
        ) from None
    return number


FORMAT_VALIDATORS = {
    "pesel": validate_pesel,
    "nip": validate_nip,
    "regon": validate_regon,
    "postal-code": validate_postal_code,
    "iban": validate_iban,
}
