import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import schema_exists

from platform_core.schema_marking import public_model

from .citus import schema_distribute
from .codes import is_terc, validate_unit_code
from .schema_template import TemplateUnusable, schema_create_from_template

logger = logging.getLogger(__name__)

# A DNS label: what a unit's subdomain can be.
slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    _("Use lower-case letters a–z, digits and hyphens (not at the start or end), at most 63 characters."),
)
# Subdomains the platform keeps for itself.
RESERVED_SLUGS = frozenset({"www", "admin", "api", "static", "media", "mail", "login", "auth", "sso", "public"})


class UnitKind(models.TextChoices):
    GMINA_MIEJSKA = "gmina_miejska", _("urban gmina")
    GMINA_WIEJSKA = "gmina_wiejska", _("rural gmina")
    GMINA_MIEJSKO_WIEJSKA = "gmina_miejsko_wiejska", _("urban-rural gmina")
    MIASTO_NA_PRAWACH_POWIATU = "miasto_na_prawach_powiatu", _("city with powiat rights")
    POWIAT = "powiat", _("powiat")
    WOJEWODZTWO = "wojewodztwo", _("voivodeship")
    OTHER = "inna", _("other unit")


class UnitStatus(models.TextChoices):
    PROVISIONING = "provisioning", _("being prepared")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    OFFBOARDED = "offboarded", _("offboarded")


@public_model
class Tenant(TenantMixin):
    """One local-government unit of the consortium; its own data lives in schema `schema_name`."""

    name = models.CharField(_("official name"), max_length=200)
    code = models.CharField(
        _("TERC or internal code"),
        max_length=12,
        unique=True,
        validators=[validate_unit_code],
        help_text=_("TERYT TERC code (WW, WWPP or WWPPGGR) or, for units GUS does not list, INT0001…"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    slug = models.SlugField(_("subdomain"), max_length=63, unique=True, validators=[slug_validator])
    status = models.CharField(_("status"), max_length=16, choices=UnitStatus.choices, default=UnitStatus.PROVISIONING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    offboarded_at = models.DateTimeField(_("offboarded"), null=True, blank=True)

    auto_create_schema = True
    auto_drop_schema = False  # dropping a unit's data happens only through the offboarding export

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=UnitStatus.values), name="tenant_status_valid"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()}, {self.code})"

    @property
    def terc(self) -> str | None:
        return self.code if is_terc(self.code) else None

    @property
    def primary_host(self) -> str:
        return f"{self.slug}.{settings.PLATFORM_DOMAIN}"

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Copy the template schema (tenants/schema_template.py) instead of running every migration."""
        if self.status == UnitStatus.OFFBOARDED:
            # django-tenants recreates a missing schema whenever a tenant row is saved; an offboarded
            # unit's schema was dropped on purpose (after its export) and must stay gone.
            return None
        if check_if_exists and schema_exists(self.schema_name):
            return False
        copied = False
        if sync_schema:
            try:
                schema_create_from_template(self.schema_name)
                copied = True
            except TemplateUnusable as reason:
                logger.warning("template copy unusable, migrating instead", extra={"reason": str(reason)})
        if not copied:
            super().create_schema(sync_schema=sync_schema, verbosity=verbosity)
        schema_distribute(self.schema_name)  # on Citus, onto a worker (tenants/citus.py); nothing otherwise
        return True

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("“%(slug)s” is reserved by the platform.") % {"slug": self.slug}})


@public_model
class Domain(DomainMixin):
    """A host name that serves a unit: its primary `<slug>.<PLATFORM_DOMAIN>` and any custom domains."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            # At most one primary domain per unit.
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(is_primary=True), name="domain_one_primary_per_unit"
            ),
            # Stored lower-case without a trailing dot, as hosts are compared.
            models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="domain_lower_case"),
        ]

    def __str__(self):
        return self.domain
