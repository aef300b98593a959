"""The office's inbox list: search, filters in the address, sorting, pages, the count, bulk assigning and printing,
who may do what, bad parameters, and the page's pinned query count."""

import re
from datetime import date

import pytest
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.audit.selectors import audit_check
from shared_services.identity.access import StaffRole
from shared_services.inbox.models import Case, CaseStatus, RegisterEntry
from shared_services.staff.models import Department
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.cases import YEAR, cases_filed
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db

INBOX, BULK = "/urzad/skrzynka/", "/urzad/skrzynka/zaznaczone/"


@pytest.fixture
def office(unit_a):
    with tenant_context(unit_a):
        taxes = Department.objects.create(name="Wydział Podatków i Opłat", code="FN")
        citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
    people = {
        "admin": staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN),
        "head": staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD, citizens),
        "clerk": staff_account(unit_a, "urzednik", StaffRole.CLERK, citizens),
        "taxes_clerk": staff_account(unit_a, "podatki", StaffRole.CLERK, taxes),
    }
    with tenant_context(unit_a):
        people["clerk"].first_name, people["clerk"].last_name = "Ewa", "Zielińska"
        people["clerk"].save()
    return {"taxes": taxes, "citizens": citizens, **people}


def listed(client, **parameters) -> list[str]:
    """The register numbers the inbox lists for these parameters, in order."""
    response = client.get(INBOX, parameters, HTTP_HOST=TORUN)
    assert response.status_code == 200, response.content.decode()[:2000]
    return re.findall(r'<a href="/urzad/sprawy/\d+/">(\d+/\d+)</a>', response.content.decode())


class TestSearch:
    @pytest.fixture
    def filed(self, office, client, unit_a):
        with tenant_context(unit_a):
            cases_filed(3, first_number=1)
            cases_filed(
                1,
                first_number=12,
                sender_name="Anna Kowalska",
                sender_email="anna.k@example.pl",
                subject="Zaświadczenie o niezaleganiu w podatkach",
                data={"imie": "Anna", "tresc": "Proszę o wycinkę drzewa przy ul. Żółkiewskiego", "liczba": 7},
                sign="FN.3110.4.2026",
                department=office["taxes"],
            )
        signed_in(client, unit_a, office["admin"])

    @pytest.mark.parametrize(
        "query",
        [
            "Kowalska",
            "kowalska",  # case
            "anna kowalska",  # every word
            "anna.k@example",  # the e-mail
            f"12/{YEAR}",  # the register number with its year
            "12",  # and without
            "fn.3110.4",  # part of the znak sprawy, any case
            "zaswiadczenie",  # the service, without diacritics
            "NIEZALEGANIU",
            "wycinke drzewa",  # the text of an answer
            "zolkiewskiego",
        ],
    )
    def test_finds_the_application_by_what_the_office_knows_of_it(self, filed, client, query):
        assert listed(client, q=query) == [f"12/{YEAR}"]

    def test_matches_nothing_it_should_not(self, filed, client):
        assert listed(client, q="Kowalski") == []
        assert listed(client, q="kowalska nowak") == []  # every word must match
        assert listed(client, q="tresc") == []  # the form's field names are not the application's text
        assert listed(client, q=f"12/{YEAR - 1}") == []

    def test_no_query_lists_everything_newest_first(self, filed, client):
        assert listed(client) == [f"12/{YEAR}", f"3/{YEAR}", f"2/{YEAR}", f"1/{YEAR}"]

    def test_filters_combine_with_the_search(self, filed, client, office):
        assert listed(client, q="pismo", department=office["taxes"].pk) == []
        assert listed(client, q="anna", department=office["taxes"].pk) == [f"12/{YEAR}"]


