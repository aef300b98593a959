"""The "location" field of forms: the places an application concerns — parcels by their identifier, addresses,
points picked on a map — and the parcel identifier's rules. Here, in the forms engine, because filling checks
them; the places app above (shared_services/places) stores, resolves and searches the places.

A parcel identifier (identyfikator działki ewidencyjnej, annex 1 of the 2001 land-register regulation) is
`WWPPGG_R.OOOO.NR` or, where parcels are numbered within map sheets, `WWPPGG_R.OOOO.AR_N.NR`: the TERYT code of
the gmina or its part (R: 1 urban, 2 rural, 3 urban-rural, 4 the town and 5 the rural area of an urban-rural
gmina, 8 a Warsaw district, 9 a district of another city), the cadastral precinct (obręb), the map sheet, and
the parcel's number, which may carry a slash: `046301_1.0012.123/4`.

A location answer is a list of places, each an object with its `kind`:
    {"kind": "parcel", "parcel": "046301_1.0012.123/4"}
    {"kind": "address", "locality": "Toruń", "street": "ul. Szeroka", "number": "1"}
    {"kind": "point", "lat": 53.0102, "lon": 18.6048}
"""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

from platform_core.text import line_clean

_PARCEL = re.compile(
    r"(?P<teryt>(?P<gmina>\d{6})_(?P<kind>\d))\.(?P<precinct>\d{4})\.(?:AR_(?P<sheet>\d{1,4})\.)?"
    r"(?P<number>\d{1,6}(?:/\d{1,4})?)",
    re.ASCII,
)
_PARCEL_LOOSE = re.compile(r"\d{6}_\d\..+", re.ASCII)
PARCEL_KINDS = {"1", "2", "3", "4", "5", "8", "9"}
CITY_WITH_POWIAT_RIGHTS_FROM = 61  # powiat codes 61–99 are cities with powiat rights
MAX_PLACES = 20
PARCEL_MAX_LENGTH = 60


@dataclass(frozen=True)
class ParcelIdentifier:
    teryt: str  # "WWPPGG_R"
    precinct: str  # "OOOO"
    sheet: str  # the map sheet's number, or ""
    number: str  # "123/4"

    @property
    def identifier(self) -> str:
        sheet = f"AR_{self.sheet}." if self.sheet else ""
        return f"{self.teryt}.{self.precinct}.{sheet}{self.number}"

    @property
    def gmina_kind(self) -> str:
        return self.teryt[-1]


def _normal_text(value: str) -> str:
    # Spaces copied along (also non-breaking ones) carry no meaning; "ar_" is written in lower case sometimes.
    return re.sub(r"ar_", "AR_", "".join(str(value).split()), flags=re.IGNORECASE)


def parcel_identifier_parse(value: str) -> ParcelIdentifier | None:
    """The parts of a parcel identifier, or None when `value` is not one (validate_parcel_identifier says why)."""
    try:
        return _parts_of(validate_parcel_identifier(value))
    except ValidationError:
        return None


def _parts_of(text: str) -> ParcelIdentifier:
    match = _PARCEL.fullmatch(text)
    return ParcelIdentifier(
        teryt=match.group("teryt"),
        precinct=match.group("precinct"),
        sheet=str(int(match.group("sheet"))) if match.group("sheet") else "",
        number=match.group("number"),
    )


def validate_parcel_identifier(value: str) -> str:
    """The parcel identifier in its normal form; ValidationError saying what is wrong otherwise."""
    text = _normal_text(value)
    if len(text) > PARCEL_MAX_LENGTH:
        raise ValidationError(
            _("A parcel identifier is at most %(limit)s characters."),
            params={"limit": PARCEL_MAX_LENGTH},
            code="parcel_length",
        )
    match = _PARCEL.fullmatch(text)
    if match is None:
        if _PARCEL_LOOSE.fullmatch(text) and ".AR" in text.upper() and "AR_" not in text:
            raise ValidationError(
                _("Write the map sheet as AR_ and its number, e.g. 046301_1.0012.AR_5.123/4."), code="parcel_sheet"
            )
        raise ValidationError(
            _(
                "Enter the parcel identifier as WWPPGG_R.OOOO.NR, e.g. 046301_1.0012.123/4 "
                "(with a map sheet: 046301_1.0012.AR_5.123/4)."
            ),
            code="parcel_format",
        )
    if match.group("kind") not in PARCEL_KINDS:
        raise ValidationError(
            _("The digit after the underscore is the kind of gmina (1–5, 8 or 9), not %(digit)s."),
            params={"digit": match.group("kind")},
            code="parcel_kind",
        )
    if match.group("precinct") == "0000":
        raise ValidationError(
            _("The cadastral precinct (the four digits after the dot) cannot be 0000."), code="parcel_precinct"
        )
    number = match.group("number")
    if int(number.split("/")[0]) == 0 or ("/" in number and int(number.split("/")[1]) == 0):
        raise ValidationError(_("A parcel number cannot be 0."), code="parcel_number")
    return _parts_of(text).identifier


