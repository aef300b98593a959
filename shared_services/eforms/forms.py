"""The forms of form definitions: the raw JSON editor's, with every mistake explained in words, used by the office
(clerk_views.py) and the operators' console alike."""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .definition import SUPPORTED_TYPES, definition_check
from .json_schema import meta_schema_errors


class FormDefinitionForm(forms.Form):
    """A unit's own form as JSON: a JSON Schema (draft 2020-12) and its layout (shared_services/eforms/definition.py)."""

    name = forms.CharField(label=_("Name"), max_length=250)
    slug = forms.SlugField(label=_("Address name"), max_length=100)
    json_schema = forms.CharField(
        label=_("JSON Schema"), widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"})
    )
    layout = forms.CharField(
        label=_("Layout"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_('Steps, widgets and conditions, e.g. {"steps": [{"title": "…", "fields": ["…"]}]}.'),
    )

    @staticmethod
    def initial_of(versioned_form) -> dict:
        """What the editor starts from for a form (a standard form or a unit's own) with its newest version."""
        if versioned_form is None or versioned_form.current is None:
            return {}
        return {
            "name": versioned_form.name,
            "slug": versioned_form.slug,
            "json_schema": json.dumps(versioned_form.current.json_schema, ensure_ascii=False, indent=2),
            "layout": json.dumps(versioned_form.current.layout, ensure_ascii=False, indent=2),
        }

    def _json(self, name):
        text = self.cleaned_data[name].strip() or "{}"
        try:
            value = json.loads(text, parse_constant=_not_json)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("This is not valid JSON. Line %(line)s, column %(column)s: %(problem)s."),
                params={"line": error.lineno, "column": error.colno, "problem": json_problem(error)},
            ) from error
        except RecursionError as error:
            raise ValidationError(_("This is not valid JSON: it is nested too deep.")) from error
        except ValueError as error:  # NaN, Infinity, or a whole number of thousands of digits
            raise ValidationError(_("This is not valid JSON: a number in it is not a number JSON allows.")) from error
        if not isinstance(value, dict):
            raise ValidationError(_("Expected a JSON object {…}."))
        return value

    def clean_json_schema(self):
        schema = self._json("json_schema")
        # definition_check says the same in JSON Schema's own English words; a clerk gets them in theirs.
        problems = schema_problems(schema)
        if problems:
            raise ValidationError(
                [
                    ValidationError(_("The JSON Schema is not valid: %(problem)s"), params={"problem": problem})
                    for problem in problems
                ]
            )
        return schema

    def clean_layout(self):
        return self._json("layout")

    def clean(self):
        cleaned = super().clean()
        if "json_schema" in cleaned and "layout" in cleaned:
            try:
                definition_check(cleaned["json_schema"], cleaned["layout"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


def _not_json(constant: str):
    """Python's parser takes NaN and Infinity, which are not JSON: the database refuses them."""
    raise ValueError(constant)


# --- What is wrong with a definition, in a clerk's words ----------------------------------------------
# Python's JSON parser and jsonschema explain a mistake in English programmers' terms ("Expecting ','
# delimiter", "'tekst' is not valid under any of the given schemas"). These say it in words, translatable.

_JSON_END = _('the text ends too early: something is missing at the end (a closing }, ] or ")')
_TRAILING_COMMA = _("there is a comma before “%(found)s”: remove it (JSON allows no comma after the last item)")
_SINGLE_QUOTES = _('use double quotes "…" for names and text, not single quotes')
_JSON_PROBLEMS = {
    "Expecting value": _(
        "a value is expected here (text in double quotes, a number, true, false, null, an object {…} or a list "
        "[…]), not “%(found)s”"
    ),
    "Expecting ',' delimiter": _("a comma is missing before “%(found)s”"),
    "Expecting ':' delimiter": _("a colon is missing between a name and its value, before “%(found)s”"),
    "Expecting property name enclosed in double quotes": _(
        'a name in double quotes ("name": value) is expected here, not “%(found)s”'
    ),
    "Extra data": _("there is more after the end: only one object {…} is allowed (an extra } perhaps?)"),
}
# Mistakes inside a text in quotes: where the text ends does not matter.
_JSON_PROBLEMS_ANYWHERE = {
    "Unterminated string starting at": _('the text in quotes that starts here has no closing quote "'),
    "Invalid control character at": _(
        'the text in quotes breaks off at the end of the line: close it with " (write \\n for a new line '
        "within the text)"
    ),
    "Invalid \\escape": _(
        'a backslash \\ must be followed by ", \\, /, b, f, n, r, t or u; write \\\\ for a backslash'
    ),
    "Invalid \\uXXXX escape": _("\\u must be followed by four hexadecimal digits"),
}
_WRONG_BRACKET = _("a “%(missing)s” is missing before “%(found)s”")
# What the parser stumbled on: a name or text in quotes, a word, or one character.
_TOKEN = re.compile(r'"[^"\n]{0,20}"?|\w{1,20}|\S')


def json_problem(error: json.JSONDecodeError) -> str:
    """What a JSON syntax error means, in words, for the message that gives its line and column."""
    text, position, kind = error.doc, error.pos, error.msg
    found = _TOKEN.match(text, position)
    found = found.group() if found else ""
    if kind.startswith("Illegal trailing comma") or (
        found in ("}", "]") and text[:position].rstrip().endswith(",") and kind != "Extra data"
    ):
        return _TRAILING_COMMA % {"found": found or "}"}
    if kind in _JSON_PROBLEMS_ANYWHERE:
        return str(_JSON_PROBLEMS_ANYWHERE[kind])
    if not text[position:].strip():
        return str(_JSON_END)
    if found == "'" and kind.startswith(("Expecting value", "Expecting property name")):
        return str(_SINGLE_QUOTES)
    if found in ("}", "]") and kind == "Expecting ',' delimiter":  # a bracket closed in the wrong order
        return _WRONG_BRACKET % {"found": found, "missing": "]" if found == "}" else "}"}
    problem = _JSON_PROBLEMS.get(kind)
    return problem % {"found": found} if problem is not None else kind


_JSON_KINDS = {
    "object": _("an object {…}"),
    "array": _("a list […]"),
    "string": _("text in double quotes"),
    "integer": _("a whole number"),
    "number": _("a number"),
    "boolean": _("true or false"),
    "null": _("null"),
}
_SCHEMA_PROBLEMS = {
    "unknown_type": _("%(where)s has an unknown type “%(type)s”; a form field's type is one of: %(types)s."),
    "root_type": _("the schema has an unknown type “%(type)s”; a form's schema has the type “object”."),
    "type": _("%(where)s must be %(expected)s, not %(actual)s."),
    "minimum": _("%(where)s must be at least %(limit)s."),
    "exclusiveMinimum": _("%(where)s must be more than %(limit)s."),
    "uniqueItems": _("%(where)s lists the same value more than once."),
    "minItems": _("%(where)s must not be an empty list."),
    "regex": _("%(where)s is not a valid regular expression: “%(value)s”."),
    "regex_unsafe": _(
        "%(where)s is not a regular expression the platform can check: “%(value)s” (look-ahead, look-behind and "
        "back-references are not supported: they can make checking an answer take hours)."
    ),
    "enum": _("%(where)s must be one of: %(values)s."),
    "other": _("%(where)s breaks the JSON Schema rule “%(rule)s”."),
}
MAX_SCHEMA_PROBLEMS = 5


def schema_problems(schema: dict) -> list[str]:
    """What makes `schema` an invalid JSON Schema (draft 2020-12), each in words, at most a few."""
    problems = []
    for error in sorted(meta_schema_errors(schema), key=lambda error: [str(part) for part in error.absolute_path]):
        problem = _schema_problem(error)
        if problem not in problems:
            problems.append(problem)
    return problems[:MAX_SCHEMA_PROBLEMS]


def _schema_problem(error) -> str:
    path = list(error.absolute_path)
    if error.validator == "anyOf" and path and path[-1] == "type":
        values = error.instance if isinstance(error.instance, list) else [error.instance]
        unknown = ", ".join(str(value) for value in values if value not in _JSON_KINDS) or json.dumps(values)
        if len(path) == 1:
            return _SCHEMA_PROBLEMS["root_type"] % {"type": unknown}
        return _SCHEMA_PROBLEMS["unknown_type"] % {
            "where": _where(path[:-1]),
            "type": unknown,
            "types": ", ".join(sorted(SUPPORTED_TYPES)),
        }
    where = _where(path)
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if "object" in expected:  # true and false are schemas too, but not what anybody means in a form
            expected = ["object"]
        return _SCHEMA_PROBLEMS["type"] % {
            "where": where,
            "expected": _(" or ").join(str(_JSON_KINDS[kind]) for kind in expected),
            "actual": _JSON_KINDS[_kind_of(error.instance)],
        }
    if error.validator in ("minimum", "exclusiveMinimum"):
        return _SCHEMA_PROBLEMS[error.validator] % {"where": where, "limit": error.validator_value}
    if error.validator in ("uniqueItems", "minItems"):
        return _SCHEMA_PROBLEMS[error.validator] % {"where": where}
    if error.validator == "format" and error.validator_value == "regex":
        kind = "regex_unsafe" if _is_python_regex(error.instance) else "regex"
        return _SCHEMA_PROBLEMS[kind] % {"where": where, "value": error.instance}
    if error.validator == "enum":
        return _SCHEMA_PROBLEMS["enum"] % {"where": where, "values": ", ".join(map(json.dumps, error.validator_value))}
    return _SCHEMA_PROBLEMS["other"] % {"where": where, "rule": error.validator}


def _is_python_regex(pattern: str) -> bool:
    """Whether Python's `re` compiles a pattern RE2 refused: then it is valid, only not checkable in linear time.
    (Compiling is quick; only matching backtracks.)"""
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    return True


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string", int: "integer", float: "number"}[type(value)]


def _where(path: list) -> str:
    """Where in a schema a path leads: "the field “a”", "“minLength” of the field “a”", "the schema"…"""
    fields, rest, index = [], [], 0
    while index < len(path):
        if path[index] == "properties" and index + 1 < len(path) and not rest:
            fields.append(str(path[index + 1]))
            index += 2
        else:
            rest.append(path[index])
            index += 1
    key = "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in rest).lstrip(".")
    if fields and key:
        return _("“%(key)s” of the field “%(field)s”") % {"key": key, "field": ".".join(fields)}
    if fields:
        return _("the field “%(field)s”") % {"field": ".".join(fields)}
    if key:
        return _("“%(key)s” of the schema") % {"key": key}
    return str(_("the schema"))
