"""A unit's office: its departments and where each member of staff works (each unit's schema).

A member's role (unit administrator, department head, clerk) comes from Keycloak and is kept as the account's
group (identity.access.StaffRole); these tables keep what Keycloak does not know: the departments, whose codes
open the case signs, and each member's department.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


@tenant_model
class Department(models.Model):
    """An organisational unit of the office (e.g. Wydział Podatków i Opłat, code FN); its code opens the
    znak sprawy of its cases."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("code"), max_length=12, unique=True, help_text=_("Letters of the department's case signs, e.g. FN or OŚ.")
    )

    class Meta:
        db_table = "inbox_department"  # its table since before it moved here from the inbox
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return f"{self.name} ({self.code})"


@tenant_model
class StaffMember(models.Model):
    """Where a member of staff works; the role (unit administrator, department head, clerk) is their group."""

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="staff_member")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff", verbose_name=_("department")
    )

    class Meta:
        db_table = "inbox_staffmember"
        verbose_name = _("member of staff")
        verbose_name_plural = _("members of staff")
