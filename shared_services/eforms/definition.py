"""Form definitions: a JSON Schema (draft 2020-12) for the data plus a small layout for people.

The schema is the authority on what a valid submission is (it is what an API client would be checked
against too); the layout only says how to present it:

    {"steps": [{"title": "Wnioskodawca", "fields": ["first_name", "pesel"]}, …],
     "widgets": {"notes": "textarea", "applicant_kind": "radio"},
     "show_when": {"nip": {"field": "applicant_kind", "equals": "firma"}},
     "autocomplete": {"first_name": "given-name"}}

Field labels and help texts are the schema's `title` and `description`. An attachment is a string property
with an `x-attachment` keyword: {"mediaTypes": ["application/pdf"], "maxBytes": 5242880}. An amount of money
is an integer property of grosze with `"x-money": true`: residents type it in złoty ("17" or "17,50").
A field shown only under a condition is made required by the schema's own `if`/`then`, so the rule holds for
every client, not only for this HTML rendering.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

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
        return f"{self.json_schema.get('title', '')} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise DefinitionNotEditable(f"{self} is saved; submissions pin it, so create a new version.")
        super().save(*args, **kwargs)

    def clean(self):
        definition_check(self.json_schema, self.layout)

    @property
    def properties(self) -> dict:
        return self.json_schema.get("properties", {})

    def field_order(self) -> list[str]:
        steps = self.layout.get("steps")
        if not steps:
            return list(self.properties)
        return [name for step in steps for name in step["fields"]]

    def steps(self) -> list[tuple[str, list[str]]]:
        """(title, field names) per step; one untitled step when the layout has none."""
        steps = self.layout.get("steps")
        if not steps:
            return [("", list(self.properties))]
        return [(step.get("title", ""), step["fields"]) for step in steps]


SUPPORTED_TYPES = {"string", "integer", "number", "boolean"}


def definition_check(json_schema: dict, layout: dict) -> None:
    """Refuse a definition that would break at filling time, saying what is wrong. Besides being valid JSON
    Schema, a form uses the subset the HTML rendering supports: flat properties of the SUPPORTED_TYPES,
    choices as `enum` or `oneOf` of `const`s, attachments with their media types."""
    try:
        Draft202012Validator.check_schema(json_schema)
    except SchemaError as error:
        raise ValidationError(
            _("The JSON Schema is not valid: %(problem)s"), params={"problem": error.message}
        ) from error
    if json_schema.get("type") != "object" or not isinstance(json_schema.get("properties"), dict):
        raise ValidationError(_("A form's schema must be an object with properties."))
    problems = [problem for name, spec in json_schema["properties"].items() for problem in _field_problems(name, spec)]
    problems += _layout_problems(json_schema["properties"], layout)
    if problems:
        raise ValidationError(
            _("The form cannot be used: %(problems)s."), params={"problems": "; ".join(map(str, problems))}
        )


def _field_problems(name: str, spec) -> list:
    if not isinstance(spec, dict):
        return [_("field %s must be described by an object") % name]
    if spec.get("type") not in SUPPORTED_TYPES:
        return [
            _("field %(field)s must have a type of: %(types)s")
            % {"field": name, "types": ", ".join(sorted(SUPPORTED_TYPES))}
        ]
    problems = []
    if "oneOf" in spec and not all(isinstance(option, dict) and "const" in option for option in spec["oneOf"]):
        problems.append(_("every option of field %s needs a const value") % name)
    if "x-attachment" in spec:
        limits = spec["x-attachment"]
        media_types = limits.get("mediaTypes") if isinstance(limits, dict) else None
        if spec["type"] != "string" or not media_types or not all(isinstance(kind, str) for kind in media_types):
            problems.append(_("attachment %s needs a list of media types (mediaTypes)") % name)
        elif not isinstance(limits.get("maxBytes", 0), int) or limits.get("maxBytes", 0) > settings.MAX_REQUEST_BYTES:
            problems.append(_("attachment %s has a size limit above what the platform accepts") % name)
    return problems


def _layout_problems(properties: dict, layout) -> list:
    if not isinstance(layout, dict):
        return [_("the layout must be an object")]
    steps = layout.get("steps", [])
    if not isinstance(steps, list) or not all(
        isinstance(step, dict) and isinstance(step.get("fields"), list) for step in steps
    ):
        return [_("steps must be a list of objects, each with a list of fields")]
    problems = []
    placed = [name for step in steps for name in step["fields"]]
    unknown = sorted(set(map(str, placed)) - set(properties))
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
        if name not in properties or widget not in LAYOUT_WIDGETS:
            problems.append(_("unknown widget %(widget)s for %(field)s") % {"widget": widget, "field": name})
    for name, condition in layout.get("show_when", {}).items():
        if name not in properties or not isinstance(condition, dict) or condition.get("field") not in properties:
            problems.append(_("a condition refers to an unknown field: %s") % name)
    for name, token in layout.get("autocomplete", {}).items():
        if name not in properties or not isinstance(token, str):
            problems.append(_("autocomplete names an unknown field: %s") % name)
    return problems
