from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


@tenant_model
class AdoptedService(models.Model):
    """A standard catalogue service this unit offers, with the unit's local details.

    The card's text is not copied: it is read from the standard service's published version, so an
    improvement of the standard reaches every unit that offers it. Only what is local is stored here.
    """

    standard_service = models.OneToOneField(
        "catalogue.StandardService", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("standard service"),
    )
    enabled = models.BooleanField(_("offered"), default=True)
    fee_override_grosze = models.PositiveIntegerField(
        _("local fee (grosze)"), null=True, blank=True,
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
