"""The regional standard catalogue of public services, kept by the voivodeship's operators (public schema).

A service card ("karta usługi") changes only through a new version: a published version is never edited,
so what a resident read, or what a submission pinned, stays as it was.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import public_model
from shared_services.eforms.definition import FormDefinition, VersionedForm, current_version_field


class _Term(models.Model):
    """A named grouping of services, in Polish with its English name."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


@public_model
class Category(_Term):
    class Meta(_Term.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


@public_model
class LifeEvent(_Term):
    class Meta(_Term.Meta):
        verbose_name = _("life event")
        verbose_name_plural = _("life events")


@public_model
class StandardService(models.Model):
    """A service of the standard catalogue; its content is in its versions."""

    slug = models.SlugField(unique=True, max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    # A retired card stays with its versions (units keep their history); residents see it as no longer offered.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    retired_by = models.CharField(_("retired by"), max_length=150, blank=True)
    retired_reason = models.TextField(_("reason for retiring"), blank=True)
    published = models.OneToOneField(
        "StandardServiceVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published version"),
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("standard service")
        verbose_name_plural = _("standard services")

    def __str__(self):
        return self.published.name if self.published else self.slug


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")
    SUPERSEDED = "superseded", _("superseded")


class FeeKind(models.TextChoices):
    NONE = "none", _("no fee")
    OPLATA_SKARBOWA = "oplata_skarbowa", _("stamp duty (opłata skarbowa)")
    OPLATA_ADMINISTRACYJNA = "oplata_administracyjna", _("administrative fee")
    OPLATA_EWIDENCYJNA = "oplata_ewidencyjna", _("registration fee (opłata ewidencyjna)")
    INNA = "inna", _("other fee")


class VersionNotEditable(Exception):
    """A published or superseded version is read-only; make a new version instead."""


@public_model
class StandardServiceVersion(models.Model):
    service = models.ForeignKey(StandardService, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Who moved the version along the draft → review → publish flow (labels, as in the operators' audit log).
    created_by = models.CharField(_("drafted by"), max_length=150, blank=True)
    submitted_by = models.CharField(_("sent for review by"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("sent for review"), null=True, blank=True)
    published_by = models.CharField(_("published by"), max_length=150, blank=True)
    change_note = models.TextField(_("what changed and why"), blank=True)

    name = models.CharField(_("name"), max_length=250)
    name_en = models.CharField(_("name in English"), max_length=250, blank=True)
    short_description = models.TextField(_("short description"))
    description = models.TextField(_("description"))
    who_may_apply = models.TextField(_("who may apply"))
    legal_basis = models.JSONField(_("legal basis"), default=list)
    required_documents = models.JSONField(_("required documents"), default=list)
    fee_grosze = models.PositiveIntegerField(_("fee (grosze)"), default=0)
    fee_kind = models.CharField(_("kind of fee"), max_length=32, choices=FeeKind.choices, default=FeeKind.NONE)
    fee_description = models.TextField(_("about the fee"), blank=True)
    fee_exemptions = models.TextField(_("exemptions"), blank=True)
    deadline_days = models.PositiveIntegerField(_("deadline (days)"), null=True, blank=True)
    deadline_description = models.TextField(_("deadline for handling"))
    appeal = models.TextField(_("how to appeal"))
    where_to_file = models.TextField(_("where to file"))
    jrwa = models.CharField(_("JRWA class"), max_length=10)
    maturity_level = models.PositiveSmallIntegerField(
        _("e-service maturity level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    categories = models.ManyToManyField(Category, related_name="versions", verbose_name=_("categories"))
    life_events = models.ManyToManyField(LifeEvent, blank=True, related_name="versions", verbose_name=_("life events"))
    unit_kinds = models.JSONField(_("offered by units of kind"), default=list)
    keywords = models.JSONField(_("search keywords"), default=list, blank=True)
    form = models.ForeignKey(
        "StandardForm", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("form")
    )
    # Derived from the card's text when it is published (catalogue/search.py); not part of the card.
    search_vector = SearchVectorField(null=True, editable=False)
    search_name = SearchVectorField(null=True, editable=False)
    # Name and keywords folded, for trigram similarity: finds the card despite typing mistakes.
    search_words = models.TextField(default="", editable=False)

    class Meta:
        ordering = ["service", "-number"]
        indexes = [
            GinIndex(fields=["search_vector"], name="catalogue_version_search"),
            GinIndex(fields=["search_words"], name="catalogue_version_words", opclasses=["gin_trgm_ops"]),
        ]
        verbose_name = _("service card version")
        verbose_name_plural = _("service card versions")
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="catalogue_version_number_once"),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(status__in=["draft", "review"]),
                name="catalogue_one_open_version_per_service",
            ),
            models.UniqueConstraint(
                fields=["service"], condition=models.Q(status="published"), name="catalogue_one_published_per_service"
            ),
            models.CheckConstraint(
                condition=models.Q(maturity_level__gte=1, maturity_level__lte=5), name="catalogue_maturity_level_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.number}, {self.get_status_display()})"

    def save(self, *args, **kwargs):
        # An invariant, not business logic: enforced here so that no path (admin, shell, a future service)
        # rewrites what residents already read. Only publishing's own status change passes.
        status_change_only = set(kwargs.get("update_fields") or {"*"}) <= {"status", "published_at", "published_by"}
        if self.pk and not status_change_only:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED):
                raise VersionNotEditable(f"{self} is {stored}; create a new version to change it.")
        super().save(*args, **kwargs)


@public_model
class StandardForm(VersionedForm):
    """A form of the regional catalogue, shared by every unit."""

    current = current_version_field("StandardFormVersion")

    class Meta(VersionedForm.Meta):
        verbose_name = _("standard form")
        verbose_name_plural = _("standard forms")


@public_model
class StandardFormVersion(FormDefinition):
    form = models.ForeignKey(StandardForm, on_delete=models.CASCADE, related_name="versions")
    pinned_as = "standard_form_version"

    class Meta(FormDefinition.Meta):
        verbose_name = _("standard form version")
        verbose_name_plural = _("standard form versions")
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="catalogue_form_version_once")]


@public_model
class Offering(models.Model):
    """Which unit offers which standard service: a public copy of each unit's choice, so operators and the
    regional search can see across units without visiting every unit's schema. Kept by `shared_services.offer`.
    """

    unit = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="offerings")
    standard_service = models.ForeignKey(StandardService, on_delete=models.CASCADE, related_name="offerings")

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        constraints = [models.UniqueConstraint(fields=["unit", "standard_service"], name="catalogue_offering_once")]


@public_model
class OwnServiceListing(models.Model):
    """A public copy of a unit's own service (name, summary, search words), so that the regional search finds
    units' own services too. Kept by `shared_services.offer` in the transaction that changes the service."""

    unit = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="own_service_listings")
    unit_service_id = models.PositiveBigIntegerField()  # the row in the unit's schema (no cross-schema key)
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=250)
    short_description = models.TextField()
    keywords = models.CharField(max_length=500, blank=True)
    search_vector = SearchVectorField(null=True)
    search_name = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("listing of a unit's own service")
        verbose_name_plural = _("listings of units' own services")
        indexes = [GinIndex(fields=["search_vector"], name="catalogue_own_listing_search")]
        constraints = [models.UniqueConstraint(fields=["unit", "unit_service_id"], name="catalogue_own_listing_once")]


