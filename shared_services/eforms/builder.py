"""The form builder's model: a form as steps of typed fields, which writes the very JSON Schema (draft 2020-12)
and layout the platform renders, checks and versions (definition.py), and reads one back.

A builder form is what people who are not programmers compose: a field has a kind (text, PESEL, a choice …), a
label, a help text, a required flag, an optional condition on another field's answer and the options of its kind.
`definition_write` turns it into a definition; `definition_read` turns a definition into a builder form and says
what in it the builder cannot express (a pattern of one's own, rules over several answers …): such a definition is
left to the raw JSON editor, since editing it here would lose that. Reading is exact by construction: a definition
is editable only if writing what was read gives the definition back (`BuilderReading.problems` is empty then).

An "address" is no kind of field but three fields added at once (street, postal code, town), as the standard
forms ask for an address; each is then an ordinary field.
"""

import copy
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields

from django.utils.translation import gettext_lazy as _

from .definition import MAX_FIELD_NAME, MAX_FIELDS
from .json_schema import DIALECT
from .locations import is_location, location_field_schema

TEXT = "text"
LONG_TEXT = "long_text"
NUMBER = "number"
MONEY = "money"
DATE = "date"
YES_NO = "yes_no"
CHOICE = "choice"
MULTIPLE_CHOICE = "multiple_choice"
EMAIL = "email"
PHONE = "phone"
POSTAL_CODE = "postal_code"
PESEL = "pesel"
NIP = "nip"
REGON = "regon"
IBAN = "iban"
FILE = "file"
LOCATION = "location"  # places: parcels, addresses, points (locations.py)
ADDRESS = "address"  # a preset of three fields, not a kind

KINDS = {
    TEXT: _("Text (one line)"),
    LONG_TEXT: _("Long text"),
    NUMBER: _("Number"),
    MONEY: _("Amount of money"),
    DATE: _("Date"),
    YES_NO: _("Yes/no (a box to tick)"),
    CHOICE: _("Choice of one option"),
    MULTIPLE_CHOICE: _("Multiple choice"),
    EMAIL: _("E-mail address"),
    PHONE: _("Telephone number"),
    POSTAL_CODE: _("Postal code"),
    PESEL: _("PESEL"),
    NIP: _("NIP"),
    REGON: _("REGON"),
    IBAN: _("Bank account (IBAN)"),
    FILE: _("File"),
    LOCATION: _("Places (parcels, addresses, points on a map)"),
}
KINDS_TO_ADD = {**KINDS, ADDRESS: _("Address (street, postal code, town)")}

# Kinds a resident types free text into: each needs a maximum length (a limit on what one answer may store).
FREE_TEXT_KINDS = (TEXT, LONG_TEXT, EMAIL, PHONE)
# Kinds whose answers a condition of another field can wait for.
CONDITION_KINDS = (CHOICE, YES_NO)
# The string formats of definition.py's FORMAT_VALIDATORS and the standard ones, by kind.
FORMATS = {DATE: "date", POSTAL_CODE: "postal-code", PESEL: "pesel", NIP: "nip", REGON: "regon", IBAN: "iban"}
KINDS_OF_FORMATS = {**{fmt: kind for kind, fmt in FORMATS.items()}, "email": EMAIL}
# A telephone number as the standard forms accept it: digits, spaces, +, brackets and dashes.
PHONE_PATTERN = "^[0-9 +()-]*$"
DEFAULT_MAX_LENGTH = {TEXT: 200, LONG_TEXT: 10_000, EMAIL: 254, PHONE: 30}
DEFAULT_AUTOCOMPLETE = {EMAIL: "email", PHONE: "tel"}
MB = 1024 * 1024
DEFAULT_FILE_TYPES = ["application/pdf", "image/jpeg", "image/png"]
DEFAULT_FILE_BYTES = 10 * MB
# What a file field may accept: the kinds the content check (uploads.py) recognises that residents send.
FILE_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
    "image/heic": "HEIC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}
