"""Unit codes: the official TERYT TERC identifier, or an internal code for units GUS does not list.

TERC identifies a voivodeship by WW, a powiat (or a city with powiat rights) by WWPP and a gmina by
WWPPGGR, where R is the kind of gmina: 1 urban, 2 rural, 3 urban-rural. R 4/5 (town and rural part of an
urban-rural gmina) and 8/9 (city districts) are statistical parts, not units.
Units with no TERC code (for example a związek gmin) get an internal code `INT` + 4 or more digits.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TERC_GMINA = re.compile(r"^(?P<woj>\d{2})(?P<pow>\d{2})(?P<gmi>\d{2})(?P<rodz>\d)$")
TERC_POWIAT = re.compile(r"^(?P<woj>\d{2})(?P<pow>\d{2})$")
TERC_VOIVODESHIP = re.compile(r"^(?P<woj>\d{2})$")
INTERNAL_CODE = re.compile(r"^INT\d{4,}$")

UNIT_GMINA_KINDS = {"1", "2", "3"}
CITY_WITH_POWIAT_RIGHTS_FROM = 61


def _check_voivodeship(woj: str) -> None:
    number = int(woj)
    if number < 2 or number > 32 or number % 2:
        raise ValidationError(
            _("%(woj)s is not a voivodeship code (even numbers 02–32)."), params={"woj": woj}, code="terc_woj"
        )


def validate_unit_code(value: str) -> None:
    """Accept a TERC code of a unit (2, 4 or 7 digits) or an internal code."""
    if INTERNAL_CODE.match(value):
        return
    for pattern in (TERC_GMINA, TERC_POWIAT, TERC_VOIVODESHIP):
        match = pattern.match(value)
        if match:
            break
    else:
        raise ValidationError(
            _("“%(value)s” is neither a TERC code (WW, WWPP or WWPPGGR) nor an internal code (INT0001)."),
            params={"value": value},
            code="unit_code_format",
        )
    parts = match.groupdict()
    _check_voivodeship(parts["woj"])
    if "pow" in parts and parts["pow"] == "00":
        raise ValidationError(_("Powiat part 00 is not valid in a TERC code."), code="terc_pow")
    if "gmi" in parts and parts["gmi"] == "00":
        raise ValidationError(_("Gmina part 00 is not valid in a TERC code."), code="terc_gmi")
    if "rodz" in parts and parts["rodz"] not in UNIT_GMINA_KINDS:
        raise ValidationError(
            _(
                "TERC kind digit %(rodz)s marks a part of a gmina or a city district, not a unit; "
                "units end in 1, 2 or 3."
            ),
            params={"rodz": parts["rodz"]},
            code="terc_rodz",
        )


def is_terc(code: str) -> bool:
    return not INTERNAL_CODE.match(code)


def schema_name_for_code(code: str) -> str:
    """Schema names follow the unit's code, which never changes, rather than its slug, which may."""
    return f"jst_{code.lower()}"
