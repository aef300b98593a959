"""The office's inbox: the list of cases (search, filters, sorting, bulk assigning and printing) and the register
of incoming correspondence. The case page and its actions are in case_views.py."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from platform_core.forms import YearField, row_ids
from platform_core.maps import map_data
from shared_services.eforms.locations import PARCEL_MAX_LENGTH
from shared_services.identity.access import Area, StaffRole, area_required, office_role
from shared_services.identity.people import person_name
from shared_services.staff.models import Department

from . import case_services
from .models import CaseStatus, Channel
from .places_search import MAP_CASES_AT_MOST, area_parse, case_map_features, case_map_rows
from .register_export import RegisterPeriodForm
from .selectors import (
    DEFAULT_CASE_SORT,
    case_sort_known,
    cases_for,
    cases_selected,
    register_entries,
    staff_to_assign,
)

staff_required = area_required(Area.OFFICE)
CASES_PER_PAGE = 50
# Sortable columns of the list, in the table's order: the `sort=` key and the column's heading.
SORTABLE_COLUMNS = {
    "received": gettext_lazy("Received"),
    "number": gettext_lazy("Register no."),
    "sign": gettext_lazy("Case sign"),
    "service": gettext_lazy("Service"),
    "status": gettext_lazy("Status"),
    "deadline": gettext_lazy("Deadline"),
}
# What the list's address may carry besides the filter form's fields.
PAGE_PARAMETER, SORT_PARAMETER, SELECTED_PARAMETER = "strona", "sort", "sprawa"


def may_assign(user) -> bool:
    """Whether the user's role assigns cases at all (permissions.allowed_actions decides each case)."""
    return office_role(user) in (StaffRole.UNIT_ADMIN, StaffRole.DEPARTMENT_HEAD)


