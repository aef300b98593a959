"""Form definitions: a JSON Schema (draft 2020-12) for the data plus a small layout for people.

The schema is the authority on what a valid submission is (it is what an API client would be checked
against too); the layout only says how to present it:

    {"steps": [{"title": "Wnioskodawca", "fields": ["first_name", "pesel"]}, …],
     "widgets": {"notes": "textarea", "applicant_kind": "radio"},
     "show_when": {"nip": {"field": "applicant_kind", "equals": "firma"}},
     "autocomplete": {"first_name": "given-name"}}

Field labels and help texts are the schema's `title` and `description`. An attachment is a string property
with an `x-attachment` keyword: {"mediaTypes": ["application/pdf"], "maxBytes": 5242880}. An amount of money
is an integer property of grosze with `"x-money": true`: residents type it in złoty ("17" or "17,50"). A multiple
choice is an array property whose `items` are text choices (`enum` or `oneOf` of `const`s), with `uniqueItems`.
A field shown only under a condition is made required by the schema's own `if`/`then`, so the rule holds for
every client, not only for this HTML rendering.
"""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from jsonschema.exceptions import best_match

from .json_schema import DIALECT, UNREADABLE, ReferenceProblems, meta_schema_errors, subschemas
from .locations import is_location, location_spec_problems

LAYOUT_WIDGETS = {"textarea", "radio"}


class DefinitionNotEditable(Exception):
    """A saved form version is read-only: submissions pin it. Create a new version instead."""


def current_version_field(version_model: str) -> models.OneToOneField:
    """A VersionedForm's pointer to its newest version (of the concrete `version_model`), the one people fill in."""
    return models.OneToOneField(
        version_model,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("current version"),
    )


class VersionedForm(models.Model):
    """A form people know by name; what to fill in is in its versions, the newest being `current`."""

    slug = models.SlugField(unique=True, max_length=100)
    name = models.CharField(_("name"), max_length=250)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class FormDefinition(models.Model):
    """One immutable version of a form. Concrete in the public schema (standard forms) and in each unit's
    schema (the unit's own forms)."""

    number = models.PositiveIntegerField(_("version"))
    json_schema = models.JSONField(_("JSON Schema"))
    layout = models.JSONField(_("layout"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The field of a draft or a submission that pins a version of this kind (eforms.models.PIN_FIELDS).
    pinned_as: str = ""

    class Meta:
        abstract = True
        ordering = ["-number"]

    def __str__(self):
        title = self.json_schema.get("title", "") if isinstance(self.json_schema, dict) else ""
        return f"{title} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise DefinitionNotEditable(f"{self} is saved; submissions pin it, so create a new version.")
        super().save(*args, **kwargs)

    def clean(self):
        definition_check(self.json_schema, self.layout)

    @property
    def properties(self) -> dict:
        # Robust to any stored JSON: the office's pages show submissions of every version.
        properties = self.json_schema.get("properties") if isinstance(self.json_schema, dict) else None
        return properties if isinstance(properties, dict) else {}

    @property
    def _layout(self) -> dict:
        return self.layout if isinstance(self.layout, dict) else {}

    def field_order(self) -> list[str]:
        steps = self._layout.get("steps")
        if not steps:
            return list(self.properties)
        return [name for step in steps for name in step["fields"]]

    def steps(self) -> list[tuple[str, list[str]]]:
        """(title, field names) per step; one untitled step when the layout has none."""
        steps = self._layout.get("steps")
        if not steps:
            return [("", list(self.properties))]
        return [(step.get("title", ""), step["fields"]) for step in steps]


SUPPORTED_TYPES = {"string", "integer", "number", "boolean", "array"}
_PYTHON_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,)}

# Limits of what a unit may define: far above any real form (the largest standard form has 16 fields in 4 KB),
# low enough that no definition makes a page or a check slow.
MAX_DEFINITION_CHARACTERS = 100_000
MAX_NESTING = 32  # objects and lists within each other
MAX_FIELDS = 200
MAX_FIELD_NAME = 100  # Attachment.field's length
MAX_OPTIONS = 1000  # of one choice (enum or oneOf)
MAX_TEXT_LENGTH = 100_000  # maxLength of a text field
MAX_PATTERN_LENGTH = 1000
MAX_CHECKED_SCHEMAS = 10_000  # schemas one answer is checked against, every $ref followed
UNSUPPORTED_KEYWORDS = ("patternProperties", "$dynamicRef", "$recursiveRef")


