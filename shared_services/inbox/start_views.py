"""The office's start page (/urzad/), for every member of staff: the counts of the cases they may see."""

from django.shortcuts import render
from django.utils.translation import pgettext_lazy

from shared_services.identity.access import Area, StaffRole, area_required, office_role

from .counts import NEW_BY_CHANNEL, office_counts

KIND_LABELS = {
    "new": pgettext_lazy("cases counted", "New (received)"),
    "new_electronic": pgettext_lazy("cases counted", "of them electronically"),
    "new_paper": pgettext_lazy("cases counted", "of them on paper"),
    "new_email": pgettext_lazy("cases counted", "of them by e-mail"),
    "registered": pgettext_lazy("cases counted", "Registered"),
    "in_progress": pgettext_lazy("cases counted", "In progress"),
    "awaiting_resident": pgettext_lazy("cases counted", "Awaiting the resident (deadline paused)"),
    "overdue": pgettext_lazy("cases counted", "Overdue"),
    "closed": pgettext_lazy("cases counted", "Closed"),
}
# In the order of counts.DepartmentCounts.tallies.
DEPARTMENT_LABELS = (
    pgettext_lazy("cases counted", "Overdue"),
    pgettext_lazy("cases counted", "Not registered"),
    pgettext_lazy("cases counted", "In progress"),
    pgettext_lazy("cases counted", "Awaiting the resident (deadline paused)"),
)


@area_required(Area.OFFICE)
def office_start(request):
    role = office_role(request.user)
    counts = office_counts(request.user)
    return render(
        request,
        "inbox/start.html",
        {
            "counts": counts,
            # The channels' rows split the "new" one above them.
            "rows": [(KIND_LABELS[kind], periods, kind in NEW_BY_CHANNEL) for kind, periods in counts.rows],
            "departments": [
                (department, list(zip(DEPARTMENT_LABELS, department.tallies, strict=True)))
                for department in counts.departments
            ],
            "is_clerk": role == StaffRole.CLERK,
            "is_administrator": role == StaffRole.UNIT_ADMIN,
            "sees_register": role != StaffRole.CLERK,
        },
    )