# WCAG 1.3.5: fields asking for the resident's own data say which (HTML autocomplete tokens).
AUTOCOMPLETE = {
    "": _("(none)"),
    "given-name": _("first name"),
    "family-name": _("surname"),
    "name": _("full name"),
    "organization": _("organisation"),
    "street-address": _("street and number"),
    "postal-code": _("postal code"),
    "address-level2": _("town"),
    "email": _("e-mail"),
    "tel": _("telephone"),
    "bday": _("date of birth"),
}
# The preview form's own inputs (builder_pages.py): no field composed here takes their names.
RESERVED_NAMES = frozenset({"state", "action", "csrfmiddlewaretoken"})


@dataclass
class BuilderField:
    """One field as people describe it; `name` is its key in the filed document (what the office's systems read)."""

    name: str
    kind: str
    label: str
    help: str = ""
    required: bool = False
    # Shown only when the field `condition["field"]` has the answer `condition["equals"]`.
    condition: dict | None = None
    max_length: int | None = None  # free text kinds
    min_length: int | None = None
    minimum: int | float | None = None  # numbers; money in grosze
    maximum: int | float | None = None
    whole: bool = False  # a number without a fraction (JSON Schema "integer")
    choices: list = field(default_factory=list)  # [value, label] pairs
    radio: bool = False  # a choice as radio buttons, not a drop-down list
    confirm: bool = False  # yes/no that must be ticked (a declaration)
    media_types: list = field(default_factory=list)
    max_bytes: int | None = None
    autocomplete: str = ""

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))


@dataclass
class BuilderStep:
    title: str
    fields: list = field(default_factory=list)  # names of BuilderFields


@dataclass
class BuilderForm:
    """A whole form: its title, its steps in order, its fields by name."""

    title: str
    steps: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)

    def field_names(self) -> list[str]:
        return [name for step in self.steps for name in step.fields]

    def step_of(self, name: str) -> int:
        return next(index for index, step in enumerate(self.steps) if name in step.fields)

    def condition_sources(self, *, excluding: str = "") -> list[BuilderField]:
        """Fields whose answers a condition can wait for (choices and yes/no), in the form's order."""
        return [
            self.fields[name]
            for name in self.field_names()
            if name != excluding and self.fields[name].kind in CONDITION_KINDS
        ]


class BuilderError(Exception):
    """An operation the form does not allow (a name taken, a step not there …), said for people."""


class BuilderStateInvalid(Exception):
    """A builder form sent back by a browser that is not one the builder wrote."""


# --- Writing a definition --------------------------------------------------------------------------------