@public_model
class UnitTermUse(models.Model):
    """A category or life event a unit's own service names: a public copy of the slugs the service keeps in
    the unit's schema (offer.UnitService), so that deleting a term can be refused while a unit uses it without
    a foreign key from every unit's schema (platform_core/public_references.py). Kept by `shared_services.offer`.
    """

    unit = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="term_uses")
    unit_service_id = models.PositiveBigIntegerField()  # the row in the unit's schema (no cross-schema key)
    kind = models.CharField(max_length=20)  # catalogue.terms.TERM_MODELS' key: "category" or "life_event"
    slug = models.SlugField()

    class Meta:
        verbose_name = _("term a unit's service names")
        verbose_name_plural = _("terms units' services name")
        indexes = [models.Index(fields=["kind", "slug"], name="catalogue_term_use_by_term")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "unit_service_id", "kind", "slug"], name="catalogue_term_use_once")
        ]


class OpenDataLicence(models.TextChoices):
    """The licences a unit may put its registers' data under (the open data act lets it choose; both are open)."""

    CC0 = "cc0", "CC0 1.0"
    CC_BY_4 = "cc-by-4.0", "CC BY 4.0"


@public_model
class OpenDataPublisher(models.Model):
    """A unit's choices about its open data that anyone may read, here so that the regional catalogue states each
    unit's licence without visiting its schema. A unit without a row publishes under CC BY 4.0."""

    unit = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE, related_name="open_data")
    licence = models.CharField(
        _("licence"), max_length=16, choices=OpenDataLicence.choices, default=OpenDataLicence.CC_BY_4
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("open data publisher")
        verbose_name_plural = _("open data publishers")


@public_model
class RegisterListing(models.Model):
    """A public copy of one unit register as open data: what it is, how many records are published and when the
    last one was. Kept by `shared_services.registers` in the transaction that publishes or withdraws a record,
    so the regional catalogue and the operators' freshness view read this table only, never the units' schemas.
    """

    unit = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="register_listings")
    register_id = models.PositiveBigIntegerField()  # the register's row in the unit's schema (no cross-schema key)
    key = models.SlugField(max_length=36)  # stable: the feed's extIdent and the catalogue's identifier
    slug = models.SlugField(max_length=100)  # the files' address: /dane/<slug>.csv
    title_pl = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    description_pl = models.TextField()
    description_en = models.TextField()
    theme = models.CharField(max_length=4)  # the EU data theme (the same codes as dane.gov.pl's categories)
    update_frequency = models.CharField(max_length=16, default="notApplicable")  # the harvester's words
    keywords_pl = models.JSONField(default=list)
    keywords_en = models.JSONField(default=list)
    record_count = models.PositiveIntegerField(default=0)
    has_place = models.BooleanField(default=False)  # its records have a place: it also has a GeoJSON file
    first_published_at = models.DateTimeField(null=True)
    last_published_at = models.DateTimeField(null=True)
    changed_at = models.DateTimeField(auto_now=True)  # any change of what the files say: their ETag's source

    class Meta:
        verbose_name = _("listing of a unit's register")
        verbose_name_plural = _("listings of units' registers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "register_id"], name="catalogue_register_listing_once"),
            models.UniqueConstraint(fields=["unit", "slug"], name="catalogue_register_listing_slug"),
        ]