class TestSortingPagingAndCount:
    def test_each_column_sorts_both_ways_and_an_unknown_sort_gives_the_default(self, office, client, unit_a):
        with tenant_context(unit_a):
            [one, two, three] = cases_filed(3)
            Case.objects.filter(pk=one.pk).update(
                sign="SO.5340.2.2026", status=CaseStatus.CLOSED, deadline=date(2030, 1, 1)
            )
            Case.objects.filter(pk=two.pk).update(sign="SO.5340.1.2026", status=CaseStatus.IN_PROGRESS)
            Case.objects.filter(pk=three.pk).update(deadline=date(2029, 1, 1))
            RegisterEntry.objects.filter(pk=one.register_entry_id).update(subject="Aaa")
        signed_in(client, unit_a, office["admin"])
        n1, n2, n3 = (f"{n}/{YEAR}" for n in (1, 2, 3))
        assert listed(client, sort="number") == [n1, n2, n3]
        assert listed(client, sort="-number") == [n3, n2, n1]
        assert listed(client, sort="received") == [n1, n2, n3]
        assert listed(client, sort="sign") == [n2, n1, n3]  # cases without a sign last
        assert listed(client, sort="-sign") == [n1, n2, n3]
        assert listed(client, sort="status") == [n3, n2, n1]  # new, in progress, closed
        assert listed(client, sort="deadline") == [n3, n1, n2]  # no deadline last
        assert listed(client, sort="-deadline") == [n1, n3, n2]
        assert listed(client, sort="service")[0] == n1
        assert listed(client, sort="foo") == listed(client) == [n3, n2, n1]

    def test_headers_link_to_their_sort_and_say_which_one_is_current(self, office, client, unit_a):
        with tenant_context(unit_a):
            cases_filed(2)
        signed_in(client, unit_a, office["admin"])
        page = client.get(INBOX, {"sort": "deadline", "status": "new"}, HTTP_HOST=TORUN).content.decode()
        assert re.search(r'<th[^>]*aria-sort="ascending"><a href="\?status=new&amp;sort=-deadline"', page)
        assert 'href="?status=new&amp;sort=number"' in page
        assert page.count("aria-sort=") == 1
        default = client.get(INBOX, HTTP_HOST=TORUN).content.decode()
        assert re.search(r'aria-sort="descending"><a href="\?sort=received"', default)

    def test_filters_and_sort_survive_paging(self, office, client, unit_a):
        with tenant_context(unit_a):
            cases_filed(60, sender_name="Anna Kowalska")
            cases_filed(5, first_number=61)
        signed_in(client, unit_a, office["admin"])
        first = client.get(INBOX, {"q": "kowalska", "sort": "number", "overdue": ""}, HTTP_HOST=TORUN).content.decode()
        assert "60 spraw" in first
        assert re.findall(r">(\d+)/\d+</a>", first) == [str(n) for n in range(1, 51)]
        next_link = re.search(r'href="\?([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
        assert next_link == "q=kowalska&sort=number&strona=2"
        second = client.get(f"{INBOX}?{next_link}", HTTP_HOST=TORUN).content.decode()
        assert re.findall(r">(\d+)/\d+</a>", second) == [str(n) for n in range(51, 61)]
        assert 'value="kowalska"' in second and "strona 2 z 2" in second
        assert 'href="?q=kowalska&amp;sort=number&amp;strona=1" rel="prev"' in second

    @pytest.mark.parametrize("count, text", [(1, "1 sprawa"), (3, "3 sprawy"), (5, "5 spraw"), (22, "22 sprawy")])
    def test_the_count_of_results_in_polish(self, office, client, unit_a, count, text):
        with tenant_context(unit_a):
            cases_filed(count)
        signed_in(client, unit_a, office["admin"])
        assert f"<strong>{text}</strong>" in client.get(INBOX, HTTP_HOST=TORUN).content.decode()

    def test_mine_and_unassigned(self, office, client, unit_a):
        with tenant_context(unit_a):
            cases_filed(2, assignee=office["admin"])
            cases_filed(1, first_number=3)
        signed_in(client, unit_a, office["admin"])
        assert listed(client, assignee="mine") == [f"2/{YEAR}", f"1/{YEAR}"]
        assert listed(client, assignee="none") == [f"3/{YEAR}"]

    def test_assignees_are_named_never_by_their_account_name(self, office, client, unit_a):
        with tenant_context(unit_a):
            cases_filed(1, assignee=office["clerk"], department=office["citizens"])
        signed_in(client, unit_a, office["admin"])
        page = client.get(INBOX, HTTP_HOST=TORUN).content.decode()
        assert "Ewa Zielińska" in page and "kc:" not in page


class TestBadParameters:
    @pytest.fixture(autouse=True)
    def signed_in_admin(self, office, client, unit_a):
        with tenant_context(unit_a):
            cases_filed(2)
        signed_in(client, unit_a, office["admin"])

    @pytest.mark.parametrize(
        "parameters",
        [{"sort": "foo"}, {"sort": "-"}, {"strona": "abc"}, {"strona": "999"}, {"strona": "-1"}, {"q": "%_\\'\""}],
    )
    def test_are_read_as_the_defaults(self, client, parameters):
        assert client.get(INBOX, parameters, HTTP_HOST=TORUN).status_code == 200

    @pytest.mark.parametrize(
        "parameters, message",
        [
            ({"received_from": "2026-13-45"}, "Wpisz poprawną datę."),
            (
                {"received_from": "2026-05-02", "received_to": "2026-05-01"},
                "Koniec okresu jest wcześniejszy niż jego początek.",
            ),
            ({"department": "999999"}, "Nie ma takiego wydziału."),
            ({"department": "abc"}, "Nie ma takiego wydziału."),
            ({"assignee": "someone"}, "Wybierz osobę z listy."),
            ({"status": "lost"}, "Wybierz poprawną wartość."),
            ({"q": "x" * 201}, "Upewnij się, że ta wartość ma co najwyżej 200 znaków"),
        ],
    )
    def test_that_cannot_be_read_are_explained_in_polish(self, client, parameters, message):
        response = client.get(INBOX, {**parameters, "q": parameters.get("q", "Nowak")}, HTTP_HOST=TORUN)
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page and 'class="error-summary"' in page
        assert "<title>Błąd:" in page

    def test_a_year_of_the_register_that_is_not_one_is_explained_above_this_years(self, client):
        # None is this year's; one that cannot be read is a 400 (tests/platform_core/test_office_parameters.py).
        for year, status in (("abc", 400), ("99999999999999999999", 400), ("", 200)):
            response = client.get("/urzad/rejestr/", {"rok": year}, HTTP_HOST=TORUN)
            assert response.status_code == status and str(YEAR) in response.content.decode()

    def test_a_bulk_action_that_cannot_be_read_is_explained(self, client):
        assert (
            "Zaznacz co najmniej jedną sprawę"
            in client.post(BULK, {"action": "print"}, HTTP_HOST=TORUN).content.decode()
        )
        for data in ({"action": "print"}, {"action": "burn", "sprawa": "1"}, {"action": "assign", "assignee": "x"}):
            assert client.post(BULK, data, HTTP_HOST=TORUN).status_code == 400
        assert client.get(BULK, HTTP_HOST=TORUN).status_code == 405


class TestBulkAssign:
    @pytest.fixture
    def filed(self, office, unit_a):
        with tenant_context(unit_a):
            return {
                "citizens": cases_filed(3, department=office["citizens"], status=CaseStatus.IN_PROGRESS),
                "taxes": cases_filed(1, first_number=4, department=office["taxes"], status=CaseStatus.IN_PROGRESS),
                "closed": cases_filed(1, first_number=5, department=office["citizens"], status=CaseStatus.CLOSED),
                "unsorted": cases_filed(1, first_number=6),
            }

    def assign(self, client, cases, person, host=TORUN, lista="sort=number&q=pismo"):
        return client.post(
            BULK,
            {"action": "assign", "assignee": person.pk, "sprawa": [case.pk for case in cases], "lista": lista},
            HTTP_HOST=host,
        )

    def assignees(self, unit, cases):
        with tenant_context(unit):
            return [Case.objects.get(pk=case.pk).assignee_id for case in cases]

    @pytest.mark.parametrize("who", ["head", "admin"])
    def test_assigns_every_ticked_case_each_with_its_audit_entry(self, office, filed, client, unit_a, who):
        cases = filed["citizens"] + filed["unsorted"]
        signed_in(client, unit_a, office[who])
        response = self.assign(client, cases, office["clerk"])
        assert response.status_code == 302 and response["Location"] == f"{INBOX}?sort=number&q=pismo"
        assert self.assignees(unit_a, cases) == [office["clerk"].pk] * 4
        with tenant_context(unit_a):
            entries = AuditEntry.objects.filter(action="case.assign").order_by("sequence")
            assert sorted(entry.target for entry in entries) == sorted(f"case:{case.pk}" for case in cases)
            assert audit_check() == []
        after = client.get(response["Location"], HTTP_HOST=TORUN).content.decode()
        assert "Przydzielono 4 sprawy: Ewa Zielińska." in after

    def test_the_bulk_bar_offers_assigning_only_to_heads_and_administrators(self, office, filed, client, unit_a):
        signed_in(client, unit_a, office["head"])
        page = client.get(INBOX, HTTP_HOST=TORUN).content.decode()
        assert 'value="assign"' in page and "Ewa Zielińska" in page and "podatki@urzad.example" not in page
        with tenant_context(unit_a):
            Case.objects.update(assignee=office["clerk"])
        signed_in(client, unit_a, office["clerk"])
        page = client.get(INBOX, HTTP_HOST=TORUN).content.decode()
        assert 'value="assign"' not in page and 'value="print"' in page

    def test_a_clerk_may_not_assign(self, office, filed, client, unit_a):
        with tenant_context(unit_a):
            Case.objects.update(assignee=office["clerk"])
        signed_in(client, unit_a, office["clerk"])
        assert self.assign(client, filed["citizens"], office["clerk"]).status_code == 403
        with tenant_context(unit_a):
            assert not AuditEntry.objects.filter(action="case.assign").exists()

    @pytest.mark.parametrize(
        "extra, message",
        [
            ("taxes", "nie należą do spraw, które możesz widzieć"),  # another department's, for the head
            ("closed", f"5/{YEAR}"),  # closed cases are not re-assigned
        ],
    )
    def test_one_case_that_may_not_be_assigned_stops_them_all(self, office, filed, client, unit_a, extra, message):
        cases = filed["citizens"] + filed[extra]
        signed_in(client, unit_a, office["head"])
        response = self.assign(client, cases, office["clerk"])
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page and "Nic nie przydzielono." in page
        assert self.assignees(unit_a, cases) == [None] * 4
        with tenant_context(unit_a):
            assert not AuditEntry.objects.filter(action="case.assign").exists()

    def test_a_case_goes_only_to_someone_of_its_department(self, office, filed, client, unit_a):
        signed_in(client, unit_a, office["admin"])
        response = self.assign(client, filed["citizens"] + filed["taxes"], office["clerk"])
        assert response.status_code == 400 and f"4/{YEAR}" in response.content.decode()
        assert self.assignees(unit_a, filed["citizens"]) == [None] * 3

    def test_a_head_may_not_assign_to_another_departments_clerk(self, office, filed, client, unit_a):
        signed_in(client, unit_a, office["head"])
        response = self.assign(client, filed["unsorted"], office["taxes_clerk"])
        assert response.status_code == 400 and "Wybierz osobę z listy." in response.content.decode()
        assert self.assignees(unit_a, filed["unsorted"]) == [None]


class TestPrint:
    def test_prints_exactly_the_ticked_cases_the_user_may_see(self, office, client, unit_a):
        with tenant_context(unit_a):
            mine = cases_filed(3, assignee=office["clerk"], sender_name="Anna Kowalska", sign="SO.5340.7.2026")
            not_mine = cases_filed(1, first_number=4, sender_name="Piotr Obcy")
        signed_in(client, unit_a, office["clerk"])
        response = client.post(
            BULK,
            {"action": "print", "sprawa": [mine[0].pk, mine[2].pk, not_mine[0].pk], "lista": "sort=number"},
            HTTP_HOST=TORUN,
        )
        assert response.status_code == 200
        page = response.content.decode()
        rows = re.findall(r"<tr>\s*<td>(\d+/\d+)</td>", page)
        assert rows == [f"1/{YEAR}", f"3/{YEAR}"]
        assert "Piotr Obcy" not in page and "Anna Kowalska" in page and "SO.5340.7.2026.0" in page
        assert "Ewa Zielińska" in page and "2 sprawy" in page
        assert 'href="/urzad/skrzynka/?sort=number"' in page  # back to the same list


class TestIsolation:
    @pytest.fixture
    def torun_cases(self, office, unit_a):
        with tenant_context(unit_a):
            return cases_filed(2, sender_name="Anna Kowalska")

    def test_anonymous_visitors_are_sent_to_sign_in(self, torun_cases, client):
        assert client.get(INBOX, {"q": "Kowalska"}, HTTP_HOST=TORUN).status_code == 302
        response = client.post(BULK, {"action": "print", "sprawa": [torun_cases[0].pk]}, HTTP_HOST=TORUN)
        assert response.status_code == 302 and "Kowalska" not in response.content.decode()

    def test_residents_are_refused(self, torun_cases, client, unit_a):
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
        signed_in(client, unit_a, resident)
        assert client.get(INBOX, HTTP_HOST=TORUN).status_code == 403
        assert client.post(BULK, {"action": "print", "sprawa": [torun_cases[0].pk]}, HTTP_HOST=TORUN).status_code == 403

    def test_another_units_staff_see_and_change_nothing_of_it(self, office, torun_cases, client, unit_a, unit_b):
        lubicz_admin = staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN)
        with tenant_context(unit_b):
            cases_filed(1, sender_name="Zofia Lubiczanka")
        signed_in(client, unit_b, lubicz_admin)
        page = client.get(INBOX, {"q": "a"}, HTTP_HOST=LUBICZ).content.decode()
        assert "Zofia Lubiczanka" in page and "Kowalska" not in page and "1 sprawa" in page
        ids = [case.pk for case in torun_cases]
        printed = client.post(BULK, {"action": "print", "sprawa": ids}, HTTP_HOST=LUBICZ).content.decode()
        assert "Kowalska" not in printed
        with tenant_context(unit_b):
            lubicz_person = staff_account(unit_b, "sekretarz", StaffRole.CLERK)
        assigned = client.post(
            BULK, {"action": "assign", "sprawa": ids, "assignee": lubicz_person.pk}, HTTP_HOST=LUBICZ
        )
        assert assigned.status_code == 400
        with tenant_context(unit_a):
            assert not Case.objects.filter(assignee__isnull=False).exists()
        # (One cookie jar for both hosts in the test client: Lubicz's session means nobody in Toruń.)
        assert client.get(INBOX, HTTP_HOST=TORUN).status_code == 302


