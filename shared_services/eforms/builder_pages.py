"""The form builder's pages, shared by the operators' console (standard forms) and a unit's office (its own forms):
one implementation of the forms, the actions and the preview; each side's view only decides who may build and
what publishing means.

Everything works without JavaScript. The form being built travels between requests as a signed hidden field
(`state`): no table holds half-built forms, nothing is lost when a page is left open, and a browser cannot send
back a state the builder did not write (each one is signed for its page and person, and expires). Each button
of the page is an action (`action=<verb>[:<argument>]`) applied to that state; the page then shows the new
state, the preview rendered by the residents' own form (filling.ApplicationForm and its templates), and, when
the preview is sent, the same errors a resident would get.
"""

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from platform_core.forms import ZlotyField

from . import builder
from .builder import (
    AUTOCOMPLETE,
    CHOICE,
    FILE,
    FILE_TYPES,
    FREE_TEXT_KINDS,
    KINDS_TO_ADD,
    MB,
    MONEY,
    NUMBER,
    YES_NO,
    BuilderError,
    BuilderField,
    BuilderForm,
    BuilderStateInvalid,
)
from .definition import MAX_FIELD_NAME, MAX_OPTIONS, MAX_TEXT_LENGTH, definition_check
from .filling import LARGEST_WHOLE_NUMBER, ApplicationForm
from .models import UnitFormVersion

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*\Z", re.ASCII)
STATE_MAX_AGE = 24 * 60 * 60  # seconds a page of the builder may be left open
MAX_LABEL = 300
MAX_HELP = 1000
MAX_FILE_MB = 50
AUTOCOMPLETE_KINDS = (builder.TEXT, builder.EMAIL, builder.PHONE, builder.POSTAL_CODE, builder.DATE)


def state_sign(form: BuilderForm, *, slug: str, scope: str) -> str:
    return signing.dumps({"form": builder.state_dump(form), "slug": slug}, salt=_salt(scope), compress=True)


def state_unsign(token: str, *, scope: str) -> tuple[BuilderForm, str]:
    """The builder form and slug a page sent back; BuilderStateInvalid if it was not signed for `scope` (this
    page and person), has expired, or does not hold a builder form."""
    try:
        payload = signing.loads(token, salt=_salt(scope), max_age=STATE_MAX_AGE)
        return builder.state_load(payload["form"]), str(payload.get("slug", ""))
    except (signing.BadSignature, TypeError, KeyError, ValueError) as error:
        raise BuilderStateInvalid(str(error)) from error


def _salt(scope: str) -> str:
    return f"shared_services.eforms.builder:{scope}"


def builder_start(current) -> tuple[BuilderForm, list]:
    """What the builder starts from for a form whose newest version is `current` (None for a new form), and
    what of that version the builder cannot express (then it is left to the raw JSON editor)."""
    if current is None:
        return builder.builder_form_new(), []
    reading = builder.definition_read(current.json_schema, current.layout)
    return reading.form, reading.problems


# --- The forms on a builder page -----------------------------------------------------------------------------


class FormMetaForm(forms.Form):
    """The form's title (also its name in lists) and, for a new form, its address name."""

    prefix = "meta"
    title = forms.CharField(label=_("Title of the form"), max_length=250)
    slug = forms.SlugField(
        label=_("Address name"),
        max_length=100,
        required=False,
        help_text=_("Latin letters, digits and hyphens, e.g. wniosek-o-dofinansowanie."),
    )


class AddFieldForm(forms.Form):
    prefix = "add"
    kind = forms.ChoiceField(label=_("Kind of field"), choices=list(KINDS_TO_ADD.items()))
    step = forms.TypedChoiceField(label=_("In step"), coerce=int)

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [
            (index, f"{index + 1}. {step.title}" if step.title else f"{index + 1}.") for index, step in enumerate(steps)
        ]


class StepForm(forms.Form):
    prefix = "step"
    title = forms.CharField(label=_("Title of the new step"), max_length=200)


