from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model

from .contrast import MINIMUM_TEXT_CONTRAST, WHITE, contrast_ratio
from .service_points import service_points_parse, validate_service_points

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


@tenant_model
class UnitBranding(models.Model):
    """How the unit's subdomain presents itself. One row per unit schema (enforced by `singleton`)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    display_name = models.CharField(_("name shown to residents"), max_length=200)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1d3f7a", validators=[colour_validator]
    )
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#b3261e", validators=[colour_validator])
    coat_of_arms = models.FileField(_("coat of arms"), upload_to="herb/", blank=True)
    coat_of_arms_type = models.CharField(max_length=50, blank=True, editable=False)  # found in the content
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    bip_url = models.URLField(_("Public Information Bulletin (BIP)"), blank=True)
    accessibility_statement_url = models.URLField(_("accessibility statement"), blank=True)
    service_points = models.TextField(
        _("service points"),
        blank=True,
        validators=[validate_service_points],
        help_text=_(
            'Where residents are served, one a line: "name; address; latitude, longitude". Shown on the home '
            "page as a list and on a map."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")
        constraints = [models.CheckConstraint(condition=models.Q(singleton=True), name="branding_singleton")]

    def __str__(self):
        return self.display_name

    def service_point_list(self) -> list:
        """The service points as typed (models' validation kept the text readable; a row from before reads as none)."""
        try:
            return service_points_parse(self.service_points)
        except ValidationError:
            return []

    def service_point_features(self) -> list[dict]:
        return [point.feature() for point in self.service_point_list()]

    def clean(self):
        # Residents read white text on both colours (header, buttons): WCAG 2.1 AA asks 4.5:1 for text.
        problems = {}
        for field in ("primary_colour", "accent_colour"):
            colour = getattr(self, field)
            if not colour_validator.regex.match(colour or ""):
                continue
            ratio = contrast_ratio(colour, WHITE)
            if ratio < MINIMUM_TEXT_CONTRAST:
                problems[field] = ValidationError(
                    _(
                        "White text on %(colour)s has a contrast of %(ratio)s:1; WCAG 2.1 AA requires at least "
                        "%(minimum)s:1 for text, so residents with weaker sight could not read it. Choose a darker "
                        "colour."
                    ),
                    code="low_contrast",
                    params={"colour": colour, "ratio": f"{ratio:.2f}", "minimum": MINIMUM_TEXT_CONTRAST},
                )
        if problems:
            raise ValidationError(problems)