class DefinitionUnusable(Exception):
    """A stored definition that fails today's checks (it was saved before them): nobody can fill it in until
    the office saves a corrected version."""


def definition_check(json_schema: dict, layout: dict, *, stored: bool = False) -> None:
    """Refuse a definition that would break at filling time, saying what is wrong. Besides being valid JSON
    Schema, a form uses the subset the HTML rendering supports: flat properties of the SUPPORTED_TYPES,
    choices as `enum` or `oneOf` of `const`s, attachments with their media types; its patterns are matched by
    RE2 (json_schema.py), its references lead within it, and it keeps within the limits above. A new definition
    also gives every free text field a maximum length; one `stored` before that rule stays usable."""
    not_a_form = ValidationError(_("A form's schema must be an object with properties."))
    if not isinstance(json_schema, dict):
        raise not_a_form
    problems = _size_problems(json_schema, layout)
    if not problems:
        error = best_match(meta_schema_errors(json_schema))
        if error is not None:
            raise ValidationError(_("The JSON Schema is not valid: %(problem)s"), params={"problem": error.message})
        if json_schema.get("type") != "object" or not isinstance(json_schema.get("properties"), dict):
            raise not_a_form
        problems = _form_problems(json_schema, layout)
        if not stored:
            problems += _unbounded_text_problems(json_schema["properties"])
    if problems:
        raise ValidationError(
            _("The form cannot be used: %(problems)s."), params={"problems": "; ".join(map(str, problems))}
        )


# Whether a version's content passes definition_check, by the content's SHA-256 (a version never changes).
_usable_contents: dict[str, bool] = {}
_USABLE_CONTENTS_KEPT = 1024


def definition_usable_check(definition: FormDefinition) -> None:
    """Raise DefinitionUnusable unless the stored `definition` passes definition_check; checked once per
    content and process (the check takes milliseconds, the form page is intake's hot path)."""
    if not _usable(definition.json_schema, definition.layout):
        raise DefinitionUnusable(f"{type(definition).__name__} {definition.pk}")


def _usable(json_schema, layout) -> bool:
    try:
        content = json.dumps([json_schema, layout], sort_keys=True)
    except (TypeError, ValueError):
        return False
    digest = hashlib.sha256(content.encode(errors="surrogatepass")).hexdigest()
    usable = _usable_contents.get(digest)
    if usable is None:
        try:
            definition_check(json_schema, layout, stored=True)
            usable = True
        except ValidationError:
            usable = False
        if len(_usable_contents) >= _USABLE_CONTENTS_KEPT:
            _usable_contents.clear()
        _usable_contents[digest] = usable
    return usable


def _form_problems(json_schema: dict, layout) -> list:
    properties = json_schema["properties"]
    if json_schema.get("$schema", DIALECT) != DIALECT:
        return [_("a form's schema is JSON Schema draft 2020-12 (%s)") % DIALECT]
    if len(properties) > MAX_FIELDS:
        return [
            _("a form has at most %(limit)s fields, not %(count)s") % {"limit": MAX_FIELDS, "count": len(properties)}
        ]
    problems = [problem for name, spec in properties.items() for problem in _field_problems(name, spec)]
    return problems + _schema_keyword_problems(json_schema) + _layout_problems(properties, layout)


def _size_problems(json_schema: dict, layout) -> list:
    try:
        # Strictly JSON, and UTF-8 that the database takes: no NaN or infinity, no lone surrogate.
        text = json.dumps([json_schema, layout], ensure_ascii=False, allow_nan=False)
        text.encode()
    except (ValueError, TypeError, RecursionError):
        return [_("the definition holds a value JSON cannot keep: a number too large, or text with broken characters")]
    if len(text) > MAX_DEFINITION_CHARACTERS:
        return [_("the definition is too large: at most %(limit)s characters") % {"limit": MAX_DEFINITION_CHARACTERS}]
    if _nesting([json_schema, layout]) > MAX_NESTING:
        return [_("the definition is nested too deep: at most %(limit)s levels") % {"limit": MAX_NESTING}]
    return []


