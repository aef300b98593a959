"""One member of staff, as the unit administrator edits them: name, role and department (services.staff_update).
Taking someone off the staff is the staff screen's button (views.staff_member_remove)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_services.identity.access import Area, StaffRole, area_required
from shared_services.identity.people import person_name
from shared_services.identity.provisioning import IdentityProviderError, IdentityProviderUnavailable

from .forms import RoleInDepartmentForm
from .services import staff_update


class StaffMemberForm(RoleInDepartmentForm):
    field_order = ["first_name", "last_name"]

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)

    def __init__(self, *args, member, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.member, self.editor = member, editor

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if self.member == self.editor and role and role != StaffRole.UNIT_ADMIN:
            # The unit would risk having no administrator left to undo it.
            self.add_error("role", _("You cannot take away your own administrator role; ask another administrator."))
        return cleaned


def _staff():
    return User.objects.filter(groups__name__in=StaffRole.values).distinct()


@area_required(Area.OFFICE_ADMIN)
def staff_member_edit(request, user_id):
    member = get_object_or_404(_staff().select_related("staff_member__department"), pk=user_id)
    current = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "role": next((group.name for group in member.groups.all() if group.name in StaffRole.values), None),
        "department": getattr(getattr(member, "staff_member", None), "department", None),
    }
    form = StaffMemberForm(request.POST or None, initial=current, member=member, editor=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            staff_update(user=member, actor=request.user.get_username(), **form.cleaned_data)
        except IdentityProviderUnavailable:
            form.add_error(
                None,
                _("The sign-in service (Keycloak) cannot be reached, so nothing was changed. Try again in a moment."),
            )
            status = 503
        except IdentityProviderError:
            form.add_error(
                None,
                _(
                    "The sign-in service (Keycloak) refused the change, so nothing was changed. If it happens "
                    "again, tell the platform's operators."
                ),
            )
            status = 502
        else:
            messages.success(request, _("The details of %(person)s are saved.") % {"person": person_name(member)})
            return redirect("clerk-staff")
    return render(request, "staff/member_edit.html", {"member": member, "form": form}, status=status)