YES_WORDS = {"true", "tak", "yes", "1"}
NO_WORDS = {"false", "nie", "no", "0"}
CHOICE_LINE = re.compile(r"\s*(?P<value>[^|]*?)\s*\|\s*(?P<label>.*?)\s*")


class FieldEditForm(forms.Form):
    """One field's settings; only those of its kind are offered."""

    prefix = "field"
    label = forms.CharField(label=_("Question (label)"), max_length=MAX_LABEL)
    help = forms.CharField(
        label=_("Help text"), max_length=MAX_HELP, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    name = forms.RegexField(
        label=_("Name in the data"),
        regex=FIELD_NAME,
        max_length=MAX_FIELD_NAME,
        help_text=_("What the office's systems read: small Latin letters, digits and underscores, e.g. numer_pesel."),
        error_messages={"invalid": _("Use small Latin letters, digits and underscores, starting with a letter.")},
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    max_length = forms.IntegerField(label=_("Maximum length (characters)"), min_value=1, max_value=MAX_TEXT_LENGTH)
    min_length = forms.IntegerField(
        label=_("Minimum length (characters)"), min_value=0, max_value=MAX_TEXT_LENGTH, required=False
    )
    minimum = forms.DecimalField(label=_("Smallest value"), required=False, max_digits=15)
    maximum = forms.DecimalField(label=_("Largest value"), required=False, max_digits=15)
    whole = forms.BooleanField(label=_("Whole numbers only"), required=False)
    min_amount = ZlotyField(label=_("Smallest amount (zł)"), required=False)
    max_amount = ZlotyField(label=_("Largest amount (zł)"), required=False)
    confirm = forms.BooleanField(label=_("Must be ticked (a declaration the resident confirms)"), required=False)
    choices = forms.CharField(
        label=_("Options, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("“value | label”, e.g. “osoba | Osoba fizyczna”; a line without “|” is its own value."),
    )
    radio = forms.BooleanField(label=_("Show all options at once (radio buttons)"), required=False)
    media_types = forms.MultipleChoiceField(
        label=_("Kinds of file accepted"), choices=list(FILE_TYPES.items()), widget=forms.CheckboxSelectMultiple
    )
    max_mb = forms.IntegerField(label=_("Largest file (MB)"), min_value=1, max_value=MAX_FILE_MB)
    autocomplete = forms.ChoiceField(
        label=_("The resident's own data"),
        choices=list(AUTOCOMPLETE.items()),
        required=False,
        help_text=_("Lets browsers fill it in (e.g. the resident's e-mail)."),
    )
    condition_field = forms.ChoiceField(label=_("Show only when the field"), required=False)
    condition_equals = forms.CharField(
        label=_("has the answer"),
        required=False,
        max_length=200,
        help_text=_("An option of that field (its value or label), or “tak”/“nie” for a box to tick."),
    )

    KIND_FIELDS = {
        builder.TEXT: ("max_length", "min_length", "autocomplete"),
        builder.LONG_TEXT: ("max_length", "min_length"),
        builder.EMAIL: ("max_length", "autocomplete"),
        builder.PHONE: ("max_length", "autocomplete"),
        builder.POSTAL_CODE: ("autocomplete",),
        builder.DATE: ("autocomplete",),
        NUMBER: ("minimum", "maximum", "whole"),
        MONEY: ("min_amount", "max_amount"),
        YES_NO: ("confirm",),
        CHOICE: ("choices", "radio"),
        builder.MULTIPLE_CHOICE: ("choices",),
        FILE: ("media_types", "max_mb"),
    }
    COMMON = ("label", "help", "name", "required", "condition_field", "condition_equals")

    def __init__(self, *args, edited: BuilderField, form: BuilderForm, **kwargs):
        self.edited, self.builder_form = edited, form
        kwargs.setdefault("initial", self.initial_of(edited))
        super().__init__(*args, **kwargs)
        offered = set(self.COMMON) | set(self.KIND_FIELDS.get(edited.kind, ()))
        for name in list(self.fields):
            if name not in offered:
                del self.fields[name]
        self.sources = {source.name: source for source in form.condition_sources(excluding=edited.name)}
        if self.sources:
            self.fields["condition_field"].choices = [
                ("", _("(always shown)")),
                *((source.name, source.label) for source in self.sources.values()),
            ]
        else:
            del self.fields["condition_field"], self.fields["condition_equals"]

    @staticmethod
    def initial_of(edited: BuilderField) -> dict:
        initial = {
            "label": edited.label,
            "help": edited.help,
            "name": edited.name,
            "required": edited.required,
            "max_length": edited.max_length,
            "min_length": edited.min_length,
            "minimum": edited.minimum,
            "maximum": edited.maximum,
            "whole": edited.whole,
            "min_amount": edited.minimum,
            "max_amount": edited.maximum,
            "confirm": edited.confirm,
            "choices": "\n".join(f"{value} | {label}" for value, label in edited.choices),
            "radio": edited.radio,
            "media_types": edited.media_types,
            "max_mb": -(-edited.max_bytes // MB) if edited.max_bytes else None,
            "autocomplete": edited.autocomplete,
        }
        if edited.condition:
            initial["condition_field"] = edited.condition["field"]
            equals = edited.condition["equals"]
            initial["condition_equals"] = (
                {True: "tak", False: "nie"}.get(equals, equals) if isinstance(equals, bool) else equals
            )
        return initial

    def clean_choices(self):
        options, seen = [], set()
        for line in self.cleaned_data["choices"].splitlines():
            if not line.strip():
                continue
            match = CHOICE_LINE.fullmatch(line)
            value, label = (match["value"], match["label"]) if match else (line.strip(), line.strip())
            if not value or not label:
                raise ValidationError(_("Each option needs a value and a label: “%(line)s”."), params={"line": line})
            if value in seen:
                raise ValidationError(_("The value “%(value)s” is given twice."), params={"value": value})
            seen.add(value)
            options.append([value, label])
        if not options:
            raise ValidationError(_("Give at least one option."))
        if len(options) > MAX_OPTIONS:
            raise ValidationError(_("At most %(limit)s options."), params={"limit": MAX_OPTIONS})
        return options

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name != self.edited.name and name in self.builder_form.fields:
            raise ValidationError(_("Another field already has this name."))
        if name in builder.RESERVED_NAMES:
            raise ValidationError(_("This name is reserved; choose another."))
        return name

    def clean(self):
        cleaned = super().clean()
        for low, high in (("min_length", "max_length"), ("minimum", "maximum"), ("min_amount", "max_amount")):
            if cleaned.get(low) is not None and cleaned.get(high) is not None and cleaned[low] > cleaned[high]:
                self.add_error(low, _("The smallest value is larger than the largest."))
        for bound in ("minimum", "maximum"):
            if cleaned.get(bound) is not None and abs(cleaned[bound]) > LARGEST_WHOLE_NUMBER:
                self.add_error(bound, _("The value is too large."))
        source = cleaned.get("condition_field")
        if source:
            try:
                cleaned["condition"] = {"field": source, "equals": self._answer_of(self.sources[source])}
            except ValidationError as error:
                self.add_error("condition_equals", error)
        return cleaned

    def _answer_of(self, source: BuilderField):
        typed = (self.cleaned_data.get("condition_equals") or "").strip()
        if source.kind == YES_NO:
            if typed.lower() in YES_WORDS:
                return True
            if typed.lower() in NO_WORDS:
                return False
            raise ValidationError(_("Write “tak” or “nie”: the field is a box to tick."))
        for value, label in source.choices:
            if typed in (str(value), label):
                return value
        raise ValidationError(
            _("Give one of the options of “%(field)s”: %(options)s."),
            params={"field": source.label, "options": ", ".join(str(value) for value, _label in source.choices)},
        )

    def field(self) -> BuilderField:
        """The edited field with what was sent (call after is_valid())."""
        cleaned = self.cleaned_data
        changed = BuilderField(
            name=cleaned["name"],
            kind=self.edited.kind,
            label=cleaned["label"],
            help=cleaned.get("help", ""),
            required=cleaned.get("required", False),
            condition=cleaned.get("condition"),
            autocomplete=cleaned.get("autocomplete", "") or "",
        )
        kind = self.edited.kind
        if kind in FREE_TEXT_KINDS:
            changed.max_length, changed.min_length = cleaned["max_length"], cleaned.get("min_length")
        if kind == NUMBER:
            changed.whole = cleaned.get("whole", False)
            changed.minimum = _json_number(cleaned.get("minimum"), whole=changed.whole)
            changed.maximum = _json_number(cleaned.get("maximum"), whole=changed.whole)
        if kind == MONEY:
            changed.minimum, changed.maximum = cleaned.get("min_amount"), cleaned.get("max_amount")
        if kind == YES_NO:
            changed.confirm = cleaned.get("confirm", False)
        if kind == CHOICE:
            changed.choices, changed.radio = cleaned["choices"], cleaned.get("radio", False)
        if kind == builder.MULTIPLE_CHOICE:
            changed.choices = cleaned["choices"]
        if kind == FILE:
            changed.media_types, changed.max_bytes = cleaned["media_types"], cleaned["max_mb"] * MB
        return changed


def _json_number(value: Decimal | None, *, whole: bool):
    if value is None:
        return None
    if whole or value == value.to_integral_value():
        return int(value)
    return float(value)


def preview_definition(json_schema: dict, layout: dict) -> UnitFormVersion:
    """An unsaved version (never saved: nothing is kept of a preview) that the residents' form renders."""
    return UnitFormVersion(number=0, json_schema=json_schema, layout=layout)


# --- A builder page, in the console or the office ---------------------------------------------------------------


def builder_respond(request, *, versioned_form, scope: str, template: str, context: dict, publish, done_url: str):
    """The whole builder page for `versioned_form` (a standard form or a unit's own; None for a new one): the
    builder, or, for a definition it cannot express, the way to the JSON editor (`context["raw_url"]`); 400 for a
    state it did not sign. `publish(page)` saves the new version (raising ValidationError for a taken address
    name), then the browser goes to `done_url`."""
    start, problems = builder_start(versioned_form.current if versioned_form else None)
    if problems:
        return render(request, template, {**context, "problems": problems})
    slug = versioned_form.slug if versioned_form else ""
    try:
        page = builder_page_handle(request, scope=scope, start=start, slug=slug, new=versioned_form is None)
    except BuilderStateInvalid:
        return render(request, template, {**context, "expired": True, "restart_url": request.path}, status=400)
    if page.publish:
        try:
            version = publish(page)
        except ValidationError as error:  # the address name is taken
            page.errors += error.messages
        else:
            messages.success(
                request,
                _("Version %(number)s of “%(name)s” is published.")
                % {"number": version.number, "name": page.form.title},
            )
            return redirect(done_url)
    return render(request, template, {**context, **page.context()})


# --- One request to a builder page ---------------------------------------------------------------------------


@dataclass
class BuilderPage:
    """What one request to a builder page did: the form now, what to show, and whether to publish it."""

    form: BuilderForm
    slug: str
    scope: str
    new: bool
    editing: str = ""  # the field whose settings are open
    field_form: FieldEditForm | None = None
    meta_form: FormMetaForm | None = None
    preview: ApplicationForm | None = None
    notices: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    publish: bool = False  # asked for, and the definition passed every check
    # The form with a field's settings as being typed, not yet saved: the live preview (htmx) shows it.
    unsaved: BuilderForm | None = None
    json_schema: dict = field(default_factory=dict)
    layout: dict = field(default_factory=dict)

    def context(self) -> dict:
        problems = []
        try:
            definition_check(self.json_schema, self.layout)
        except ValidationError as error:
            problems = error.messages
        preview = self.preview
        if preview is None and not problems:
            preview = ApplicationForm(definition=preview_definition(self.json_schema, self.layout))
        live = False
        if self.unsaved is not None:
            unsaved_schema, unsaved_layout = builder.definition_write(self.unsaved)
            try:
                definition_check(unsaved_schema, unsaved_layout)
                preview, live = ApplicationForm(definition=preview_definition(unsaved_schema, unsaved_layout)), True
            except ValidationError:
                pass  # what is typed does not make a usable form yet: the preview stays as saved
        meta_form = self.meta_form or FormMetaForm(initial={"title": self.form.title, "slug": self.slug})
        if not self.new:
            del meta_form.fields["slug"]  # a published form keeps its address
        return {
            "builder": self.form,
            "builder_steps": [(step, [self.form.fields[name] for name in step.fields]) for step in self.form.steps],
            "field_kind": self.form.fields[self.editing].kind_label if self.editing in self.form.fields else "",
            "state": state_sign(self.form, slug=self.slug, scope=self.scope),
            "new_form": self.new,
            "meta_form": meta_form,
            "add_form": AddFieldForm(steps=self.form.steps),
            "step_form": StepForm(),
            "editing": self.editing,
            "unsaved": live,
            "field_form": self.field_form,
            "preview": preview if live or not problems else None,
            "definition_problems": problems,
            "builder_problems": builder.builder_problems(self.form),
            "notices": self.notices,
            "errors": self.errors,
            "definition_json": json.dumps(
                {"json_schema": self.json_schema, "layout": self.layout}, ensure_ascii=False, indent=2
            ),
        }


def builder_page_handle(request, *, scope: str, start: BuilderForm, slug: str = "", new: bool) -> BuilderPage:
    """Apply the action of a POST to the state it sent back (a GET starts from `start`). Raises
    BuilderStateInvalid for a state the builder did not sign for this page (answer 400)."""
    if request.method != "POST":
        return _finish(BuilderPage(form=start, slug=slug, scope=scope, new=new))
    form, sent_slug = state_unsign(request.POST.get("state", ""), scope=scope)
    page = BuilderPage(form=form, slug=sent_slug if new else slug, scope=scope, new=new)
    verb, _sep, argument = request.POST.get("action", "").partition(":")
    handler = _ACTIONS.get(verb)
    if handler is None:
        page.errors.append(_("The page sent an unknown action; nothing was changed."))
        return _finish(page)
    try:
        handler(page, request, argument)
    except BuilderError as error:
        page.errors.append(str(error))
    return _finish(page)


def _finish(page: BuilderPage) -> BuilderPage:
    page.json_schema, page.layout = builder.definition_write(page.form)
    return page


def _meta(page, request, _argument):
    meta = FormMetaForm(request.POST)
    if meta.is_valid():
        page.form.title = meta.cleaned_data["title"]
        if page.new:
            page.slug = meta.cleaned_data["slug"]
    else:
        page.meta_form = meta


def _add(page, request, _argument):
    _meta(page, request, _argument)
    adding = AddFieldForm(request.POST, steps=page.form.steps)
    if not adding.is_valid():
        raise BuilderError(_("Choose a kind of field and a step."))
    added = builder.field_add(page.form, adding.cleaned_data["kind"], step=adding.cleaned_data["step"])
    page.editing = added[0]
    page.field_form = FieldEditForm(edited=page.form.fields[added[0]], form=page.form)


def _edit(page, request, name):
    _meta(page, request, name)
    if name not in page.form.fields:
        raise BuilderError(_("There is no such field."))
    page.editing = name
    page.field_form = FieldEditForm(edited=page.form.fields[name], form=page.form)


def _save_field(page, request, name):
    if name not in page.form.fields:
        raise BuilderError(_("There is no such field."))
    edit = FieldEditForm(request.POST, edited=page.form.fields[name], form=page.form)
    if not edit.is_valid():
        page.editing, page.field_form = name, edit
        return
    try:
        builder.field_replace(page.form, name, edit.field())
    except BuilderError as error:
        page.editing, page.field_form = name, edit
        edit.add_error(None, str(error))
        return
    page.notices.append(_("The field “%(label)s” is saved.") % {"label": edit.cleaned_data["label"]})


def _live(page, request, name):
    """The field's settings as being typed, shown in the preview without saving them (htmx asks, as they
    change); the page itself keeps the saved state."""
    if name not in page.form.fields:
        raise BuilderError(_("There is no such field."))
    edit = FieldEditForm(request.POST, edited=page.form.fields[name], form=page.form)
    page.editing, page.field_form = name, edit
    if edit.is_valid():
        unsaved = builder.state_load(builder.state_dump(page.form))
        try:
            builder.field_replace(unsaved, name, edit.field())
        except BuilderError:
            return
        page.unsaved = unsaved


def _move(offset):
    def move(page, request, name):
        _meta(page, request, name)
        builder.field_move(page.form, name, offset)

    return move


def _delete(page, request, name):
    _meta(page, request, name)
    label = page.form.fields[name].label if name in page.form.fields else name
    freed = builder.field_delete(page.form, name)
    page.notices.append(_("The field “%(label)s” is removed.") % {"label": label})
    if freed:
        page.notices.append(_("These fields are now always shown: %(fields)s.") % {"fields": ", ".join(freed)})


def _step_index(argument: str) -> int:
    try:
        return int(argument)
    except ValueError:
        raise BuilderError(_("There is no such step.")) from None


def _step_add(page, request, _argument):
    _meta(page, request, _argument)
    adding = StepForm(request.POST)
    if not adding.is_valid():
        raise BuilderError(_("Give the new step a title (at most 200 characters)."))
    builder.step_add(page.form, adding.cleaned_data["title"])


def _step_rename(page, request, argument):
    _meta(page, request, argument)
    index = _step_index(argument)
    title = request.POST.get(f"step-title-{index}", "").strip()
    if not title or len(title) > 200:
        raise BuilderError(_("Give the step a title (at most 200 characters)."))
    builder.step_rename(page.form, index, title)


def _step_delete(page, request, argument):
    _meta(page, request, argument)
    builder.step_delete(page.form, _step_index(argument))


def _step_move(offset):
    def move(page, request, argument):
        _meta(page, request, argument)
        builder.step_move(page.form, _step_index(argument), offset)

    return move


def _preview(page, request, _argument):
    json_schema, layout = builder.definition_write(page.form)
    try:
        definition_check(json_schema, layout)
    except ValidationError:
        return  # the page says what is wrong instead of showing the preview
    page.preview = ApplicationForm(request.POST, request.FILES, definition=preview_definition(json_schema, layout))
    if page.preview.is_valid():
        page.notices.append(_("The preview's answers are valid: a resident could send them."))


def _publish(page, request, _argument):
    _meta(page, request, _argument)
    if page.meta_form is not None:
        raise BuilderError(_("Correct the title and address name first."))
    problems = builder.builder_problems(page.form)
    if page.new and not page.slug:
        problems.append(_("A new form needs an address name."))
    json_schema, layout = builder.definition_write(page.form)
    try:
        definition_check(json_schema, layout)
    except ValidationError as error:
        problems += error.messages
    if problems:
        page.errors += problems
        return
    page.publish = True


_ACTIONS = {
    "save": _meta,
    "add": _add,
    "edit": _edit,
    "save_field": _save_field,
    "live": _live,
    "cancel": lambda page, request, argument: None,
    "up": _move(-1),
    "down": _move(1),
    "delete": _delete,
    "step_add": _step_add,
    "step_rename": _step_rename,
    "step_delete": _step_delete,
    "step_up": _step_move(-1),
    "step_down": _step_move(1),
    "preview": _preview,
    "publish": _publish,
}