class TestQueryCount:
    def test_the_page_of_fifty_cases_with_fees_takes_a_fixed_number_of_queries(
        self, office, client, unit_a, django_assert_num_queries
    ):
        with tenant_context(unit_a):
            cases_filed(5, assignee=office["clerk"], department=office["citizens"])
        signed_in(client, unit_a, office["admin"])
        client.get(INBOX, HTTP_HOST=TORUN)  # warm: the unit's host
        with django_assert_num_queries(QUERIES_OF_THE_INBOX_PAGE) as few:
            assert client.get(INBOX, {"q": "pismo", "sort": "deadline"}, HTTP_HOST=TORUN).status_code == 200
        with tenant_context(unit_a):
            cases_filed(70, first_number=6, assignee=office["clerk"], department=office["citizens"])
        with django_assert_num_queries(QUERIES_OF_THE_INBOX_PAGE) as many:
            page = client.get(INBOX, {"q": "pismo", "sort": "deadline"}, HTTP_HOST=TORUN)
        assert page.content.decode().count('name="sprawa"') == 50
        assert len(few.captured_queries) == len(many.captured_queries)


# The unit's schema, the session, its user and role, the people the user may assign to (the filters' list),
# the count, the departments of the filters, the page of cases with their entries, fees, departments and
# assignees (one query), the people of the bulk bar's list; the header's count of unread notifications is cached.
QUERIES_OF_THE_INBOX_PAGE = 9