def definition_write(form: BuilderForm) -> tuple[dict, dict]:
    """The JSON Schema and layout of `form`, as definition.py describes them. A conditional field that is
    required is required by the schema's own if/then, so the rule holds for every client."""
    properties, required, widgets, show_when, autocomplete = {}, [], {}, {}, {}
    conditional_required: dict[tuple, list[str]] = {}
    for name in form.field_names():
        spec_field = form.fields[name]
        properties[name] = _field_schema(spec_field)
        if spec_field.kind == LONG_TEXT:
            widgets[name] = "textarea"
        elif spec_field.kind == CHOICE and spec_field.radio:
            widgets[name] = "radio"
        if spec_field.autocomplete:
            autocomplete[name] = spec_field.autocomplete
        if spec_field.condition:
            show_when[name] = dict(spec_field.condition)
            if spec_field.required:
                key = (spec_field.condition["field"], _condition_key(spec_field.condition["equals"]))
                conditional_required.setdefault(key, []).append(name)
        elif spec_field.required:
            required.append(name)
    json_schema = {
        "$schema": DIALECT,
        "title": form.title,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    rules = []
    for (source, _key), names in conditional_required.items():
        equals = form.fields[names[0]].condition["equals"]
        rules.append(
            {
                "if": {"properties": {source: {"const": equals}}, "required": [source]},
                "then": {"required": names},
            }
        )
    if rules:
        json_schema["allOf"] = rules
    layout = {"steps": [{"title": step.title, "fields": list(step.fields)} for step in form.steps]}
    for key, value in (("autocomplete", autocomplete), ("widgets", widgets), ("show_when", show_when)):
        if value:
            layout[key] = value
    return json_schema, layout


def _condition_key(value):
    # True and 1 are equal in Python but not in JSON Schema's const.
    return (type(value).__name__, value)


def _field_schema(spec_field: BuilderField) -> dict:
    kind = spec_field.kind
    spec: dict = {"type": "string", "title": spec_field.label}
    if spec_field.help:
        spec["description"] = spec_field.help
    if kind in FREE_TEXT_KINDS:
        if spec_field.max_length is not None:
            spec["maxLength"] = spec_field.max_length
        if spec_field.min_length is not None:
            spec["minLength"] = spec_field.min_length
        if kind == EMAIL:
            spec["format"] = "email"
        if kind == PHONE:
            spec["pattern"] = PHONE_PATTERN
    elif kind in FORMATS:
        spec["format"] = FORMATS[kind]
    elif kind in (NUMBER, MONEY):
        spec["type"] = "integer" if kind == MONEY or spec_field.whole else "number"
        if kind == MONEY:
            spec["x-money"] = True
        for key in ("minimum", "maximum"):
            if getattr(spec_field, key) is not None:
                spec[key] = getattr(spec_field, key)
    elif kind == YES_NO:
        spec["type"] = "boolean"
        if spec_field.confirm:
            spec["const"] = True
    elif kind == CHOICE:
        spec["oneOf"] = [{"const": value, "title": label} for value, label in spec_field.choices]
    elif kind == MULTIPLE_CHOICE:
        spec["type"] = "array"
        spec["items"] = {
            "type": "string",
            "oneOf": [{"const": value, "title": label} for value, label in spec_field.choices],
        }
        spec["uniqueItems"] = True
    elif kind == LOCATION:  # how many places: `maximum`
        spec = location_field_schema(spec_field.label, spec_field.help, max_places=int(spec_field.maximum or 5))
    elif kind == FILE:
        limits: dict = {"mediaTypes": list(spec_field.media_types)}
        if spec_field.max_bytes is not None:
            limits["maxBytes"] = spec_field.max_bytes
        spec["x-attachment"] = limits
    return spec


# --- Reading a definition --------------------------------------------------------------------------------


@dataclass
class BuilderReading:
    form: BuilderForm
    problems: list  # what the builder cannot express; empty when the builder can edit the definition


def definition_read(json_schema, layout) -> BuilderReading:
    """`json_schema` and `layout` as a builder form, with what of them the builder cannot express. Never raises:
    anything unexpected is a problem to report, and the raw JSON editor is the way to change it."""
    schema = json_schema if isinstance(json_schema, dict) else {}
    layout = layout if isinstance(layout, dict) else {}
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return BuilderReading(form=builder_form_new(), problems=[_("the definition cannot be read")])
    title = schema.get("title") if isinstance(schema.get("title"), str) else ""
    form = BuilderForm(title=title)
    try:
        required = set(schema.get("required") or [])
        required |= _conditionally_required(schema.get("allOf") or [])
        widgets = _dict(layout.get("widgets"))
        conditions = _dict(layout.get("show_when"))
        autocomplete = _dict(layout.get("autocomplete"))
        for name, spec in properties.items():
            form.fields[name] = _field_read(
                name,
                spec if isinstance(spec, dict) else {},
                required=name in required,
                widget=widgets.get(name),
                condition=conditions.get(name),
                autocomplete=autocomplete.get(name, ""),
            )
        steps = layout.get("steps")
        if isinstance(steps, list) and steps:
            form.steps = [BuilderStep(title=str(step.get("title", "")), fields=list(step["fields"])) for step in steps]
        else:
            form.steps = [BuilderStep(title="", fields=list(properties))]
        problems = _differences(form, schema, layout)
    except (TypeError, KeyError, AttributeError, ValueError):
        return BuilderReading(form=builder_form_new(title), problems=[_("the definition cannot be read")])
    return BuilderReading(form=form, problems=problems)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _conditionally_required(rules) -> set:
    names = set()
    for rule in rules if isinstance(rules, list) else []:
        then = rule.get("then") if isinstance(rule, dict) else None
        if isinstance(then, dict) and isinstance(then.get("required"), list):
            names |= {name for name in then["required"] if isinstance(name, str)}
    return names


def _field_read(name: str, spec: dict, *, required: bool, widget, condition, autocomplete) -> BuilderField:
    kind = _kind_of(spec, widget)
    read = BuilderField(
        name=name,
        kind=kind,
        label=spec.get("title", name),
        help=spec.get("description", ""),
        required=required,
        condition=dict(condition) if isinstance(condition, dict) else None,
        autocomplete=autocomplete if isinstance(autocomplete, str) else "",
        max_length=spec.get("maxLength"),
        min_length=spec.get("minLength"),
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        whole=spec.get("type") == "integer" and kind == NUMBER,
        radio=widget == "radio",
        confirm=spec.get("const") is True,
    )
    if kind in (CHOICE, MULTIPLE_CHOICE):
        choices_of = _dict(spec.get("items")) if kind == MULTIPLE_CHOICE else spec
        options = choices_of.get("oneOf") or [{"const": value, "title": value} for value in choices_of.get("enum", [])]
        read.choices = [[option.get("const"), option.get("title", option.get("const"))] for option in options]
    if kind == LOCATION:
        read.maximum = spec.get("maxItems")
    if kind == FILE:
        limits = _dict(spec.get("x-attachment"))
        read.media_types = list(limits.get("mediaTypes") or [])
        read.max_bytes = limits.get("maxBytes")
    return read


def _kind_of(spec: dict, widget) -> str:
    kind = spec.get("type")
    if "x-attachment" in spec:
        return FILE
    if is_location(spec):
        return LOCATION
    if kind == "array":
        return MULTIPLE_CHOICE
    if "oneOf" in spec or "enum" in spec:
        return CHOICE
    if kind == "boolean":
        return YES_NO
    if kind in ("integer", "number"):
        return MONEY if spec.get("x-money") else NUMBER
    if spec.get("format") in KINDS_OF_FORMATS:
        return KINDS_OF_FORMATS[spec["format"]]
    if spec.get("pattern") == PHONE_PATTERN:
        return PHONE
    return LONG_TEXT if widget == "textarea" else TEXT


def _differences(form: BuilderForm, schema: dict, layout: dict) -> list:
    """What writing `form` would change in the definition it was read from: the builder cannot express it."""
    written_schema, written_layout = definition_write(form)
    original_schema = {"$schema": DIALECT, "required": [], "additionalProperties": False, **schema}
    original_layout = copy.deepcopy(layout)
    if not original_layout.get("steps"):
        original_layout["steps"] = written_layout["steps"]
    problems = []
    properties = original_schema.get("properties", {})
    for name, spec in properties.items():
        if written_schema["properties"].get(name) != spec:
            problems.append(_("field “%(field)s” uses options the builder does not offer") % {"field": name})
    if _sorted_rules(written_schema.get("allOf")) != _sorted_rules(original_schema.get("allOf")):
        problems.append(_("the schema has rules over several answers (allOf) beyond the fields' conditions"))
    other_keys = {key for key in set(original_schema) | set(written_schema) if key not in ("properties", "allOf")}
    changed = sorted(key for key in other_keys if _comparable(original_schema, key) != _comparable(written_schema, key))
    if "required" in changed and not problems:
        problems.append(_("the schema's list of required fields does not match the fields' conditions"))
    changed = [key for key in changed if key != "required"]
    if changed:
        problems.append(_("the schema uses keywords the builder does not offer: %s") % ", ".join(changed))
    layout_keys = set(original_layout) | set(written_layout)
    changed_layout = sorted(key for key in layout_keys if original_layout.get(key) != written_layout.get(key))
    if changed_layout and not problems:
        problems.append(_("the layout uses what the builder does not offer: %s") % ", ".join(changed_layout))
    return problems


def _comparable(schema: dict, key: str):
    # The order of the required fields means nothing.
    value = schema.get(key)
    return sorted(map(str, value)) if key == "required" and isinstance(value, list) else value


def _sorted_rules(rules) -> list:
    return sorted(json.dumps(rule, sort_keys=True) for rule in rules or [])


# --- Checking a builder form -------------------------------------------------------------------------------


def builder_problems(form: BuilderForm) -> list:
    """What keeps `form` from being published, said for the person composing it (definition_check then checks
    the definition written from it as it checks every definition)."""
    problems = []
    if not form.title.strip():
        problems.append(_("The form needs a title."))
    if not form.fields:
        problems.append(_("The form needs at least one field."))
    for name in form.field_names():
        spec_field = form.fields[name]
        if spec_field.kind in FREE_TEXT_KINDS and spec_field.max_length is None:
            problems.append(_("Field “%(label)s” needs a maximum length.") % {"label": spec_field.label})
        if spec_field.kind in (CHOICE, MULTIPLE_CHOICE) and not spec_field.choices:
            problems.append(_("Field “%(label)s” needs options to choose from.") % {"label": spec_field.label})
        if spec_field.kind == FILE and not spec_field.media_types:
            problems.append(_("Field “%(label)s” needs the kinds of file it accepts.") % {"label": spec_field.label})
    for index, step in enumerate(form.steps, start=1):
        if not step.fields:
            problems.append(_("Step %(number)s has no fields.") % {"number": index})
    return problems


# --- Changing a builder form -------------------------------------------------------------------------------


def field_name_from(label: str, taken) -> str:
    """A key for a new field from its label ("Numer PESEL" → "numer_pesel"), unique among `taken`."""
    ascii_text = unicodedata.normalize("NFKD", str(label).replace("ł", "l").replace("Ł", "L"))
    words = re.findall(r"[a-z0-9]+", ascii_text.encode("ascii", "ignore").decode().lower())
    base = "_".join(words)[: MAX_FIELD_NAME - 4] or "pole"
    if not base[0].isalpha():
        base = f"pole_{base}"
    name, number = base, 2
    while name in taken or name in RESERVED_NAMES:
        name, number = f"{base}_{number}", number + 1
    return name


def field_new(kind: str, *, label: str, taken) -> BuilderField:
    """A field of `kind` with the defaults a first draft needs (a length limit for text, PDF/JPEG/PNG for files)."""
    new = BuilderField(name=field_name_from(label, taken), kind=kind, label=label)
    if kind in FREE_TEXT_KINDS:
        new.max_length = DEFAULT_MAX_LENGTH[kind]
        new.autocomplete = DEFAULT_AUTOCOMPLETE.get(kind, "")
        if kind in (TEXT, LONG_TEXT):
            new.min_length = 1
    if kind == CHOICE:
        new.choices = [["tak", str(_("Yes"))], ["nie", str(_("No"))]]
        new.radio = True
    if kind == MULTIPLE_CHOICE:
        new.choices = [["a", str(_("First option"))], ["b", str(_("Second option"))]]
    if kind == FILE:
        new.media_types, new.max_bytes = list(DEFAULT_FILE_TYPES), DEFAULT_FILE_BYTES
    if kind == MONEY:
        new.minimum = 0
    if kind == LOCATION:
        new.maximum = 5
    return new


def field_add(form: BuilderForm, kind: str, *, step: int) -> list[str]:
    """Add a field of `kind` (or the three of an address) at the end of step number `step`; their names."""
    if kind not in KINDS_TO_ADD:
        raise BuilderError(_("There is no such kind of field."))
    if not 0 <= step < len(form.steps):
        raise BuilderError(_("There is no such step."))
    if kind == ADDRESS:
        parts = [
            (TEXT, _("Street and house / flat number"), "street-address"),
            (POSTAL_CODE, _("Postal code"), "postal-code"),
            (TEXT, _("Town"), "address-level2"),
        ]
    else:
        parts = [(kind, KINDS[kind], "")]
    if len(form.fields) + len(parts) > MAX_FIELDS:
        raise BuilderError(_("A form has at most %(limit)s fields.") % {"limit": MAX_FIELDS})
    added = []
    for part_kind, label, token in parts:
        new = field_new(part_kind, label=str(label), taken=form.fields)
        new.autocomplete = token or new.autocomplete
        if part_kind == TEXT and token:
            new.max_length = 100 if token == "address-level2" else 200
        form.fields[new.name] = new
        form.steps[step].fields.append(new.name)
        added.append(new.name)
    return added


def field_replace(form: BuilderForm, old_name: str, changed: BuilderField) -> None:
    """Put `changed` in the place of field `old_name`; a new name is carried into the conditions that use it.
    A field a condition waits for keeps a kind that conditions can wait for."""
    if old_name not in form.fields:
        raise BuilderError(_("There is no such field."))
    if changed.name != old_name and changed.name in form.fields:
        raise BuilderError(_("Another field already has the name %(name)s.") % {"name": changed.name})
    dependants = [item for item in form.fields.values() if item.condition and item.condition["field"] == old_name]
    if dependants and changed.kind not in CONDITION_KINDS:
        raise BuilderError(_("Other fields are shown depending on this one; remove their conditions first."))
    fields_in_order = {}
    for name, item in form.fields.items():
        fields_in_order[changed.name if name == old_name else name] = changed if name == old_name else item
    form.fields = fields_in_order
    for step in form.steps:
        step.fields = [changed.name if name == old_name else name for name in step.fields]
    for item in dependants:
        item.condition = {**item.condition, "field": changed.name}


def field_move(form: BuilderForm, name: str, offset: int) -> None:
    """Move a field one place up (-1) or down (+1); past the start or end of its step, into the step before or
    after it."""
    if name not in form.fields or offset not in (-1, 1):
        raise BuilderError(_("There is no such field."))
    index = form.step_of(name)
    names = form.steps[index].fields
    position = names.index(name)
    target = position + offset
    if 0 <= target < len(names):
        names[position], names[target] = names[target], names[position]
    elif 0 <= index + offset < len(form.steps):
        names.remove(name)
        neighbour = form.steps[index + offset].fields
        if offset < 0:
            neighbour.append(name)
        else:
            neighbour.insert(0, name)


def field_delete(form: BuilderForm, name: str) -> list[str]:
    """Remove a field; fields shown depending on it lose their condition. Their labels."""
    if name not in form.fields:
        raise BuilderError(_("There is no such field."))
    del form.fields[name]
    for step in form.steps:
        if name in step.fields:
            step.fields.remove(name)
    freed = []
    for item in form.fields.values():
        if item.condition and item.condition["field"] == name:
            item.condition = None
            freed.append(item.label)
    return freed


def step_add(form: BuilderForm, title: str) -> None:
    form.steps.append(BuilderStep(title=title))


def step_rename(form: BuilderForm, index: int, title: str) -> None:
    if not 0 <= index < len(form.steps):
        raise BuilderError(_("There is no such step."))
    form.steps[index].title = title


def step_delete(form: BuilderForm, index: int) -> None:
    """Remove an empty step (one with fields would take them along, so their fields go first)."""
    if not 0 <= index < len(form.steps):
        raise BuilderError(_("There is no such step."))
    if form.steps[index].fields:
        raise BuilderError(_("Only an empty step can be removed: move or remove its fields first."))
    if len(form.steps) == 1:
        raise BuilderError(_("A form has at least one step."))
    del form.steps[index]


def step_move(form: BuilderForm, index: int, offset: int) -> None:
    target = index + offset
    if not (0 <= index < len(form.steps) and 0 <= target < len(form.steps)):
        raise BuilderError(_("There is no such step."))
    form.steps[index], form.steps[target] = form.steps[target], form.steps[index]


# --- The state a browser carries between requests -------------------------------------------------------------

_FIELD_KEYS = {item.name for item in fields(BuilderField)}


def state_dump(form: BuilderForm) -> dict:
    return asdict(form)


def state_load(state) -> BuilderForm:
    """A builder form from what `state_dump` wrote; raises BuilderStateInvalid for anything else (the state is
    signed, so this guards against the builder's own older states, not against forgery)."""
    try:
        steps = [
            BuilderStep(title=str(step["title"]), fields=[str(name) for name in step["fields"]])
            for step in state["steps"]
        ]
        loaded = {}
        for name, item in state["fields"].items():
            if set(item) - _FIELD_KEYS:
                raise BuilderStateInvalid("unknown keys")
            loaded[str(name)] = BuilderField(**item)
        form = BuilderForm(title=str(state["title"]), steps=steps, fields=loaded)
    except (TypeError, KeyError, AttributeError) as error:
        raise BuilderStateInvalid(str(error)) from error
    placed = form.field_names()
    if sorted(placed) != sorted(form.fields) or len(placed) != len(set(placed)) or not form.steps:
        raise BuilderStateInvalid("steps and fields disagree")
    return form


def builder_form_new(title: str = "") -> BuilderForm:
    return BuilderForm(title=title, steps=[BuilderStep(title=str(_("Applicant")))])
