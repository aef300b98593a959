"""The unit administrator's screen for departments and staff (add a
department, invite a member of staff in a role and a department, remove one). Changes are made by services.py;
staff changes go through Keycloak."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared_services.identity.access import Area, StaffRole, area_required
from shared_services.identity.provisioning import IdentityProviderError, IdentityProviderUnavailable, UnverifiedAccount

from .forms import RoleInDepartmentForm
from .models import Department
from .services import department_create, staff_invite, staff_remove


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ("name", "code")

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class InviteStaffForm(RoleInDepartmentForm):
    field_order = ["email"]

    email = forms.EmailField(label=gettext_lazy("E-mail"))


@area_required(Area.OFFICE_ADMIN)
def staff_and_departments(request):
    department_form = DepartmentForm(request.POST if "add_department" in request.POST else None, prefix="department")
    invite_form = InviteStaffForm(request.POST if "invite" in request.POST else None, prefix="invite")
    actor = request.user.get_username()
    if "add_department" in request.POST and department_form.is_valid():
        department_create(
            name=department_form.cleaned_data["name"], code=department_form.cleaned_data["code"], actor=actor
        )
        messages.success(request, _("The department is added."))
        return redirect("clerk-staff")
    status = 200
    if "invite" in request.POST and invite_form.is_valid():
        data = invite_form.cleaned_data
        try:
            staff_invite(email=data["email"], role=data["role"], department=data["department"], actor=actor)
        except IdentityProviderUnavailable:
            # Nothing was changed; the form keeps what was typed, so sending it again is one click.
            invite_form.add_error(
                None,
                _("The sign-in service (Keycloak) cannot be reached, so nobody was invited. Try again in a moment."),
            )
            status = 503
        except IdentityProviderError:
            invite_form.add_error(
                None,
                _(
                    "The sign-in service (Keycloak) refused the invitation, so nobody was "
                    "invited. If it happens again, tell the platform's operators."
                ),
            )
            status = 502
        except UnverifiedAccount:
            invite_form.add_error(
                "email",
                _(
                    "An account with this e-mail exists, but its address has not been "
                    "confirmed. Ask the person to confirm it (in their account at the "
                    "sign-in service) and invite them again."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "%(email)s is invited. Keycloak sends them an e-mail to set their password; "
                    "with an account already, they simply sign in."
                )
                % {"email": data["email"]},
            )
            return redirect("clerk-staff")
    return render(
        request,
        "staff/staff.html",
        {
            "departments": Department.objects.all(),
            "members": _members(),
            "department_form": department_form,
            "invite_form": invite_form,
        },
        status=status,
    )


def _members():
    return (
        User.objects.filter(groups__name__in=StaffRole.values)
        .select_related("staff_member__department")
        .prefetch_related("groups")
        .distinct()
        .order_by("last_name", "email")
    )


@require_POST
@area_required(Area.OFFICE_ADMIN)
def staff_member_remove(request, user_id):
    member = get_object_or_404(_members(), pk=user_id)
    if member == request.user:
        messages.error(request, _("You cannot remove yourself; ask another administrator of the unit."))
        return redirect("clerk-staff")
    try:
        staff_remove(user=member, actor=request.user.get_username())
    except IdentityProviderError:
        messages.error(
            request,
            _(
                "The sign-in service (Keycloak) did not take the change, so %(email)s is still on "
                "the staff. Try again in a moment."
            )
            % {"email": member.email},
        )
    else:
        messages.success(request, _("%(email)s is no longer on the staff.") % {"email": member.email})
    return redirect("clerk-staff")