class RegisterTheme(models.TextChoices):
    """The four themes of public registers (the seed project's grouping; each register also names its open-data
    category)."""

    BUDGET_FINANCE = "budget_finance", _("budget and finance")
    AUTHORITY_LAW = "authority_law", _("local authority and law")
    TRANSPORT_ENVIRONMENT = "transport_environment", _("transport and environment")
    SPORT_TOURISM = "sport_tourism", _("sport and tourism")


@public_model
class StandardRegister(models.Model):
    """A public register of the regional standard (uchwały, rejestr umów, przystanki …); what it holds is in its
    versions, the newest being `current`. Units adopt it by slug and keep its records in their own schema."""

    slug = models.SlugField(unique=True, max_length=36)  # ≤ 36: the harvest feed's extIdent is built from it
    created_at = models.DateTimeField(auto_now_add=True)
    current = current_version_field("StandardRegisterVersion")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("standard register")
        verbose_name_plural = _("standard registers")

    def __str__(self):
        return self.current.name if self.current else self.slug


@public_model
class StandardRegisterVersion(FormDefinition):
    """One immutable version of a standard register: its description as a dataset and its fields as a form
    definition (JSON Schema 2020-12 + layout, the forms engine's), so entering, checking and importing a record
    is filling that form. Units' records pin the version number they were entered against."""

    register = models.ForeignKey(StandardRegister, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("name"), max_length=250)
    name_en = models.CharField(_("name in English"), max_length=250)
    description = models.TextField(_("description"))
    description_en = models.TextField(_("description in English"))
    theme = models.CharField(_("theme"), max_length=32, choices=RegisterTheme.choices)
    # dane.gov.pl's category (the EU data theme's code: GOVE, ECON, TRAN …) and the harvester's update frequency.
    category = models.CharField(_("open data category"), max_length=4)
    update_frequency = models.CharField(_("update frequency"), max_length=16, default="notApplicable")
    tags = models.JSONField(_("tags"), default=list, blank=True)
    tags_en = models.JSONField(_("tags in English"), default=list, blank=True)
    unit_kinds = models.JSONField(_("kept by units of kind"), default=list)
    # The field whose value names a record in lists and as its BIP title (e.g. the resolution's number).
    title_field = models.CharField(_("field naming a record"), max_length=100)
    # A case of this standard service, closed, proposes a record; `case_fields` maps a record field to the
    # application's field it is prefilled from ({"holder": "nazwa_przedsiebiorcy"}).
    service_slug = models.SlugField(_("linked standard service"), max_length=100, blank=True)
    case_fields = models.JSONField(_("record fields from the application"), default=dict, blank=True)

    class Meta(FormDefinition.Meta):
        verbose_name = _("standard register version")
        verbose_name_plural = _("standard register versions")
        constraints = [models.UniqueConstraint(fields=["register", "number"], name="catalogue_register_version_once")]

    def __str__(self):
        return f"{self.name} v{self.number}"