def _nesting(value) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _schema_keyword_problems(json_schema: dict) -> list:
    """Keywords anywhere in the schema that forms do without, patterns beyond their limit, and references that
    lead nowhere within the definition, in a circle, or to too many checks."""
    problems = []
    try:
        for schema in subschemas(json_schema):
            if not isinstance(schema, dict):
                continue
            problems += [
                _("%s is not supported in a form") % keyword for keyword in UNSUPPORTED_KEYWORDS if keyword in schema
            ]
            if len(schema.get("pattern", "")) > MAX_PATTERN_LENGTH:
                problems.append(_("a pattern is longer than %(limit)s characters") % {"limit": MAX_PATTERN_LENGTH})
        references = ReferenceProblems(json_schema)
    except (*UNREADABLE, RecursionError) as error:
        return [*problems, _("the schema cannot be read: %s") % error]
    problems += [
        _("the reference %s leads nowhere in the definition") % reference for reference in references.unresolvable
    ]
    problems += [
        _("the reference %s leads outside the definition; references must lead within it (#/$defs/…)") % reference
        for reference in references.outside
    ]
    problems += [_("the reference %s leads round in a circle") % reference for reference in references.circular]
    if references.checked > MAX_CHECKED_SCHEMAS:
        problems.append(
            _("the references multiply the checks of one answer beyond %(limit)s") % {"limit": MAX_CHECKED_SCHEMAS}
        )
    return problems


def _field_problems(name: str, spec) -> list:
    if len(name) > MAX_FIELD_NAME:
        return [
            _("a field's name is longer than %(limit)s characters: %(field)s…")
            % {"limit": MAX_FIELD_NAME, "field": name[:20]}
        ]
    if not isinstance(spec, dict):
        return [_("field %s must be described by an object") % name]
    if is_location(spec):  # the places an application concerns (locations.py)
        return location_spec_problems(name, spec)
    if spec.get("type") not in SUPPORTED_TYPES:
        return [
            _("field %(field)s must have a type of: %(types)s")
            % {"field": name, "types": ", ".join(sorted(SUPPORTED_TYPES))}
        ]
    if spec["type"] == "array":
        return _multiple_choice_problems(name, spec)
    problems = []
    if "oneOf" in spec and not all(isinstance(option, dict) and "const" in option for option in spec["oneOf"]):
        problems.append(_("every option of field %s needs a const value") % name)
    elif "enum" in spec or "oneOf" in spec:
        problems += _choice_problems(name, spec)
    if spec.get("maxLength", 0) > MAX_TEXT_LENGTH:
        problems.append(
            _("maxLength of field %(field)s is above %(limit)s") % {"field": name, "limit": MAX_TEXT_LENGTH}
        )
    if spec.get("x-money") and spec["type"] != "integer":
        problems.append(
            _("an amount of money (x-money) is a whole number of grosze: field %s needs the type integer") % name
        )
    if "x-attachment" in spec:
        limits = spec["x-attachment"]
        media_types = limits.get("mediaTypes") if isinstance(limits, dict) else None
        if spec["type"] != "string" or not media_types or not all(isinstance(kind, str) for kind in media_types):
            problems.append(_("attachment %s needs a list of media types (mediaTypes)") % name)
        elif not isinstance(limits.get("maxBytes", 0), int) or limits.get("maxBytes", 0) > settings.MAX_REQUEST_BYTES:
            problems.append(_("attachment %s has a size limit above what the platform accepts") % name)
    return problems


