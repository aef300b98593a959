from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.public_references import PublicSlugList, public_reference
from platform_core.schema_marking import tenant_model


@tenant_model
class AdoptedService(models.Model):
    """A standard catalogue service this unit offers, with the unit's local details.

    The card's text is not copied: it is read from the standard service's published version, so an
    improvement of the standard reaches every unit that offers it. Only what is local is stored here.
    """

    # A public row, referred to without a foreign key (platform_core/public_references.py).
    standard_service = public_reference(
        "catalogue.StandardService", one_to_one=True, verbose_name=_("standard service")
    )
    enabled = models.BooleanField(_("offered"), default=True)
    fee_override_grosze = models.PositiveIntegerField(
        _("local fee (grosze)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to charge the standard fee."),
    )
    department = models.CharField(_("responsible department"), max_length=200, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    local_notes = models.TextField(_("local notes"), blank=True)
    adopted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adopted service")
        verbose_name_plural = _("adopted services")

    def __str__(self):
        return str(self.standard_service)


@tenant_model
class UnitService(models.Model):
    """A service of this unit's own, outside the regional standard catalogue."""

    slug = models.SlugField(
        _("address name"),
        unique=True,
        max_length=100,
        help_text=_("Used in the service's address: lower-case letters, digits and hyphens."),
    )
    enabled = models.BooleanField(_("offered"), default=True)
    name = models.CharField(_("name"), max_length=250)
    short_description = models.TextField(_("short description"))
    description = models.TextField(_("description"), blank=True)
    who_may_apply = models.TextField(_("who may apply"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True, help_text=_("One act per line."))
    required_documents = models.TextField(_("required documents"), blank=True, help_text=_("One per line."))
    fee_grosze = models.PositiveIntegerField(_("fee (grosze)"), default=0)
    fee_description = models.TextField(_("about the fee"), blank=True)
    deadline_description = models.TextField(_("deadline for handling"), blank=True)
    appeal = models.TextField(_("how to appeal"), blank=True)
    where_to_file = models.TextField(_("where to file"), blank=True)
    department = models.CharField(_("responsible department"), max_length=200, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    # Slugs of public terms, kept in the row: no table of foreign keys into the public schema.
    category_slugs = PublicSlugList("catalogue.Category", verbose_name=_("categories"))
    life_event_slugs = PublicSlugList("catalogue.LifeEvent", verbose_name=_("life events"))
    keywords = models.CharField(
        _("search keywords"),
        max_length=500,
        blank=True,
        help_text=_("Words residents might search for, separated by commas."),
    )
    standard_form = public_reference("catalogue.StandardForm", null=True, blank=True, verbose_name=_("standard form"))
    unit_form = models.ForeignKey(
        "eforms.UnitForm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("the unit's own form"),
    )
    # Derived from the text on every save (shared_services.offer.services); not edited by people.
    search_vector = SearchVectorField(null=True, editable=False)
    search_name = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("the unit's own service")
        verbose_name_plural = _("the unit's own services")
        indexes = [GinIndex(fields=["search_vector"], name="offer_unit_service_search")]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(standard_form__isnull=False) & models.Q(unit_form__isnull=False)),
                name="offer_unit_service_one_form",
            )
        ]

    def __str__(self):
        return self.name
