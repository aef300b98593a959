"""The official TERYT TERC register (GUS), as shipped in onboarding/data/.

Columns: WOJ, POW, GMI, RODZ, NAZWA, NAZWA_DOD, STAN_NA. A row is a unit of local government when it is
a voivodeship (WOJ only), a powiat (WOJ+POW, POW < 61) or a gmina (RODZ 1, 2 or 3). A city with powiat
rights appears twice (WWPP with POW ≥ 61, and WWPP011 as a gmina miejska): it is one unit, identified by
its gmina code. RODZ 4/5 (parts of an urban-rural gmina) and 8/9 (city districts) are not units.
"""

import csv
import itertools
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from tenants.codes import CITY_WITH_POWIAT_RIGHTS_FROM
from tenants.models import UnitKind

TERC_CSV = Path(__file__).resolve().parent / "data" / "terc-2024-01-01.csv"

_GMINA_KIND = {"1": UnitKind.GMINA_MIEJSKA, "2": UnitKind.GMINA_WIEJSKA, "3": UnitKind.GMINA_MIEJSKO_WIEJSKA}


@dataclass(frozen=True)
class TercUnit:
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None

    @property
    def official_name(self) -> str:
        """The name as offices write it: "Gmina Lubicz", "Powiat toruński", "Miasto Toruń"."""
        if self.kind == UnitKind.WOJEWODZTWO:
            return f"Województwo {self.name.lower()}"
        if self.kind == UnitKind.POWIAT:
            return f"Powiat {self.name}"
        if self.kind == UnitKind.MIASTO_NA_PRAWACH_POWIATU:
            return f"Miasto {self.name}"
        return f"Gmina {self.name}"


def unit_from_row(row: dict) -> TercUnit | None:
    woj, pow_, gmi, rodz, name = row["WOJ"], row["POW"], row["GMI"], row["RODZ"], row["NAZWA"]
    if not pow_:
        return TercUnit(woj, name, UnitKind.WOJEWODZTWO, None)
    city_with_powiat_rights = int(pow_) >= CITY_WITH_POWIAT_RIGHTS_FROM
    if not gmi:
        # The powiat-level row of a city with powiat rights is the same unit as its gmina row.
        return None if city_with_powiat_rights else TercUnit(woj + pow_, name, UnitKind.POWIAT, woj)
    if rodz not in _GMINA_KIND:
        return None
    if city_with_powiat_rights:
        return TercUnit(woj + pow_ + gmi + rodz, name, UnitKind.MIASTO_NA_PRAWACH_POWIATU, woj)
    return TercUnit(woj + pow_ + gmi + rodz, name, _GMINA_KIND[rodz], woj + pow_)


TERC_COLUMNS = ["WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA"]


class TercFileError(ValueError):
    pass


def codes_from_terc_csv(lines) -> list[str]:
    """Codes of the units listed in a TERC-format CSV (lines of text); other rows are parts, not units."""
    lines = iter(lines)
    header = next(lines, "")
    # GUS publishes TERC with ';' between columns; spreadsheets often save it with ','.
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(itertools.chain([header], lines), delimiter=delimiter)
    missing = [column for column in TERC_COLUMNS[:5] if column not in (reader.fieldnames or [])]
    if missing:
        raise TercFileError(
            _("The file is not in TERC format: missing columns %(columns)s (expected %(expected)s).")
            % {"columns": ", ".join(missing), "expected": ",".join(TERC_COLUMNS)}
        )
    codes = []
    for line_number, row in enumerate(reader, start=2):
        for column, length in (("WOJ", 2), ("POW", 2), ("GMI", 2), ("RODZ", 1)):
            value = row[column] or ""
            if (value or column == "WOJ") and not (value.isdigit() and len(value) == length):
                raise TercFileError(
                    _("Line %(line)d: %(column)s must be %(length)d digits, not “%(value)s”.")
                    % {"line": line_number, "column": column, "length": length, "value": value}
                )
        unit = unit_from_row(row)
        if unit is not None:
            codes.append(unit.code)
    return codes


def powiat_label(code: str) -> str | None:
    """The powiat a unit belongs to, as a reader would name it; None for a voivodeship or an internal code.

    A city with powiat rights is its own powiat.
    """
    units = units_by_code()
    if len(code) < 4 or not code[:4].isdigit():
        return None
    if int(code[2:4]) >= CITY_WITH_POWIAT_RIGHTS_FROM:
        city = units.get(code) or next((u for c, u in units.items() if c.startswith(code[:4])), None)
        return city.name if city else None
    powiat = units.get(code[:4])
    return f"powiat {powiat.name}" if powiat else None


@cache
def units_by_code() -> dict[str, TercUnit]:
    with TERC_CSV.open(encoding="utf-8", newline="") as handle:
        units = (unit_from_row(row) for row in csv.DictReader(handle))
        return {unit.code: unit for unit in units if unit is not None}


@cache
def children_by_code() -> dict[str, list[str]]:
    """Parent code → codes of the units directly below it."""
    children: dict[str, list[str]] = {}
    for code, unit in units_by_code().items():
        if unit.parent_code:
            children.setdefault(unit.parent_code, []).append(code)
    return children
