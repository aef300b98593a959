"""Reads of the inbox for the office: cases a member of staff may see, filtered; the register."""

import re

from django.contrib.auth.models import User
from django.db.models import BooleanField, ExpressionWrapper, F, Func, JSONField, Q, QuerySet, TextField, Value, When
from django.db.models import Case as SqlCase
from django.db.models.functions import Cast, Lower
from django.utils import timezone

from shared_services.catalogue.search import fold
from shared_services.identity.access import StaffRole, office_role
from shared_services.places.selectors import case_ids_for_parcel, case_ids_for_street, case_ids_in_box

from .access_codes import access_code_hash
from .models import Case, CaseNote, CaseStatus, EntryKind, RegisterEntry
from .permissions import visible_cases

# What `sort=` may name (a leading "-" reverses it), and the columns each orders by; newest first by default.
CASE_SORTS = {
    "received": ("register_entry__received_at",),
    "number": ("register_entry__year", "register_entry__number"),
    "sign": ("sign",),
    "service": ("register_entry__subject",),
    "status": ("status_order",),
    "deadline": ("deadline",),
}
DEFAULT_CASE_SORT = "-received"
# The order of a case's life, for sorting by status (the codes' alphabet would put "closed" before "new").
_STATUS_ORDER = SqlCase(*(When(status=status, then=Value(place)) for place, status in enumerate(CaseStatus.values)))
# Letters with diacritics as PostgreSQL's translate() gets them, and what the catalogue's fold() makes of each:
# the database folds a column the way Python folds a query (no unaccent extension is installed in the units'
# schemas). Upper-case letters fold to lower case here; lower() then handles the rest of ASCII.
_ACCENTED = "ĄĆĘŁŃÓŚŹŻąćęłńóśźżÄÖÜäöüÉÈÊËéèêëÁÀÂáàâÍÎíîÚÙÛúùûČčŠšŽžŘřĚěŇňŤťĎďŮůÝýÇçÑñ"
_FOLDED = "".join(fold(letter) for letter in _ACCENTED)
_REGISTER_NUMBER = re.compile(r"^(?P<number>[0-9]{1,9})(?:/(?P<year>[0-9]{4}))?$")
SEARCH_WORDS_AT_MOST = 8


def cases_for(
    user,
    *,
    q: str = "",
    status: str = "",
    department: int | None = None,
    service: str = "",
    received_from=None,
    received_to=None,
    overdue: bool = False,
    assignee: str = "",
    channel: str = "",
    parcel: str = "",
    street: str = "",
    area: tuple[float, float, float, float] | None = None,
    sort: str = DEFAULT_CASE_SORT,
) -> QuerySet:
    """The cases `user` may see that match the office's filters, in the order `sort` names (an unknown one
    gives the default). `assignee` is "mine", "none" or a user's id; `channel` how the case's first letter came;
    `parcel`, `street` and `area` (min_lat, min_lon, max_lat, max_lon) where the case is (places' selectors)."""
    cases = visible_cases(user).select_related("register_entry__submission__payment", "department", "assignee")
    if q:
        cases = case_search(cases, q)
    if status:
        cases = cases.filter(status=status)
    if department:
        cases = cases.filter(department_id=department)
    if service:
        cases = cases.filter(register_entry__subject__icontains=service)
    if received_from:
        cases = cases.filter(register_entry__received_at__date__gte=received_from)
    if received_to:
        cases = cases.filter(register_entry__received_at__date__lte=received_to)
    if overdue:
        cases = cases.filter(overdue_q())
    if channel:
        cases = cases.filter(register_entry__channel=channel)
    if assignee == "mine":
        cases = cases.filter(assignee=user)
    elif assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif str(assignee).isdigit():
        cases = cases.filter(assignee_id=int(assignee))
    if parcel:
        cases = cases.filter(pk__in=case_ids_for_parcel(parcel))
    if street:
        cases = cases.filter(pk__in=case_ids_for_street(street))
    if area:
        cases = cases.filter(pk__in=case_ids_in_box(*area))
    return case_sorted(cases, sort)


def case_sort_known(sort: str) -> bool:
    return (sort or "").removeprefix("-") in CASE_SORTS


def case_sorted(cases: QuerySet, sort: str) -> QuerySet:
    sort = sort if case_sort_known(sort) else DEFAULT_CASE_SORT
    descending = sort.startswith("-")
    columns = CASE_SORTS[sort.removeprefix("-")]
    if "status_order" in columns:
        cases = cases.annotate(status_order=_STATUS_ORDER)
    # Cases without a deadline or a sign come last either way; the id keeps pages stable among equal values.
    order = [F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True) for column in columns]
    if "sign" in columns:
        order.insert(0, ExpressionWrapper(Q(sign=""), output_field=BooleanField()).asc())
    return cases.order_by(*order, "-pk" if descending else "pk")