def parcel_in_unit(teryt: str, unit_code: str) -> bool | None:
    """Whether a parcel's TERYT part ("WWPPGG_R") lies in the unit with the TERC code `unit_code`; None when the
    unit has no TERC code (an internal one) and nothing can be said.

    A gmina (WWPPGGR): the same six digits, and a matching kind — an urban-rural gmina (3) holds its town (4)
    and rural area (5); a city with powiat rights (PP ≥ 61) holds its districts (8, 9), which have their own
    GG, so there the first four digits decide. A powiat (WWPP) holds every gmina of it; a voivodeship (WW)
    every one of its."""
    if not re.fullmatch(r"\d{2}|\d{4}|\d{7}", unit_code or "", re.ASCII):
        return None
    digits, kind = teryt[:6], teryt[-1]
    if len(unit_code) in (2, 4):
        return digits.startswith(unit_code)
    unit_digits, unit_kind = unit_code[:6], unit_code[6]
    if kind in ("8", "9"):
        return unit_kind == "1" and int(unit_code[2:4]) >= CITY_WITH_POWIAT_RIGHTS_FROM and digits[:4] == unit_code[:4]
    if digits != unit_digits:
        return False
    return kind == unit_kind or (unit_kind == "3" and kind in ("4", "5"))


def current_unit_code() -> str:
    """The TERC code of the unit whose schema is in use (django-tenants), or ""."""
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "code", "") or ""


# --- The field in form definitions ------------------------------------------------------------------------------

LOCATION_ITEM_SCHEMA = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["parcel", "address", "point"]},
        "parcel": {"type": "string", "maxLength": PARCEL_MAX_LENGTH},
        "locality": {"type": "string", "maxLength": 100},
        "street": {"type": "string", "maxLength": 150},
        "number": {"type": "string", "maxLength": 20},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
    },
    "required": ["kind"],
    "additionalProperties": False,
}


def location_field_schema(title: str, description: str = "", *, max_places: int = 5) -> dict:
    """A form property asking for up to `max_places` places (the form builder's "location" type)."""
    spec = {
        "type": "array",
        "title": title,
        "x-location": True,
        "items": LOCATION_ITEM_SCHEMA,
        "minItems": 1,
        "maxItems": max_places,
    }
    if description:
        spec["description"] = description
    return spec


def is_location(spec) -> bool:
    return isinstance(spec, dict) and spec.get("x-location") is True


def location_spec_problems(name: str, spec: dict) -> list:
    """What is wrong with a location property of a definition (definition.py's checks)."""
    max_items = spec.get("maxItems")
    if spec.get("type") != "array" or spec.get("items") != LOCATION_ITEM_SCHEMA:
        return [_("location field %s must be a list of places (use the form builder's location type)") % name]
    if not isinstance(max_items, int) or isinstance(max_items, bool) or not 1 <= max_items <= MAX_PLACES:
        return [_("location field %(field)s needs maxItems from 1 to %(limit)s") % {"field": name, "limit": MAX_PLACES}]
    return []


def location_text(places) -> str:
    """A location answer as one line for people (answers.py)."""
    return "; ".join(place_text(place) for place in places if isinstance(place, dict))


def place_text(place: dict) -> str:
    kind = place.get("kind")
    if kind == "parcel":
        return str(_("parcel %(identifier)s") % {"identifier": place.get("parcel", "")})
    if kind == "point":
        return str(_("point %(lat)s, %(lon)s") % {"lat": place.get("lat"), "lon": place.get("lon")})
    return ", ".join(
        part
        for part in (place.get("locality"), " ".join(filter(None, (place.get("street"), place.get("number")))))
        if part
    )


# --- Filling it in, without JavaScript -------------------------------------------------------------------------

_ROW_PARTS = ("parcel", "locality", "street", "number", "lat", "lon")
CONFIRM_SUFFIX = "__outside_confirmed"
ROWS_SHOWN_EXTRA = 1  # empty rows below the filled ones, for one more place


class LocationWidget(forms.Widget):
    """A row of text boxes per place: a parcel identifier, or an address (locality, street, number), or a point
    (latitude, longitude — what the map picker fills in). Which the resident filled decides the kind."""

    template_name = "eforms/widgets/location.html"
    use_fieldset = True

    def __init__(self, *, max_places: int = 5, attrs=None):
        super().__init__(attrs)
        self.max_places = max_places
        self.outside_parcels: list[str] = []  # set by the field's check: parcels of another unit, to confirm

    def value_from_datadict(self, data, files, name):
        stored = data.get(name)
        if isinstance(stored, dict):  # a draft's (draft_value below), when its answers are checked again
            rows = [dict(row) for row in stored.get("rows", []) if isinstance(row, dict)]
            return {"rows": rows, "confirmed": bool(stored.get("confirmed"))}
        rows = [
            {part: str(data.get(f"{name}-{index}-{part}", "")) for part in _ROW_PARTS}
            for index in range(self.max_places)
        ]
        return {"rows": rows, "confirmed": bool(data.get(f"{name}{CONFIRM_SUFFIX}"))}

    def draft_value(self, data, name, *, clean) -> dict:
        """The filled rows as typed and the confirmation, for a draft (eforms.services.draft_save)."""
        value = self.value_from_datadict(data, {}, name)
        rows = [{part: clean(str(row.get(part, ""))) for part in _ROW_PARTS} for row in value["rows"]]
        return {"rows": [row for row in rows if any(row.values())][: self.max_places], "confirmed": value["confirmed"]}

    def value_omitted_from_data(self, data, files, name):
        return not any(key.startswith(f"{name}-") for key in data)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = _rows_of(value)
        filled = sum(1 for row in rows if any(row.values()))
        shown = min(self.max_places, max(filled + ROWS_SHOWN_EXTRA, 1))
        rows = (rows + [dict.fromkeys(_ROW_PARTS, "")] * self.max_places)[:shown]
        base_id = attrs.get("id") or f"id_{name}" if attrs else f"id_{name}"
        context["widget"].update(
            rows=[{"index": index, "id": f"{base_id}-{index}", "values": row} for index, row in enumerate(rows)],
            outside_parcels=self.outside_parcels,
            confirm_name=f"{name}{CONFIRM_SUFFIX}",
            confirmed=isinstance(value, dict) and value.get("confirmed"),
            max_places=self.max_places,
        )
        return context


