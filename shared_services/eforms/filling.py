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
from jsonschema import Draft202012Validator, FormatChecker

from .definition import FormDefinition
from .uploads import check_attachment
from .validators import FORMAT_VALIDATORS

DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024

_format_checker = FormatChecker()
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
    if "enum" in spec or "oneOf" in spec:
        choices = ([(option["const"], option.get("title", option["const"])) for option in spec["oneOf"]]
                   if "oneOf" in spec else [(value, value) for value in spec["enum"]])
        if widget_hint == "radio":
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "integer":
        return forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common)
    if kind == "number":
        return forms.DecimalField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common)
    text_limits = {"max_length": spec.get("maxLength"), "min_length": spec.get("minLength")}
    fmt = spec.get("format")
    if fmt == "email":
        return forms.EmailField(**common, **text_limits)
    if fmt == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if fmt in FORMAT_VALIDATORS:
        return FormattedField(normalise=FORMAT_VALIDATORS[fmt], **common, **text_limits)
    widget = forms.Textarea(attrs={"rows": 5}) if widget_hint == "textarea" else None
    return forms.CharField(widget=widget, **common, **text_limits)


class ApplicationForm(forms.Form):
    """Filled against one pinned definition. `document()` is the data to store; `attachments()` the files
    with the media type found in their content."""

    definition: FormDefinition

    def __init__(self, *args, definition: FormDefinition, kept_attachments: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        # Files saved with a draft: a field that has one need not be uploaded again.
        self.kept_attachments = kept_attachments or {}
        schema, layout = definition.json_schema, definition.layout
        required = set(schema.get("required", []))
        conditional = layout.get("show_when", {})
        for name in definition.field_order():
            spec = schema["properties"][name]
            needs_value = (name in required and name not in conditional and name not in self.kept_attachments
                           or spec.get("const") is True)
            field = _field_for(name, spec, required=needs_value, widget_hint=layout.get("widgets", {}).get(name))
            if name in self.kept_attachments:
                field.kept_file = self.kept_attachments[name]
            if name in conditional:
                field.show_when = conditional[name]
                field.condition_hint = self._condition_hint(conditional[name])
            self.fields[name] = field
        self.detected_media_types: dict[str, str] = {}

    def _condition_hint(self, condition: dict) -> str:
        spec = self.definition.properties[condition["field"]]
        answer = next((option.get("title", option["const"]) for option in spec.get("oneOf", [])
                       if option["const"] == condition["equals"]), condition["equals"])
        return _("Fill in only if “%(field)s” is “%(answer)s”.") % {
            "field": spec.get("title", condition["field"]), "answer": answer}

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
                        upload, max_bytes=limits.get("maxBytes", DEFAULT_ATTACHMENT_LIMIT),
                        media_types=limits["mediaTypes"])
                except ValidationError as error:
                    self.add_error(name, error)

    def clean(self):
        cleaned = super().clean()
        for name, condition in self.definition.layout.get("show_when", {}).items():
            if str(cleaned.get(condition["field"])) != str(condition["equals"]):
                cleaned.pop(name, None)  # a hidden field's leftover value is not the resident's answer
        validator = Draft202012Validator(self.definition.json_schema, format_checker=_format_checker)
        for error in validator.iter_errors(self._schema_instance(cleaned)):
            for field in _fields_of(error):
                if field in self.fields and not self.has_error(field):
                    self.add_error(field, _SCHEMA_MESSAGES.get(error.validator, _("The value is not valid.")))
        return cleaned

    def _schema_instance(self, cleaned: dict) -> dict:
        """The document as JSON Schema sees it: files by name, empty answers absent."""
        instance = {}
        for name, spec in self.definition.properties.items():
            value = cleaned.get(name)
            if "x-attachment" in spec:
                value = value.name if value else self.kept_attachments.get(name)
            if value in (None, "") or (value is False and spec.get("const") is not True):
                continue
            instance[name] = value.isoformat() if isinstance(value, date) else value
        return instance

    def document(self) -> dict:
        """The answers as JSON (dates in ISO form, decimals as text), without attachments."""
        data = {}
        for name, value in self._schema_instance(self.cleaned_data).items():
            if "x-attachment" in self.definition.properties[name]:
                continue
            if isinstance(value, Decimal):
                value = str(value)
            data[name] = value
        return data

    def attachments(self) -> dict:
        """Uploaded files by field name."""
        return {name: upload for name, spec in self.definition.properties.items()
                if "x-attachment" in spec and (upload := self.cleaned_data.get(name))}


def _fields_of(error) -> list[str]:
    """The fields a JSON Schema error is about (a missing required property is reported on its parent)."""
    if error.validator == "required":
        return [name for name in error.validator_value if name not in error.instance]
    return [str(error.absolute_path[0])] if error.absolute_path else []
