"""Forms of the catalogue's pages in the console: the card editor, the list's filters, retiring and returning.

The editor shows a card as people write it: lists one item per line, the fee in złoty; `changes()` turns it
into the version's fields (lists, grosze). Every limit is checked here, so bad input is a message, not an error.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from platform_core.forms import ZlotyField
from shared_services.catalogue.models import Category, FeeKind, LifeEvent, StandardForm, StandardServiceVersion
from shared_services.catalogue.selectors import CARD_DRAFT, CARD_IN_REVIEW, CARD_PUBLISHED, CARD_RETIRED
from tenants.models import UnitKind

LONG_TEXT = 10_000  # characters of a description: what a page of a card can hold and a diff can compare
LIST_ITEMS, LIST_ITEM_LENGTH = 60, 1_000
RESERVED_SLUGS = {"nowa"}
# The editor's fields that are not a version's own by the same name: the card's address, the fee typed in złoty
# (kept in grosze), and the relations.
_NOT_VERSION_FIELDS = {
    "slug",
    "fee_amount",
    "categories",
    "life_events",
}  # the address of the console's "new card" page


class LinesField(forms.CharField):
    """A list typed one item per line (legal basis, documents, synonyms); empty lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 5})

    def __init__(self, *, item_label, **kwargs):
        self.item_label = item_label
        super().__init__(max_length=LIST_ITEMS * (LIST_ITEM_LENGTH + 1), **kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def clean(self, value):
        text = super().clean(value)
        items = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
        if self.required and not items:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(items) > LIST_ITEMS:
            raise ValidationError(
                _("At most %(limit)d lines, one %(item)s each; this has %(count)d."),
                params={"limit": LIST_ITEMS, "item": self.item_label, "count": len(items)},
            )
        too_long = [item for item in items if len(item) > LIST_ITEM_LENGTH]
        if too_long:
            raise ValidationError(
                _("Each line may have at most %(limit)d characters; this one has %(count)d: “%(start)s…”"),
                params={"limit": LIST_ITEM_LENGTH, "count": len(too_long[0]), "start": too_long[0][:40]},
            )
        return items


def _text(label, *, required=True, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class CardForm(forms.Form):
    """Every field of a service card, and what changed in this version."""

    slug = forms.SlugField(
        label=_("Address of the card"),
        max_length=100,
        help_text=_(
            "Lower-case letters, digits and hyphens, e.g. zameldowanie-na-pobyt-staly; it cannot change later."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=250)
    name_en = forms.CharField(label=_("Name in English"), max_length=250, required=False)
    short_description = _text(
        _("Short description"), rows=2, help_text=_("One or two sentences shown in lists and search results.")
    )
    description = _text(_("Description"), rows=8)
    who_may_apply = _text(_("Who may apply"))
    legal_basis = LinesField(
        label=_("Legal basis"), item_label=_("act or regulation"), help_text=_("One act or regulation per line.")
    )
    required_documents = LinesField(
        label=_("Required documents"), item_label=_("document"), help_text=_("One document per line.")
    )
    fee_kind = forms.ChoiceField(label=_("Kind of fee"), choices=FeeKind.choices)
    fee_amount = ZlotyField(
        label=_("Fee in złoty"),
        required=False,
        empty_value=0,
        help_text=_("For example 17 or 17,50; leave empty or 0 when there is no fee or it varies."),
    )
    fee_description = _text(_("About the fee"), required=False, rows=2)
    fee_exemptions = _text(_("Exemptions"), required=False, rows=2)
    deadline_days = forms.IntegerField(
        label=_("Deadline (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        help_text=_("The number of days the office has, when the law gives one; used to count cases' deadlines."),
    )
    deadline_description = _text(_("Deadline for handling"), rows=2)
    appeal = _text(_("How to appeal"), rows=3)
    where_to_file = _text(_("Where to file"), rows=3)
    jrwa = forms.CharField(
        label=_("JRWA class"),
        max_length=10,
        validators=[RegexValidator(r"^\d{1,10}$", _("A JRWA class is digits only, e.g. 5350."))],
    )
    maturity_level = forms.TypedChoiceField(
        label=_("E-service maturity level"), coerce=int, choices=[(level, str(level)) for level in range(1, 6)]
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=Category.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    life_events = forms.ModelMultipleChoiceField(
        label=_("Life events"), queryset=LifeEvent.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    unit_kinds = forms.MultipleChoiceField(
        label=_("Offered by units of kind"), choices=UnitKind.choices, widget=forms.CheckboxSelectMultiple
    )
    keywords = LinesField(
        label=_("Synonyms and colloquial names"),
        item_label=_("name"),
        required=False,
        help_text=_(
            "One per line: what people call this service in everyday speech (e.g. “meldunek”, “becikowe”). "
            "Search finds the card by them once it is published."
        ),
    )
    form = forms.ModelChoiceField(
        label=_("Form"),
        queryset=StandardForm.objects.all(),
        required=False,
        empty_label=_("none: the service is not applied for online"),
    )
    change_note = _text(
        _("What changed and why"), rows=2, help_text=_("Reviewers read it, and it stays in the card's history.")
    )

    def __init__(self, *args, new_card: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not new_card:
            del self.fields["slug"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is reserved; choose another."))
        return slug

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("fee_kind") == FeeKind.NONE and cleaned.get("fee_amount"):
            self.add_error("fee_amount", _("A card without a fee has no amount: choose the kind of fee, or enter 0."))
        return cleaned

    def changes(self) -> dict:
        """The version's fields from what was typed (categories and life events apart: they are relations)."""
        data = self.cleaned_data
        plain = [name for name in self.fields if name not in _NOT_VERSION_FIELDS]
        return {**{name: data[name] for name in plain}, "fee_grosze": data["fee_amount"]}


def card_initial(version: StandardServiceVersion, *, change_note: str = "") -> dict:
    """The editor's fields filled from `version` (the open draft, or the published card a new draft copies)."""
    return {
        **{name: getattr(version, name) for name in CardForm.base_fields if hasattr(version, name)},
        "fee_amount": version.fee_grosze,
        "categories": list(version.categories.all()),
        "life_events": list(version.life_events.all()),
        "form": version.form_id,
        "change_note": change_note,
    }


class CardFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Names, synonyms and colloquial names; typing mistakes are forgiven."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("any")),
            (CARD_PUBLISHED, _("published")),
            (CARD_DRAFT, _("with an open draft")),
            (CARD_IN_REVIEW, _("in review")),
            (CARD_RETIRED, _("retired")),
        ],
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    life_event = forms.ChoiceField(label=_("Life event"), required=False)
    unit_kind = forms.ChoiceField(label=_("Unit kind"), required=False, choices=[("", _("any")), *UnitKind.choices])
    maturity_level = forms.TypedChoiceField(
        label=_("Maturity level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("any")), *[(level, str(level)) for level in range(1, 6)]],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("any")), *Category.objects.values_list("slug", "name")]
        self.fields["life_event"].choices = [("", _("any")), *LifeEvent.objects.values_list("slug", "name")]


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author reads it on the card's page; it stays in the audit log."),
    )


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the card is retired"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Residents who open the card read it; units keep their adoptions and cases."),
    )
