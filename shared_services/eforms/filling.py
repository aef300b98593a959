"""A form definition turned into a Django form: server-side rendering and validation.

Django's form machinery gives labels, error lists and `aria-describedby` for free and coerces input; the
definition's JSON Schema then checks the assembled document, which catches what single fields cannot
(conditionally required fields, cross-field rules). JSON Schema's own messages are English and technical,
so each kind of failure is mapped to a message for residents.
"""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from jsonschema import FormatChecker

from platform_core.forms import ZlotyField
from platform_core.text import line_clean, text_clean

from .definition import FormDefinition, definition_usable_check
from .json_schema import form_validator, format_checker
from .locations import LocationField, is_location
from .uploads import check_attachment
from .validators import FORMAT_VALIDATORS

DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024
# Numbers are stored as JSON numbers, which every reader (the office's systems through the API, browsers) keeps
# exactly only up to these: whole numbers within ±(2**53 − 1), others of at most 15 significant digits (an IEEE
# double). Beyond them an answer is refused, never rounded.
LARGEST_WHOLE_NUMBER = 2**53 - 1
NUMBER_DIGITS = 15

# The box beside a file kept with a draft ("<field>__keep"): the file stays only while the page sends it ticked,
# so what the resident sees as attached is what is filed, and a form sent without it files no old file.
KEEP_SUFFIX = "__keep"


def kept_attachments_posted(kept: dict, posted) -> dict:
    """Of the files kept with a draft (by field), those the posted form still asks to keep."""
    return {name: original_name for name, original_name in kept.items() if posted.get(f"{name}{KEEP_SUFFIX}")}


_format_checker = format_checker(FormatChecker())
for _name, _validate in FORMAT_VALIDATORS.items():
    _format_checker.checks(_name, raises=ValidationError)(_validate)

_SCHEMA_MESSAGES = {
    "required": _("This field is required."),
    "enum": _("Select one of the options offered."),
    "const": _("This field must be confirmed."),
    "maxLength": _("The text is too long."),
    "minLength": _("The text is too short."),
    "minimum": _("The value is too small."),
    "maximum": _("The value is too large."),
    "format": _("The value has the wrong format."),
    "type": _("The value has the wrong type."),
    "pattern": _("The value has the wrong format."),
}