class CaseFilterForm(forms.Form):
    # The field names are part of the list's addresses (the start page links to them): keep them stable.
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Applicant, register number, case sign, service or text of the application"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", gettext_lazy("any"))] + list(CaseStatus.choices)
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        required=False,
        queryset=Department.objects.all(),
        empty_label=gettext_lazy("any"),
        error_messages={"invalid_choice": gettext_lazy("There is no such department.")},
    )
    assignee = forms.ChoiceField(label=gettext_lazy("Assigned to"), required=False)
    channel = forms.ChoiceField(
        label=gettext_lazy("Came"), required=False, choices=[("", gettext_lazy("any way"))] + list(Channel.choices)
    )
    # Older addresses filter by service; the search box finds services too, so it is not shown.
    service = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    received_from = forms.DateField(
        label=gettext_lazy("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=gettext_lazy("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=gettext_lazy("Only overdue"), required=False)
    # Where the case is (shared_services/places): a parcel, a street, an area drawn on the map or typed.
    parcel = forms.CharField(
        label=gettext_lazy("Parcel"),
        required=False,
        max_length=PARCEL_MAX_LENGTH,
        help_text=gettext_lazy("Parcel identifier, e.g. 046301_1.0012.123/4"),
    )
    street = forms.CharField(label=gettext_lazy("Street"), required=False, max_length=150)
    area = forms.CharField(
        label=gettext_lazy("Area"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "Four numbers: south latitude, west longitude, north latitude, east longitude, "
            "e.g. 53.00, 18.59, 53.02, 18.62 (or draw it on the map)"
        ),
    )

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", gettext_lazy("anybody")),
            ("mine", gettext_lazy("me")),
            ("none", gettext_lazy("nobody yet")),
        ] + [(str(person.pk), person_name(person)) for person in colleagues]
        self.fields["assignee"].error_messages["invalid_choice"] = gettext_lazy("Choose a person from the list.")
        for name in ("q", "parcel", "area"):
            self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].id_for_label}-hint"

    def clean_area(self):
        """The typed area as (min_lat, min_lon, max_lat, max_lon), or None."""
        text = self.cleaned_data["area"].strip()
        if not text:
            return None
        try:
            return area_parse(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("received_from"), cleaned.get("received_to")
        if since and until and since > until:
            self.add_error("received_to", _("The end of the period is before its start."))
        return cleaned


class BulkActionForm(forms.Form):
    """What to do with the cases ticked in the list: print them, or (heads and administrators) assign them."""

    action = forms.ChoiceField(choices=[("print", "print"), ("assign", "assign")])
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"),
        required=False,
        queryset=None,
        empty_label=gettext_lazy("choose a person"),
        error_messages={"invalid_choice": gettext_lazy("Choose a person from the list.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_to_assign(user)
        self.fields["assignee"].label_from_instance = person_name


@staff_required
def case_list(request):
    return _case_list_page(request, request.GET)


def _case_filters(request, parameters: QueryDict) -> tuple[CaseFilterForm, dict, bool]:
    """The filter form of the list and the map, the criteria for cases_for of the filters that can be read, and
    whether every filter could be."""
    filters = CaseFilterForm(parameters or None, colleagues=list(staff_to_assign(request.user)))
    valid = not filters.is_bound or filters.is_valid()
    criteria = {name: value for name, value in getattr(filters, "cleaned_data", {}).items() if value}
    if criteria.get("department"):
        criteria["department"] = criteria["department"].pk
    return filters, criteria, valid


def _case_list_page(request, parameters: QueryDict, *, bulk_form=None, status=200):
    """The list for `parameters` (the list's address): filtered, sorted, one page of it. A filter that cannot
    be read is explained above the list, which then applies the filters that can be (400)."""
    filters, criteria, valid = _case_filters(request, parameters)
    if not valid:
        status = 400
    sort = parameters.get(SORT_PARAMETER, "")
    sort = sort if case_sort_known(sort) else DEFAULT_CASE_SORT
    cases = cases_for(request.user, sort=sort, **criteria)
    page = Paginator(cases, CASES_PER_PAGE).get_page(parameters.get(PAGE_PARAMETER))
    bulk_form = bulk_form or BulkActionForm(user=request.user)
    return render(
        request,
        "inbox/case_list.html",
        {
            "filters": filters,
            "page": page,
            "count_text": ngettext("%(count)s case", "%(count)s cases", page.paginator.count)
            % {"count": page.paginator.count},
            "columns": _sortable_columns(parameters, sort),
            "sort": sort if sort != DEFAULT_CASE_SORT else "",
            "list_query": _query(parameters, drop=(PAGE_PARAMETER,)),
            "page_query": _query(parameters, drop=(PAGE_PARAMETER,), keep_empty=False),
            "bulk": bulk_form,
            "may_assign": may_assign(request.user),
            # What went wrong, for the error summary and the page's title: the bulk bar's, else the filters'.
            "form": bulk_form if bulk_form.errors else filters,
        },
        status=status,
    )


@staff_required
def case_map(request):
    """The cases of the inbox's filters on a map (clustered, each linking to its case), and the same cases as a
    table below it: the map's text alternative. Only cases with a located place are on either."""
    filters, criteria, valid = _case_filters(request, request.GET)
    sort = request.GET.get(SORT_PARAMETER, "")
    cases = cases_for(request.user, sort=sort if case_sort_known(sort) else DEFAULT_CASE_SORT, **criteria)
    rows, more = case_map_rows(cases)
    map_texts = {
        "draw": _("Draw an area"),
        "visible": _("Use the visible area"),
        "plain": _("No basemap: the unit's outline and the places of cases"),
    }
    return render(
        request,
        "inbox/case_map.html",
        {
            "filters": filters,
            "form": filters,
            "rows": rows,
            "more": more,
            "at_most": MAP_CASES_AT_MOST,
            "sort": sort if case_sort_known(sort) and sort != DEFAULT_CASE_SORT else "",
            "list_query": _query(request.GET, drop=(PAGE_PARAMETER,), keep_empty=False),
            "map": map_data(
                features=case_map_features(rows),
                cluster=True,
                area={"input": filters["area"].id_for_label},
                texts=map_texts,
            ),
        },
        status=200 if valid else 400,
    )


def _query(parameters: QueryDict, *, drop=(), keep_empty=True, **changes) -> str:
    """The list's address parameters without `drop`, with `changes`; empty filters left out unless asked."""
    query = QueryDict(mutable=True)
    for name, values in parameters.lists():
        if name in drop or name in changes or name == "csrfmiddlewaretoken":
            continue
        values = [value for value in values if keep_empty or value]
        if values:
            query.setlist(name, values)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def _sortable_columns(parameters: QueryDict, sort: str) -> list[dict]:
    """Each sortable column's heading: its link (this column, the other way round if it is the current one;
    back to the first page) and its aria-sort."""
    columns = []
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    for key, label in SORTABLE_COLUMNS.items():
        is_current = key == current
        # Dates read newest first on a first click; the rest alphabetically.
        first_click = f"-{key}" if key == "received" else key
        next_sort = (key if descending else f"-{key}") if is_current else first_click
        columns.append(
            {
                "key": key,
                "label": label,
                "query": _query(parameters, drop=(PAGE_PARAMETER,), keep_empty=False, sort=next_sort),
                "aria_sort": ("descending" if descending else "ascending") if is_current else "",
            }
        )
    return columns


@require_POST
@staff_required
def case_list_bulk(request):
    """The bulk bar of the list: print the ticked cases, or assign them all to one person (all or none)."""
    back_to = QueryDict(request.POST.get("lista", ""))
    if request.POST.get("action") == "assign" and not may_assign(request.user):
        raise PermissionDenied
    form = BulkActionForm(request.POST, user=request.user)
    if not form.is_valid():
        return _case_list_page(request, back_to, bulk_form=form, status=400)
    try:
        selected_ids = row_ids(request.POST.getlist(SELECTED_PARAMETER))
    except ValueError:
        form.add_error(None, _("Some of the ticked cases are not among the cases you may see."))
        return _case_list_page(request, back_to, bulk_form=form, status=400)
    if not selected_ids:
        form.add_error(None, _("Tick at least one case in the list."))
        return _case_list_page(request, back_to, bulk_form=form, status=400)
    cases = cases_selected(request.user, selected_ids, sort=back_to.get(SORT_PARAMETER, ""))
    if form.cleaned_data["action"] == "print":
        return render(
            request, "inbox/case_print.html", {"cases": cases, "today": timezone.localdate(), "back": back_to}
        )
    assignee = form.cleaned_data["assignee"]
    try:
        if assignee is None:
            raise ValidationError(_("Choose the person to assign the cases to."))
        if len(cases) != len(set(selected_ids)):
            raise ValidationError(_("Some of the ticked cases are not among the cases you may see."))
        case_services.cases_assign(user=request.user, cases=cases, assignee=assignee)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, _("%(problem)s Nothing was assigned.") % {"problem": message})
        return _case_list_page(request, back_to, bulk_form=form, status=400)
    messages.success(
        request,
        ngettext("%(count)s case assigned to %(person)s.", "%(count)s cases assigned to %(person)s.", len(cases))
        % {"count": len(cases), "person": person_name(assignee)},
    )
    list_url = reverse("clerk-inbox")
    return redirect(f"{list_url}?{back_to.urlencode()}" if back_to else list_url)


@staff_required
def register_view(request):
    if not may_see_register(request.user):
        raise PermissionDenied
    return register_page(request)


def may_see_register(user) -> bool:
    """The register (and its downloads, export_views.py) is for administrators and department heads."""
    return office_role(user) != StaffRole.CLERK


class RegisterYearForm(forms.Form):
    """Which year's register the page shows: `rok` in its address, this year when there is none."""

    rok = YearField(label=gettext_lazy("Year"), required=False)


def register_page(request, *, export_form=None, status=200):
    """The register of a year (`rok`), with the form that downloads it for a period: blank, or as sent with
    what is wrong with it. A year that cannot be read is explained above this year's register (400)."""
    year_form = RegisterYearForm(request.GET)
    if not year_form.is_valid():
        status = 400
    year = year_form.cleaned_data.get("rok") or timezone.localdate().year
    if export_form is None:
        last_day = min(datetime.date(year, 12, 31), timezone.localdate())
        export_form = RegisterPeriodForm(initial={"od": datetime.date(year, 1, 1), "do": last_day, "format": "pdf"})
    return render(
        request,
        "inbox/register.html",
        {
            "entries": register_entries(year=year),
            "year": year,
            "year_form": year_form,
            "export_form": export_form,
            "form": year_form if year_form.errors else export_form,  # what the page's title says is wrong
        },
        status=status,
    )
