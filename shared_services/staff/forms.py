"""The part of a staff form that the staff screen's invitation and the member page share."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_services.identity.access import StaffRole

from .models import Department


class RoleInDepartmentForm(forms.Form):
    """A role and where it is held: a department head or a clerk works in a department, an administrator in none."""

    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=StaffRole.choices)
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=gettext_lazy("none (unit administrator)"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in (StaffRole.DEPARTMENT_HEAD, StaffRole.CLERK) and not cleaned.get("department"):
            self.add_error("department", _("A department head or a clerk works in a department."))
        return cleaned