class ResidentTextField(forms.CharField):
    """Text a resident typed, cleaned before its checks of what could disguise it in the office
    (platform_core.text): one line, or free text with `multiline`."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.text_clean = text_clean if multiline else line_clean
        super().__init__(widget=forms.Textarea(attrs={"rows": 5}) if multiline else None, **kwargs)

    def to_python(self, value):
        return self.text_clean(super().to_python(value))


class ResidentEmailField(forms.EmailField):
    def to_python(self, value):
        return line_clean(super().to_python(value))


class FormattedField(forms.CharField):
    """Text checked and normalised by one of the Polish validators (PESEL, NIP, REGON, postal code, IBAN)."""

    def __init__(self, *, normalise, **kwargs):
        self.normalise = normalise
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.normalise(value) if value else value


def _field_for(name: str, spec: dict, *, required: bool, widget_hint: str | None) -> forms.Field:
    common = {"label": spec.get("title", name), "help_text": spec.get("description", ""), "required": required}
    kind = spec.get("type")
    if "x-attachment" in spec:
        # `accept` only helps the file picker; the content is what is checked (uploads.check_attachment).
        accept = ",".join(spec["x-attachment"]["mediaTypes"])
        return forms.FileField(widget=forms.FileInput(attrs={"accept": accept}), **common)
    if is_location(spec):  # the places the application concerns (locations.py)
        return LocationField(max_places=spec.get("maxItems", 5), **common)
    if kind == "array":  # a multiple choice (definition.py): text options, each ticked at most once
        items = spec["items"]
        options = (
            [(option["const"], option.get("title", option["const"])) for option in items["oneOf"]]
            if "oneOf" in items
            else [(value, value) for value in items["enum"]]
        )
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    if "enum" in spec or "oneOf" in spec:
        choices = (
            [(option["const"], option.get("title", option["const"])) for option in spec["oneOf"]]
            if "oneOf" in spec
            else [(value, value) for value in spec["enum"]]
        )
        # The browser sends text; the schema's type decides what the answer is (1, not "1").
        coerce = {"integer": int, "number": Decimal, "boolean": lambda value: value == "True"}.get(kind, str)
        if widget_hint == "radio":
            return forms.TypedChoiceField(choices=choices, coerce=coerce, widget=forms.RadioSelect, **common)
        return forms.TypedChoiceField(choices=[("", "—"), *choices], coerce=coerce, empty_value=None, **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if spec.get("x-money"):  # typed in złoty, kept in grosze (answers.py shows it back in złoty)
        return ZlotyField(min_grosze=spec.get("minimum", 0), max_grosze=spec.get("maximum"), **common)
    if kind in ("integer", "number"):
        bounds = {
            "min_value": max(spec.get("minimum", -LARGEST_WHOLE_NUMBER), -LARGEST_WHOLE_NUMBER),
            "max_value": min(spec.get("maximum", LARGEST_WHOLE_NUMBER), LARGEST_WHOLE_NUMBER),
        }
        if kind == "integer":
            return forms.IntegerField(**bounds, **common)
        return forms.DecimalField(max_digits=NUMBER_DIGITS, **bounds, **common)
    text_limits = {"max_length": spec.get("maxLength"), "min_length": spec.get("minLength")}
    fmt = spec.get("format")
    if fmt == "email":
        return ResidentEmailField(**common, **text_limits)
    if fmt == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if fmt in FORMAT_VALIDATORS:
        return FormattedField(normalise=FORMAT_VALIDATORS[fmt], **common, **text_limits)
    return ResidentTextField(multiline=widget_hint == "textarea", **common, **text_limits)


class ApplicationForm(forms.Form):
    """Filled against one pinned definition. `document()` is the data to store; `attachments()` the files
    with the media type found in their content."""

    definition: FormDefinition

    def __init__(self, *args, definition: FormDefinition, kept_attachments: dict | None = None, **kwargs):
        definition_usable_check(definition)  # raises DefinitionUnusable for one saved before today's checks
        super().__init__(*args, **kwargs)
        self.definition = definition
        # Files saved with a draft: a field that has one need not be uploaded again.
        self.kept_attachments = kept_attachments or {}
        schema, layout = definition.json_schema, definition.layout
        required = set(schema.get("required", []))
        conditional = layout.get("show_when", {})
        for name in definition.field_order():
            spec = schema["properties"][name]
            needs_value = (
                name in required and name not in conditional and name not in self.kept_attachments
            ) or spec.get("const") is True
            field = _field_for(name, spec, required=needs_value, widget_hint=layout.get("widgets", {}).get(name))
            if name in layout.get("autocomplete", {}):  # WCAG 1.3.5: say what personal data a field asks for
                field.widget.attrs["autocomplete"] = layout["autocomplete"][name]
            self.fields[name] = field
            if name in self.kept_attachments:
                self.kept_file_show(name, self.kept_attachments[name])
            if name in conditional:
                field.show_when = conditional[name]
                field.condition_hint = self._condition_hint(conditional[name])
        self.detected_media_types: dict[str, str] = {}
        self.hidden_fields: set[str] = set()  # fields whose condition does not hold in this answer

    def kept_file_show(self, name: str, original_name: str) -> None:
        """Show the field's file kept with the draft, with its box to keep it ticked."""
        self.fields[name].kept_file = original_name
        self.fields[name].keep_name = f"{name}{KEEP_SUFFIX}"

    def _condition_hint(self, condition: dict) -> str:
        spec = self.definition.properties[condition["field"]]
        answer = next(
            (
                option.get("title", option["const"])
                for option in spec.get("oneOf", [])
                if option["const"] == condition["equals"]
            ),
            condition["equals"],
        )
        return _("Fill in only if “%(field)s” is “%(answer)s”.") % {
            "field": spec.get("title", condition["field"]),
            "answer": answer,
        }

    def steps(self):
        """(title, bound fields) per step of the layout."""
        return [(title, [self[name] for name in names]) for title, names in self.definition.steps()]

    def _clean_fields(self):
        super()._clean_fields()
        for name, spec in self.definition.properties.items():
            upload = self.cleaned_data.get(name)
            if "x-attachment" in spec and upload:
                limits = spec["x-attachment"]
                try:
                    self.detected_media_types[name] = check_attachment(
                        upload,
                        max_bytes=limits.get("maxBytes", DEFAULT_ATTACHMENT_LIMIT),
                        media_types=limits["mediaTypes"],
                    )
                except ValidationError as error:
                    self.add_error(name, error)

    def clean(self):
        cleaned = super().clean()
        for name, condition in self.definition.layout.get("show_when", {}).items():
            if str(cleaned.get(condition["field"])) != str(condition["equals"]):
                self.hidden_fields.add(name)
                cleaned.pop(name, None)  # a hidden field's leftover value is not the resident's answer
        validator = form_validator(self.definition.json_schema, formats=_format_checker)
        for error in validator.iter_errors(self._schema_instance(cleaned)):
            fields = [field for field in _fields_of(error) if field in self.fields]
            message = _SCHEMA_MESSAGES.get(error.validator, _("The value is not valid."))
            for field in fields:
                if not self.has_error(field):
                    self.add_error(field, message)
            if not fields and not self.non_field_errors():
                # A rule over several answers (anyOf, dependentRequired …) that no single field breaks.
                self.add_error(None, _("The answers are incomplete or do not fit together; please check them."))
        return cleaned

    def _schema_instance(self, cleaned: dict) -> dict:
        """The document as JSON Schema sees it: files by name, empty and hidden answers absent, dates in ISO
        form, numbers as JSON numbers."""
        instance = {}
        for name, spec in self.definition.properties.items():
            if name in self.hidden_fields:
                continue
            value = cleaned.get(name)
            if "x-attachment" in spec:
                value = value.name if value else self.kept_attachments.get(name)
            if value is None or value == "" or value == []:
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                # Measurements (m², ha), not money: amounts of money are kept in grosze as integers.
                value = int(value) if value == value.to_integral_value() else float(value)
            instance[name] = value
        return instance

    def document(self) -> dict:
        """The answers as JSON, without attachments: what a submission stores and its schema accepts."""
        return {
            name: value
            for name, value in self._schema_instance(self.cleaned_data).items()
            if "x-attachment" not in self.definition.properties[name]
        }

    def attachments(self) -> dict:
        """Uploaded files by field name (of fields shown in this answer)."""
        return {
            name: upload
            for name, spec in self.definition.properties.items()
            if "x-attachment" in spec and name not in self.hidden_fields and (upload := self.cleaned_data.get(name))
        }


def _fields_of(error) -> list[str]:
    """The fields a JSON Schema error is about (a missing required property is reported on its parent)."""
    if error.validator == "required":
        return [name for name in error.validator_value if name not in error.instance]
    return [str(error.absolute_path[0])] if error.absolute_path else []
