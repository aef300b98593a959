from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


@tenant_model
class UnitBranding(models.Model):
    """How the unit's subdomain presents itself. One row per unit schema (enforced by `singleton`)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    display_name = models.CharField(_("name shown to residents"), max_length=200)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#1d3f7a",
                                      validators=[colour_validator])
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#b3261e",
                                     validators=[colour_validator])
    coat_of_arms = models.FileField(_("coat of arms"), upload_to="herb/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")
        constraints = [models.CheckConstraint(condition=models.Q(singleton=True), name="branding_singleton")]

    def __str__(self):
        return self.display_name
