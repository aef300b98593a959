"""Form definitions: a JSON Schema (draft 2020-12) for the data plus a small layout for people.

The schema is the authority on what a valid submission is (it is what an API client would be checked
against too); the layout only says how to present it:

    {"steps": [{"title": "Wnioskodawca", "fields": ["first_name", "pesel"]}, …],
     "widgets": {"notes": "textarea", "applicant_kind": "radio"},
     "show_when": {"nip": {"field": "applicant_kind", "equals": "firma"}}}

Field labels and help texts are the schema's `title` and `description`. An attachment is a string property
with an `x-attachment` keyword: {"mediaTypes": ["application/pdf"], "maxBytes": 5242880}.
A field shown only under a condition is made required by the schema's own `if`/`then`, so the rule holds for
every client, not only for this HTML rendering.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

LAYOUT_WIDGETS = {"textarea", "radio"}


class DefinitionNotEditable(Exception):
    """A saved form version is read-only: submissions pin it. Create a new version instead."""


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


def definition_check(json_schema: dict, layout: dict) -> None:
    """Refuse a definition that would break at filling time, saying what is wrong."""
    try:
        Draft202012Validator.check_schema(json_schema)
    except SchemaError as error:
        raise ValidationError(_("The JSON Schema is not valid: %(problem)s"), params={"problem": error.message})
    if json_schema.get("type") != "object" or not isinstance(json_schema.get("properties"), dict):
        raise ValidationError(_("A form's schema must be an object with properties."))
    properties = json_schema["properties"]
    placed = [name for step in layout.get("steps", []) for name in step.get("fields", [])]
    problems = []
    unknown = sorted(set(placed) - set(properties))
    if unknown:
        problems.append(_("the layout names fields the schema lacks: %s") % ", ".join(unknown))
    if layout.get("steps") and set(placed) != set(properties):
        problems.append(_("fields missing from the layout's steps: %s") % ", ".join(sorted(set(properties) - set(placed))))
    if len(placed) != len(set(placed)):
        problems.append(_("a field appears twice in the layout"))
    for name, widget in layout.get("widgets", {}).items():
        if name not in properties or widget not in LAYOUT_WIDGETS:
            problems.append(_("unknown widget %(widget)s for %(field)s") % {"widget": widget, "field": name})
    for name, condition in layout.get("show_when", {}).items():
        if name not in properties or condition.get("field") not in properties:
            problems.append(_("a condition refers to an unknown field: %s") % name)
    if problems:
        raise ValidationError(_("The layout is not valid: %(problems)s."), params={"problems": "; ".join(map(str, problems))})
