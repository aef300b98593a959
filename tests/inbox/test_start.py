"""The office's start page (/urzad/, inbox/start_views.py and inbox/counts.py): every member of staff reaches it
and sees the counts of the cases they may see, each a link to the filtered inbox."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole
from shared_services.inbox.counts import office_counts
from shared_services.inbox.models import Case, CaseStatus, RegisterEntry
from shared_services.staff.models import Department
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, LUBICZ, TORUN, application_file

pytestmark = pytest.mark.django_db

# A Wednesday: its week began on Monday 14 December, its month on the 1st.
TODAY = datetime.date(2026, 12, 16)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


@pytest.fixture
def departments(unit_a):
    with tenant_context(unit_a):
        return (
            Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO"),
            Department.objects.create(name="Wydział Podatków i Opłat", code="FN"),
        )


def cases_filed(client, number: int, host: str = TORUN) -> list[int]:
    for _ in range(number):
        assert application_file(client, FORM_URL, LETTER, HTTP_HOST=host).status_code == 302
    return list(Case.objects.order_by("pk").values_list("pk", flat=True)) if host == TORUN else []


def case_set(pk, *, received, status=CaseStatus.NEW, sign="", deadline=None, closed_at=None, **changes):
    case = Case.objects.get(pk=pk)
    RegisterEntry.objects.filter(pk=case.register_entry_id).update(received_at=received)
    Case.objects.filter(pk=pk).update(
        status=status,
        sign=sign,
        deadline=deadline or TODAY + datetime.timedelta(days=30),
        closed_at=closed_at,
        **changes,
    )


def numbers(counts) -> dict[str, tuple[int, int, int]]:
    return {kind: (p["today"].number, p["week"].number, p["month"].number) for kind, p in counts.rows}


@pytest.fixture
def office(full_catalogue, client, unit_a, departments):
    """Seven cases of Toruń, received and handled at known times, in two departments."""
    citizens, taxes = departments
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, citizens)
    with tenant_context(unit_a):
        ids = []
        for _ in range(7):
            assert application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN).status_code == 302
        ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
        assert len(ids) == 7
        monday, first, last_month = datetime.date(2026, 12, 14), datetime.date(2026, 12, 1), datetime.date(2026, 11, 20)
        # today: one new, one registered and in progress (the clerk's)
        case_set(ids[0], received=at(TODAY))
        case_set(
            ids[1],
            received=at(TODAY, 8),
            status=CaseStatus.IN_PROGRESS,
            sign="SO.5340.1.2026",
            department=citizens,
            assignee=clerk,
        )
        # this week: awaiting the resident, and one closed today
        case_set(
            ids[2], received=at(monday), status=CaseStatus.AWAITING_RESIDENT, sign="SO.5340.2.2026", department=citizens
        )
        case_set(
            ids[3],
            received=at(monday, 11),
            status=CaseStatus.CLOSED,
            sign="FN.3110.1.2026",
            department=taxes,
            closed_at=at(TODAY, 9),
        )
        # this month: overdue in progress (the clerk's)
        case_set(
            ids[4],
            received=at(first),
            status=CaseStatus.IN_PROGRESS,
            sign="SO.5340.3.2026",
            department=citizens,
            deadline=TODAY - datetime.timedelta(days=1),
            assignee=clerk,
        )
        # last month: overdue, and closed last month
        case_set(
            ids[5],
            received=at(last_month),
            status=CaseStatus.IN_PROGRESS,
            sign="FN.3110.2.2026",
            department=taxes,
            deadline=datetime.date(2026, 12, 10),
        )
        case_set(
            ids[6],
            received=at(last_month),
            status=CaseStatus.CLOSED,
            sign="FN.3110.3.2026",
            department=taxes,
            closed_at=at(datetime.date(2026, 11, 30)),
        )
    return {"ids": ids, "clerk": clerk, "citizens": citizens, "taxes": taxes}


class TestCounts:
    def test_an_administrator_counts_every_case_by_the_documented_definitions(self, office, unit_a):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        with tenant_context(unit_a):
            counts = office_counts(admin, today=TODAY)
        assert numbers(counts) == {
            "new": (2, 4, 5),  # received today / since Monday / since the 1st, whatever their status now
            "new_electronic": (2, 4, 5),  # of those, how they came: all filed online here
            "new_paper": (0, 0, 0),
            "new_email": (0, 0, 0),
            "registered": (1, 3, 4),  # of those, the ones with a znak sprawy
            "in_progress": (1, 1, 2),
            "awaiting_resident": (0, 1, 1),
            "overdue": (0, 0, 1),  # received in the period and overdue; the one of November is not
            "closed": (1, 1, 1),  # by the day it was closed: the November one is not counted
        }
        assert counts.overdue_now.number == 2 and counts.overdue_now.url == "/urzad/skrzynka/?overdue=on"

    def test_each_count_links_to_the_inbox_filtered_by_its_names(self, office, unit_a):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        with tenant_context(unit_a):
            rows = dict(office_counts(admin, today=TODAY).rows)
        week = "received_from=2026-12-14&received_to=2026-12-16"
        assert rows["new"]["week"].url == f"/urzad/skrzynka/?{week}"
        assert rows["new_paper"]["week"].url == f"/urzad/skrzynka/?channel=paper&{week}"
        assert rows["in_progress"]["today"].url == (
            "/urzad/skrzynka/?status=in_progress&received_from=2026-12-16&received_to=2026-12-16"
        )
        assert rows["awaiting_resident"]["month"].url == (
            "/urzad/skrzynka/?status=awaiting_resident&received_from=2026-12-01&received_to=2026-12-16"
        )
        assert rows["overdue"]["week"].url == f"/urzad/skrzynka/?overdue=on&{week}"
        assert rows["closed"]["today"].url == "/urzad/skrzynka/?status=closed"

    def test_a_clerk_counts_only_their_own_cases_and_gets_no_departments(self, office, unit_a):
        with tenant_context(unit_a):
            counts = office_counts(office["clerk"], today=TODAY)
        assert numbers(counts)["new"] == (1, 1, 2) and numbers(counts)["in_progress"] == (1, 1, 2)
        assert counts.overdue_now.number == 1 and counts.departments == []

    def test_a_head_counts_their_department_and_sees_it_broken_down_overdue_first(self, office, unit_a):
        head = staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD, office["taxes"])
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        with tenant_context(unit_a):
            head = User.objects.get(pk=head.pk)  # as a request loads them: with the department just given
            counts = office_counts(head, today=TODAY)
            everything = office_counts(admin, today=TODAY)
        # the taxes department's three cases, and the one nobody's department holds yet
        assert numbers(counts)["new"] == (1, 2, 2) and counts.overdue_now.number == 1
        assert [(row.name, row.overdue.number) for row in counts.departments] == [
            ("Wydział Podatków i Opłat (FN)", 1),
            ("", 0),
        ]
        assert everything.departments[0].name in (
            "Wydział Podatków i Opłat (FN)",
            "Wydział Spraw Obywatelskich (SO)",
        )
        assert [row.overdue.number for row in everything.departments] == [1, 1, 0]
        taxes = counts.departments[0]
        assert taxes.overdue.url == f"/urzad/skrzynka/?department={office['taxes'].pk}&overdue=on"
        assert taxes.in_progress.url == f"/urzad/skrzynka/?department={office['taxes'].pk}&status=in_progress"
        assert counts.departments[1].new.url == "" and counts.departments[1].new.number == 1


class TestPage:
    @pytest.mark.parametrize("role", [StaffRole.CLERK, StaffRole.DEPARTMENT_HEAD, StaffRole.UNIT_ADMIN])
    def test_every_staff_role_reaches_the_start_page_and_finds_it_in_the_menu(self, client, unit_a, departments, role):
        signed_in(client, unit_a, staff_account(unit_a, "pracownik", role, departments[0]))
        response = client.get("/urzad/", HTTP_HOST=TORUN)
        assert response.status_code == 200
        page = response.content.decode()
        assert '<a href="/urzad/" aria-current="page">Start</a>' in page
        assert "Brak spraw po terminie." in page and '<a href="/urzad/skrzynka/?received_from=' in page
        assert ("/urzad/pracownicy/" in page) is (role == StaffRole.UNIT_ADMIN)
        assert "Wydziały teraz" not in page  # no cases yet: no department has any
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert "No overdue cases." in client.get("/urzad/", HTTP_HOST=TORUN).content.decode()

    def test_the_page_shows_the_counts_with_overdue_first(self, office, client, unit_a):
        with tenant_context(unit_a):  # the page counts for the real today, not the fixture's
            Case.objects.filter(pk=office["ids"][5]).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        page = client.get("/urzad/", HTTP_HOST=TORUN).content.decode()
        assert '<strong><a href="/urzad/skrzynka/?overdue=on">1 sprawa po terminie</a></strong>' in page
        assert page.index("sprawa po terminie") < page.index("<table")
        assert '<th scope="row">Nowe (wpłynęły)</th>' in page and "Wydziały teraz" in page
        taxes = page.index("Wydział Podatków i Opłat (FN)")
        assert taxes < page.index("Wydział Spraw Obywatelskich (SO)") < page.index("Jeszcze bez wydziału")
        assert f'<a href="/urzad/skrzynka/?department={office["taxes"].pk}&amp;overdue=on">1</a>' in page

    def test_a_resident_an_anonymous_visitor_and_another_units_staff_do_not_see_it(self, client, unit_a, unit_b):
        assert client.get("/urzad/", HTTP_HOST=TORUN).status_code == 302  # to sign in
        with tenant_context(unit_a):
            resident = local_account()
        signed_in(client, unit_a, resident)
        assert client.get("/urzad/", HTTP_HOST=TORUN).status_code == 403
        client.logout()
        signed_in(client, unit_b, staff_account(unit_b, "admin", StaffRole.UNIT_ADMIN))
        assert client.get("/urzad/", HTTP_HOST=LUBICZ).status_code == 200
        assert client.get("/urzad/", HTTP_HOST=TORUN).status_code in (302, 403)  # no session on Toruń's schema

    def test_another_units_cases_are_not_counted(self, full_catalogue, client, unit_a, unit_b):
        assert application_file(client, FORM_URL, LETTER, HTTP_HOST=LUBICZ).status_code == 302
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        with tenant_context(unit_a):
            counts = office_counts(admin)
        assert numbers(counts)["new"] == (0, 0, 0)
        lubicz_admin = staff_account(unit_b, "admin", StaffRole.UNIT_ADMIN)
        with tenant_context(unit_b):
            assert numbers(office_counts(lubicz_admin))["new"] == (1, 1, 1)

    def test_the_start_page_costs_a_fixed_number_of_queries(self, office, client, unit_a, django_assert_num_queries):
        signed_in(client, unit_a, staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD, office["taxes"]))
        client.get("/urzad/", HTTP_HOST=TORUN)
        # session, account, role, staff record (the department), the counts, the departments' counts, the unit's look
        # (the header's count of unread notifications is cached)
        with django_assert_num_queries(7):
            assert client.get("/urzad/", HTTP_HOST=TORUN).status_code == 200