def _multiple_choice_problems(name: str, spec: dict) -> list:
    """A list field is a multiple choice: its items are text options, each chosen at most once."""
    items = spec.get("items")
    if (
        not isinstance(items, dict)
        or items.get("type") != "string"
        or not ("enum" in items or "oneOf" in items)
        or spec.get("uniqueItems") is not True
    ):
        return [
            _("list field %s must be a multiple choice: items of type string with enum or oneOf, and uniqueItems")
            % name
        ]
    if "oneOf" in items and not all(isinstance(option, dict) and "const" in option for option in items["oneOf"]):
        return [_("every option of field %s needs a const value") % name]
    return _choice_problems(name, items)


# Text formats whose check bounds the answer's length (validators.py, and a date).
BOUNDED_FORMATS = {"date", "pesel", "nip", "regon", "postal-code", "iban"}


def _unbounded_text_problems(properties: dict) -> list:
    """Free text fields without a maximum length: each answer would be as long as a request may be."""
    unbounded = [
        name
        for name, spec in properties.items()
        if isinstance(spec, dict)
        and spec.get("type") == "string"
        and "maxLength" not in spec
        and spec.get("format") not in BOUNDED_FORMATS
        and not {"enum", "oneOf", "const", "x-attachment"} & set(spec)
    ]
    if not unbounded:
        return []
    return [_("every text field needs a maximum length (maxLength): %s") % ", ".join(unbounded)]


def _choice_problems(name: str, spec: dict) -> list:
    values = [option["const"] for option in spec["oneOf"]] if "oneOf" in spec else spec["enum"]
    if len(values) > MAX_OPTIONS:
        return [_("field %(field)s offers more than %(limit)s options") % {"field": name, "limit": MAX_OPTIONS}]
    kind = spec["type"]
    if not all(_is_of_type(value, kind) for value in values):
        return [_("the options of field %(field)s must be of its type, %(type)s") % {"field": name, "type": kind}]
    return []


def _is_of_type(value, kind: str) -> bool:
    # In Python a bool is an int; in JSON Schema true is no number.
    return isinstance(value, _PYTHON_TYPES[kind]) and (kind == "boolean" or not isinstance(value, bool))


def _layout_problems(properties: dict, layout) -> list:
    if not isinstance(layout, dict):
        return [_("the layout must be an object")]
    steps = layout.get("steps", [])
    if not isinstance(steps, list) or not all(
        isinstance(step, dict)
        and isinstance(step.get("fields"), list)
        and all(isinstance(name, str) for name in step["fields"])
        for step in steps
    ):
        return [_("steps must be a list of objects, each with a list of fields")]
    problems = []
    placed = [name for step in steps for name in step["fields"]]
    unknown = sorted(set(placed) - set(properties))
    if unknown:
        problems.append(_("the layout names fields the schema lacks: %s") % ", ".join(unknown))
    if steps and set(placed) != set(properties):
        problems.append(
            _("fields missing from the layout's steps: %s") % ", ".join(sorted(set(properties) - set(placed)))
        )
    if len(placed) != len(set(placed)):
        problems.append(_("a field appears twice in the layout"))
    for key in ("widgets", "show_when", "autocomplete"):
        if not isinstance(layout.get(key, {}), dict):
            problems.append(_("%s must be an object") % key)
            return problems
    for name, widget in layout.get("widgets", {}).items():
        if name not in properties or not isinstance(widget, str) or widget not in LAYOUT_WIDGETS:
            problems.append(_("unknown widget %(widget)s for %(field)s") % {"widget": widget, "field": name})
    for name, condition in layout.get("show_when", {}).items():
        if (
            name not in properties
            or not isinstance(condition, dict)
            or not isinstance(condition.get("field"), str)
            or condition["field"] not in properties
        ):
            problems.append(_("a condition refers to an unknown field: %s") % name)
        elif not _is_scalar(condition.get("equals")):
            problems.append(
                _("the condition of field %s needs the answer it waits for (equals: text, a number or true/false)")
                % name
            )
    for name, token in layout.get("autocomplete", {}).items():
        if name not in properties or not isinstance(token, str) or len(token) > MAX_FIELD_NAME:
            problems.append(_("autocomplete names an unknown field: %s") % name)
    return problems


def _is_scalar(value) -> bool:
    return isinstance(value, (str, int, float))  # bool is an int
