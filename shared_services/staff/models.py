from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


class StaffRole(models.TextChoices):
    UNIT_ADMIN = "unit_admin", _("unit administrator")
    DEPARTMENT_HEAD = "department_head", _("department head")
    CLERK = "clerk", _("clerk")


@tenant_model
class StaffInvitation(models.Model):
    """An invitation to join the unit's staff. Only a hash of its token is stored; the token travels by e-mail."""

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=32, choices=StaffRole.choices)
    department = models.ForeignKey("inbox.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("department"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"
