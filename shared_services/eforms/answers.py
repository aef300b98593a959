"""A filed application's answers as the resident saw them: each field's label (the schema's `title`) with its value
formatted for people — choices by their titles, yes/no, dates in the reader's language, money in złoty, files as
download links, nested objects and lists spelled out. A read over data already loaded: no queries.

Money is an integer number of grosze in a property marked `"x-money": true` (filling keeps amounts of money in
grosze so that no rounding ever happens); other numbers are measurements and are shown as they are.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .definition import FormDefinition
from .locations import is_location, location_text


@dataclass(frozen=True)
class AnswerFile:
    name: str
    url: str


@dataclass(frozen=True)
class AnswerRow:
    name: str  # the field's key in the document, for tests and anchors; never shown
    label: str
    text: str = ""
    files: tuple[AnswerFile, ...] = field(default_factory=tuple)


def submission_answers(
    definition: FormDefinition, data: dict, *, attachments: Iterable = (), file_url: Callable | None = None
) -> list[AnswerRow]:
    """(label, formatted value) rows in the form's order, only for fields that were answered. `attachments` are the
    submission's files (objects with `field` and `original_name`), `file_url(attachment)` the link to download
    one; keys of `data` the schema does not know come last, under their own names."""
    properties = definition.properties
    field_order = definition.field_order()
    files: dict[str, list[AnswerFile]] = {}
    for attachment in attachments:
        url = file_url(attachment) if file_url else ""
        files.setdefault(attachment.field, []).append(AnswerFile(name=attachment.original_name, url=url))
    names = list(dict.fromkeys([*field_order, *properties, *data, *files]))
    rows = []
    for name in names:
        spec = properties.get(name, {})
        label = spec.get("title") or name
        if name in files:
            rows.append(AnswerRow(name=name, label=label, files=tuple(files[name])))
        elif name in data and data[name] not in (None, "", [], {}):
            rows.append(AnswerRow(name=name, label=label, text=answer_text(data[name], spec)))
    return rows


def answer_text(value, spec: dict) -> str:
    """One answer as text, formatted by what its schema says it is."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    for option in spec.get("oneOf", []) or spec.get("anyOf", []):
        if isinstance(option, dict) and option.get("const") == value:
            return str(option.get("title", value))
    if is_location(spec) and isinstance(value, list):
        return location_text(value)
    if isinstance(value, dict):
        nested = spec.get("properties", {})
        return "; ".join(
            f"{nested.get(key, {}).get('title', key)}: {answer_text(item, nested.get(key, {}))}"
            for key, item in value.items()
            if item not in (None, "", [], {})
        )
    if isinstance(value, list):
        item_spec = spec.get("items") if isinstance(spec.get("items"), dict) else {}
        return ", ".join(answer_text(item, item_spec) for item in value)
    if spec.get("x-money") and isinstance(value, int):
        return _("%(amount)s zł") % {
            "amount": formats.number_format(Decimal(value) / 100, 2, use_l10n=True, force_grouping=True)
        }
    if isinstance(value, (int, float, Decimal)):
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, str) and spec.get("format") == "date" and (day := _date(value)):
        return formats.date_format(day, "DATE_FORMAT")
    if isinstance(value, str) and spec.get("format") == "date-time" and (moment := _datetime(value)):
        return formats.date_format(
            timezone.localtime(moment) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT"
        )
    return str(value)


def _date(value: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def _datetime(value: str) -> datetime | None:
    try:
        return parse_datetime(value)
    except ValueError:
        return None
