"""The office's inbox: the list of cases and the register of incoming correspondence. The case page and its
actions are in case_views.py."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from shared_services.identity.access import Area, StaffRole, area_required, office_role
from shared_services.staff.models import Department

from .models import CaseStatus
from .selectors import cases_for, register_entries

staff_required = area_required(Area.OFFICE)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", gettext_lazy("any"))] + list(CaseStatus.choices)
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        required=False,
        queryset=Department.objects.all(),
        empty_label=gettext_lazy("any"),
    )
    service = forms.CharField(label=gettext_lazy("Service"), required=False, max_length=100)
    received_from = forms.DateField(
        label=gettext_lazy("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=gettext_lazy("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=gettext_lazy("Only overdue"), required=False)


@staff_required
def case_list(request):
    filters = CaseFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    if criteria.get("department"):
        criteria["department"] = criteria["department"].pk
    cases = cases_for(request.user, **{name: value for name, value in criteria.items() if value})
    page = Paginator(cases, 50).get_page(request.GET.get("strona"))
    return render(request, "inbox/case_list.html", {"filters": filters, "page": page, "today": timezone.localdate()})


@staff_required
def register_view(request):
    year = int(request.GET.get("rok") or timezone.localdate().year)
    if office_role(request.user) == StaffRole.CLERK:
        raise PermissionDenied
    return render(request, "inbox/register.html", {"entries": register_entries(year=year), "year": year})