def _folded(expression) -> Func:
    """A text column folded as catalogue.search.fold folds a query: lower case, no diacritics."""
    return Lower(Func(expression, Value(_ACCENTED), Value(_FOLDED), function="translate", output_field=TextField()))


def case_search(cases: QuerySet, text: str) -> QuerySet:
    """Cases whose applicant (name, e-mail), register number ("12/2026" or "12"), znak sprawy, service or
    application text holds every word of `text`, ignoring case and diacritics ("kowalska" finds "Kowalska",
    "zaswiadczenie" finds "zaświadczenie")."""
    condition = Q()
    for word in text.split()[:SEARCH_WORDS_AT_MOST]:
        folded = fold(word)
        word_matches = (
            Q(applicant_folded__contains=folded)
            | Q(sender_email_folded__contains=folded)
            | Q(sign__icontains=word)
            | Q(subject_folded__contains=folded)
            | Q(answers_folded__contains=folded)
        )
        number = _REGISTER_NUMBER.match(word)
        if number:
            in_register = Q(register_entry__number=int(number["number"]))
            if number["year"]:
                in_register &= Q(register_entry__year=int(number["year"]))
            word_matches |= in_register
        condition &= word_matches
    return cases.alias(
        applicant_folded=_folded(F("register_entry__sender_name")),
        sender_email_folded=Lower(F("register_entry__sender_email")),
        subject_folded=_folded(F("register_entry__subject")),
        # The answers' values only, not the form's field names ("imie" is in every application).
        answers_folded=_folded(
            Cast(
                Func(
                    F("register_entry__submission__data"),
                    Value('strict $.** ? (@.type() == "string" || @.type() == "number")'),
                    function="jsonb_path_query_array",
                    output_field=JSONField(),
                ),
                TextField(),
            )
        ),
    ).filter(condition)


def cases_selected(user, ids, *, sort: str = DEFAULT_CASE_SORT) -> list:
    """The cases with these ids that `user` may see (others are left out), in the list's order."""
    return list(case_sorted(visible_cases(user).select_related("register_entry", "assignee").filter(pk__in=ids), sort))


def staff_to_assign(user) -> QuerySet:
    """Whom `user` may assign cases to: any member of staff for the unit administrator, the people of their own
    department for a department head, nobody for a clerk (clerks do not assign)."""
    role = office_role(user)
    staff = User.objects.filter(staff_member__isnull=False).select_related("staff_member")
    if role == StaffRole.UNIT_ADMIN:
        people = staff
    elif role == StaffRole.DEPARTMENT_HEAD:
        department = getattr(getattr(user, "staff_member", None), "department_id", None)
        people = staff.filter(staff_member__department_id=department) if department else staff.none()
    else:
        people = staff.none()
    return people.order_by("last_name", "first_name", "email")


def overdue_q() -> Q:
    return Case.overdue_q(timezone.localdate())


def register_entries(*, year: int):
    return RegisterEntry.objects.filter(year=year).select_related("receipt", "case", "for_case").order_by("number")


def register_entries_between(since, until) -> QuerySet:
    """The entries received from `since` to `until` (local days, both included), in the register's order, with
    the case each opened or belongs to. The years narrow the search to the register's (year, number) index."""
    return (
        RegisterEntry.objects.filter(
            year__gte=since.year,
            year__lte=until.year,
            received_at__date__gte=since,
            received_at__date__lte=until,
        )
        .select_related("case__department", "for_case__department")
        .order_by("year", "number")
    )


def entry_by_access_code(code: str) -> RegisterEntry | None:
    return (
        RegisterEntry.objects.select_related("case", "submission", "receipt")
        .filter(access_code_hash=access_code_hash(code))
        .first()
    )


def resident_messages(case):
    """What the office sent the resident on a case: requests for documents and replies, not internal notes."""
    return case.notes.exclude(kind=CaseNote.Kind.NOTE).order_by("created_at")


def case_by_reference(user, reference: str) -> Case | None:
    """One of the cases `user` may see, by its case sign or by the register number of the letter that opened it
    ("12/2026", or "12" for this year's)."""
    reference = reference.strip()
    cases = visible_cases(user).select_related("register_entry")
    number = _REGISTER_NUMBER.match(reference)
    if number:
        year = int(number["year"]) if number["year"] else timezone.localdate().year
        return cases.filter(register_entry__number=int(number["number"]), register_entry__year=year).first()
    return cases.filter(sign__iexact=reference).first() if reference else None


def answer_entries(case) -> list:
    """The resident's answers on `case` (sent online, or on paper and registered by the office) with their files
    and receipts, oldest first, for the resident's case page."""
    return list(
        case.further_entries.filter(kind=EntryKind.ANSWER)
        .select_related("receipt")
        .prefetch_related("files")
        .order_by("received_at", "pk")
    )