def _rows_of(value) -> list[dict]:
    """The rows to show: posted ones, or a stored answer (a draft's list of places)."""
    if isinstance(value, dict):
        return [dict(row) for row in value.get("rows", [])]
    if isinstance(value, list):
        rows = []
        for place in value:
            if isinstance(place, dict):
                rows.append({part: "" if place.get(part) is None else str(place.get(part)) for part in _ROW_PARTS})
        return rows
    return []


class LocationField(forms.Field):
    """The places of a location answer, checked: a parcel identifier's form, and whether it lies in this unit (a
    parcel of another unit must be confirmed by ticking a box, so it is never filed by mistake nor silently)."""

    def __init__(self, *, max_places: int = 5, unit_code: str | None = None, **kwargs):
        self.max_places = max_places
        self.unit_code = unit_code
        super().__init__(widget=LocationWidget(max_places=max_places), **kwargs)

    def to_python(self, value):
        if isinstance(value, list):  # a stored answer (a draft)
            return value
        if not isinstance(value, dict):
            return []
        places, errors = [], []
        outside = []
        for index, row in enumerate(value.get("rows", []), start=1):
            row = {part: line_clean(text).strip() for part, text in row.items()}
            if not any(row.values()):
                continue
            try:
                place = place_from_row(row)
            except ValidationError as error:
                errors.extend(
                    ValidationError(_("Place %(number)s: %(problem)s"), params={"number": index, "problem": message})
                    for message in error.messages
                )
                continue
            if place["kind"] == "parcel":
                unit_code = self.unit_code if self.unit_code is not None else current_unit_code()
                if parcel_in_unit(place["parcel"][:8], unit_code) is False:
                    outside.append(place["parcel"])
            places.append(place)
        if errors:
            raise ValidationError(errors)
        self.widget.outside_parcels = outside
        if outside and not value.get("confirmed"):
            raise ValidationError(
                _(
                    "Parcel %(parcels)s does not lie in this office's area (by its identifier). Check the "
                    "identifier, or tick the box below to confirm that the application concerns it."
                ),
                params={"parcels": ", ".join(outside)},
                code="parcel_outside_unit",
            )
        return places

    def validate(self, value):
        super().validate(value)
        if len(value) > self.max_places:
            raise ValidationError(_("At most %(limit)s places."), params={"limit": self.max_places})


def place_from_row(row: dict) -> dict:
    """One place of the boxes of a row (parcel, locality, street, number, lat, lon, as typed and cleaned); raises
    ValidationError saying what is wrong."""
    if row["parcel"]:
        if any(row[part] for part in ("locality", "street", "number", "lat", "lon")):
            raise ValidationError(_("give either a parcel, an address or a point, not several in one row."))
        return {"kind": "parcel", "parcel": validate_parcel_identifier(row["parcel"])}
    if row["lat"] or row["lon"]:
        if any(row[part] for part in ("locality", "street", "number")):
            raise ValidationError(_("give either a parcel, an address or a point, not several in one row."))
        try:
            lat, lon = float(row["lat"].replace(",", ".")), float(row["lon"].replace(",", "."))
        except ValueError:
            raise ValidationError(
                _("a point needs its latitude and longitude as numbers, e.g. 53.0102 and 18.6048.")
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(_("the latitude is from -90 to 90 and the longitude from -180 to 180."))
        return {"kind": "point", "lat": round(lat, 7), "lon": round(lon, 7)}
    if not row["locality"]:
        raise ValidationError(_("an address needs its locality."))
    if not (row["street"] or row["number"]):
        raise ValidationError(_("an address needs a street or a house number."))
    for part, limit in (("locality", 100), ("street", 150), ("number", 20)):
        if len(row[part]) > limit:
            raise ValidationError(_("the address is too long."))
    place = {"kind": "address", "locality": row["locality"]}
    place.update({part: row[part] for part in ("street", "number") if row[part]})
    return place
