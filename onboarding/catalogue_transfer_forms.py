"""Forms of the catalogue's import and of its categories and life events in the console."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _

from platform_core.text import line_clean
from shared_services.catalogue.terms import TERM_MODELS
from shared_services.catalogue.transfer import MAX_DOCUMENT_BYTES


class CatalogueImportForm(forms.Form):
    document = forms.FileField(
        label=_("Catalogue file (JSON)"),
        help_text=_("A catalogue exported from this or another deployment, or the seed file standard_services.json."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                _("The file is larger than %(limit)d MB; a whole catalogue is smaller."),
                params={"limit": MAX_DOCUMENT_BYTES // 2**20},
            )
        return upload.read()  # validated where it is kept (catalogue_upload_keep)


class TermForm(forms.Form):
    """A category or a life event: its slug only when it is created (it is fixed afterwards), its names."""

    slug = forms.CharField(
        label=_("Address (slug)"),
        max_length=50,
        validators=[validate_slug],
        help_text=_("Latin letters, digits and hyphens, e.g. sprawy-obywatelskie. It cannot be changed later."),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120)

    def __init__(self, *args, kind: str, term=None, **kwargs):
        self.kind, self.term = kind, term
        if term is not None:
            kwargs.setdefault("initial", {"slug": term.slug, "name": term.name, "name_en": term.name_en})
        super().__init__(*args, **kwargs)
        if term is not None:
            del self.fields["slug"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        if TERM_MODELS[self.kind].objects.filter(slug=slug).exists():
            raise ValidationError(_("This address is taken; choose another or edit the existing one."))
        return slug

    def clean_name(self):
        return _one_line(self.cleaned_data["name"])

    def clean_name_en(self):
        return _one_line(self.cleaned_data["name_en"])


def _one_line(value: str) -> str:
    value = line_clean(value).strip()
    if not value:
        raise ValidationError(_("This field is required."))
    return value
