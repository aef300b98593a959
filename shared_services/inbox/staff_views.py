"""The unit administrator's screen for departments and staff: add a department, invite a member of staff
in a role and a department."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_services.audit.services import audit_record
from shared_services.staff.models import StaffInvitation, StaffRole
from shared_services.staff.services import invitation_create
from shared_services.staff.views import unit_administrator_required

from .models import Department


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ("name", "code")

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class InviteStaffForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=StaffRole.choices)
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=Department.objects.all(),
                                        required=False, empty_label=gettext_lazy("none (unit administrator)"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in (StaffRole.DEPARTMENT_HEAD, StaffRole.CLERK) and not cleaned.get("department"):
            self.add_error("department", _("A department head or a clerk works in a department."))
        return cleaned


@unit_administrator_required
def staff_and_departments(request):
    department_form = DepartmentForm(request.POST if "add_department" in request.POST else None, prefix="department")
    invite_form = InviteStaffForm(request.POST if "invite" in request.POST else None, prefix="invite")
    actor = request.user.get_username()
    if "add_department" in request.POST and department_form.is_valid():
        with transaction.atomic():
            department = department_form.save()
            audit_record(actor=actor, action="department.create", target=f"department:{department.pk}",
                         after={"name": department.name, "code": department.code})
        messages.success(request, _("The department is added."))
        return redirect("clerk-staff")
    if "invite" in request.POST and invite_form.is_valid():
        data = invite_form.cleaned_data
        with transaction.atomic():
            invitation = invitation_create(email=data["email"], role=data["role"], department=data["department"])
            audit_record(actor=actor, action="staff.invite", target=f"invitation:{invitation.pk}",
                         after={"email": invitation.email, "role": invitation.role,
                                "department": data["department"].code if data["department"] else None})
        messages.success(request, _("The invitation is sent to %(email)s.") % {"email": invitation.email})
        return redirect("clerk-staff")
    members = (User.objects.filter(groups__name__in=StaffRole.values).select_related("staff_member__department")
               .prefetch_related("groups").distinct().order_by("username"))
    return render(request, "inbox/staff.html", {
        "departments": Department.objects.all(), "members": members,
        "pending": StaffInvitation.objects.filter(accepted_at__isnull=True).select_related("department"),
        "department_form": department_form, "invite_form": invite_form,
    })
