"""The usage pages: the region's in the console and on the portal, a unit's in its office — who sees them, what
they show, their downloads, and the regional page's fixed number of queries."""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from shared_services.identity.access import StaffRole
from shared_services.usage.models import FactKind, OverdueCount, UsageFact
from shared_services.usage.services import usage_rollup
from tenants.codes import schema_name_for_code
from tenants.models import Tenant, UnitKind
from tests.support.accounts import local_account, signed_in, staff_account

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "localhost"}
TORUN, LUBICZ = {"HTTP_HOST": "torun.localhost"}, {"HTTP_HOST": "lubicz.localhost"}


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_user(
        "kc:5b9f0f7e-0000-4000-8000-00000000000b", "operatorka@woj.example", is_staff=True
    )
    signed_in(client, None, user)
    return user


def facts_for(unit, *, applications=0, letters=0, closed=(), paid=(), service="wydanie-dowodu-osobistego", start=0):
    """Facts made directly (the tests of recording them are test_facts.py): this month, ids from `start`."""
    today = timezone.localdate()
    facts, source = [], start
    for channel, count in (("electronic", applications), ("paper", letters)):
        for _n in range(count):
            source += 1
            facts.append(
                UsageFact(
                    unit=unit,
                    kind=FactKind.INTAKE,
                    source_id=source,
                    service_key=service if channel == "electronic" else "",
                    channel=channel,
                    day=today,
                )
            )
    for days, late in closed:
        source += 1
        facts.append(
            UsageFact(
                unit=unit,
                kind=FactKind.CLOSING,
                source_id=source,
                service_key=service,
                channel="electronic",
                day=today,
                duration_days=days,
                late=late,
            )
        )
    for amount in paid:
        source += 1
        facts.append(
            UsageFact(
                unit=unit,
                kind=FactKind.PAYMENT,
                source_id=source,
                service_key=service,
                channel="electronic",
                day=today,
                amount_grosze=amount,
            )
        )
    UsageFact.objects.bulk_create(facts)


def registry_unit(code, kind=UnitKind.GMINA_WIEJSKA):
    """A registry row without a schema: the regional dashboard reads only the public schema."""
    unit = Tenant(name=f"Gmina {code}", code=code, kind=kind, slug=f"g-{code}", schema_name=schema_name_for_code(code))
    unit.auto_create_schema = False
    unit.save()
    return unit


@pytest.fixture
def region(unit_a, unit_b):
    facts_for(unit_a, applications=5, letters=1, closed=[(3, False), (10, False), (40, True)], paid=[1700, 3000])
    facts_for(unit_b, applications=2, letters=2, closed=[(1, False)])
    OverdueCount.objects.create(unit=unit_a, day=timezone.localdate(), open_cases=4, overdue_cases=2)
    usage_rollup(everything=True)


class TestRegionalDashboard:
    def test_the_console_shows_the_regions_figures_by_kind_and_powiat(self, client, operator, region):
        response = client.get("/konsola/wskazniki/", {"okres": "12m"}, **PORTAL)
        assert response.status_code == 200
        figures = response.context["figures"]
        assert (figures.totals.applications, figures.totals.letters, figures.totals.closed) == (7, 3, 4)
        assert figures.totals.electronic_share == 70 and figures.totals.closed_late == 1
        assert (figures.median_days, figures.p90_days) == (3, 40)  # of 1, 3, 10, 40: nearest rank
        assert (figures.overdue_cases, figures.active_units) == (2, 2)
        assert (figures.totals.payments, figures.totals.paid_grosze) == (2, 4700)
        body = response.content.decode()
        assert "Miasto Toruń" in body and "powiat toruński" in body and 'role="img"' in body
        assert "calendar days from the day the application" in body or "dni kalendarzowe" in body

    def test_a_page_costs_the_same_queries_with_more_units_and_facts(
        self, client, operator, region, django_assert_num_queries
    ):
        # search path, session, user; units with months and overdue counts, durations, services, mix, names
        with django_assert_num_queries(8):
            assert client.get("/konsola/wskazniki/", **PORTAL).status_code == 200
        for n in range(30):
            unit = registry_unit(f"04150{n + 10:02d}")
            facts_for(unit, applications=3, letters=1, closed=[(n, n > 20)], paid=[500], service=f"usluga-{n % 7}")
            OverdueCount.objects.create(unit=unit, day=timezone.localdate(), open_cases=3, overdue_cases=1)
        usage_rollup(everything=True)
        with django_assert_num_queries(8):
            response = client.get("/konsola/wskazniki/", **PORTAL)
        assert response.context["figures"].active_units == 32

    def test_the_console_page_is_refused_to_everybody_but_operators(self, client, unit_a):
        assert client.get("/konsola/wskazniki/", **PORTAL).status_code == 302  # sign in first
        signed_in(client, None, get_user_model().objects.create_user("mieszkaniec", password="x"))
        assert client.get("/konsola/wskazniki/", **PORTAL).status_code == 403
        assert client.get("/konsola/wskazniki/eksport/", **PORTAL).status_code == 403
        clerk = staff_account(unit_a, "urzednik", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, clerk)
        assert client.get("/konsola/wskazniki/", **PORTAL).status_code in (302, 403)

    def test_an_unknown_period_is_a_400_that_says_so(self, client, operator, region):
        response = client.get("/konsola/wskazniki/", {"okres": "1999-13"}, **PORTAL)
        assert (response.status_code == 400 and "period" in response.content.decode().lower()) or "okres"
        assert client.get("/konsola/wskazniki/eksport/", {"format": "pdf"}, **PORTAL).status_code == 400

    def test_downloads_have_every_unit_and_month_in_csv_and_xlsx(self, client, operator, region, unit_a):
        month = timezone.localdate().strftime("%Y-%m")
        response = client.get("/konsola/wskazniki/eksport/", {"okres": month, "format": "csv"}, **PORTAL)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert response["Content-Disposition"].endswith(f'wskazniki-{month}.csv"')
        lines = text.strip().splitlines()
        assert len(lines) == 3 and any(line.startswith(f"{month};0463011;Miasto Toruń") for line in lines)
        response = client.get(
            "/konsola/wskazniki/eksport/", {"okres": month, "format": "xlsx", "tabela": "uslugi"}, **PORTAL
        )
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.values)
        assert rows[1][1] == "wydanie-dowodu-osobistego" and rows[1][3] == 7


class TestPublicPage:
    def test_anybody_sees_participation_and_usage_totals_only(self, client, region, unit_a):
        with tenant_context(unit_a):
            from tests.support.cases import cases_filed

            cases_filed(1, sender_name="Zofia Tajemnicza")
        response = client.get("/wskazniki/", **PORTAL)
        body = response.content.decode()
        assert response.status_code == 200 and response.context["figures"].totals.applications == 7
        assert "Zofia Tajemnicza" not in body and "participation-total" in body
        assert "/wskazniki/" in client.get("/uczestnictwo/", **PORTAL).content.decode()
        assert client.get("/wskazniki/eksport/", {"format": "csv"}, **PORTAL).status_code == 200

    def test_the_usage_charts_draw_applications_not_participating_units(self, client, region):
        # Both parts once named their charts kind_chart and powiat_chart: participation's overwrote usage's.
        body = client.get("/wskazniki/", **PORTAL).content.decode()
        kinds = re.search(r'<desc id="usage-kinds-chart-desc">(.*?)</desc>', body).group(1)
        powiats = re.search(r'<desc id="usage-powiats-chart-desc">(.*?)</desc>', body).group(1)
        assert sorted(int(part.rsplit(": ", 1)[1]) for part in powiats.split("; ")) == [2, 5]
        assert sum(int(part.rsplit(": ", 1)[1]) for part in kinds.split("; ")) == 7
        table = body.split('id="usage-powiats"', 1)[1].split("</table>", 1)[0]
        assert table.count('<tr><th scope="row">') == 2 and "<td>5</td>" in table

    def test_there_is_no_regional_page_on_a_units_subdomain(self, client, region):
        assert client.get("/wskazniki/", **TORUN).status_code == 404


class TestOfficePage:
    def test_the_administrator_sees_their_units_figures_only(self, client, region, unit_a, unit_b):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        response = client.get("/urzad/wskazniki/", **TORUN)
        assert response.status_code == 200
        figures = response.context["figures"]
        assert (figures.totals.applications, figures.totals.letters, figures.totals.closed) == (5, 1, 3)
        assert figures.active_units is None and not figures.groups
        assert "Gmina Lubicz" not in response.content.decode()
        month = timezone.localdate().strftime("%Y-%m")
        download = client.get("/urzad/wskazniki/eksport/", {"okres": month, "format": "csv"}, **TORUN)
        assert f"{month};5;1;83;3;1;2;47,00" in b"".join(download.streaming_content).decode("utf-8-sig")

    def test_a_department_head_sees_it_and_a_clerk_does_not(self, client, region, unit_a):
        signed_in(client, unit_a, staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD))
        assert client.get("/urzad/wskazniki/", **TORUN).status_code == 200
        signed_in(client, unit_a, staff_account(unit_a, "urzednik", StaffRole.CLERK))
        assert client.get("/urzad/wskazniki/", **TORUN).status_code == 403
        assert client.get("/urzad/wskazniki/eksport/", **TORUN).status_code == 403

    def test_other_units_staff_residents_and_anonymous_visitors_are_refused(self, client, region, unit_a, unit_b):
        assert client.get("/urzad/wskazniki/", **TORUN).status_code == 302  # sign in first
        signed_in(client, unit_b, staff_account(unit_b, "admin", StaffRole.UNIT_ADMIN))
        response = client.get("/urzad/wskazniki/", **LUBICZ)
        assert response.status_code == 200 and response.context["figures"].totals.applications == 2
        assert client.get("/urzad/wskazniki/", **TORUN).status_code in (302, 403)  # Lubicz's session: nobody here
        with tenant_context(unit_a):
            resident = local_account()
        signed_in(client, unit_a, resident)
        assert client.get("/urzad/wskazniki/", **TORUN).status_code == 403

    def test_a_past_period_shows_the_last_overdue_count_in_it(self, client, region, unit_a):
        last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        OverdueCount.objects.create(
            unit=unit_a, day=last_month + datetime.timedelta(days=3), open_cases=9, overdue_cases=5
        )
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        response = client.get("/urzad/wskazniki/", {"okres": last_month.strftime("%Y-%m")}, **TORUN)
        assert response.context["figures"].overdue_cases == 5


def test_a_long_period_reads_its_spans_and_without_them_adds_the_months_up(region, unit_a):
    from onboarding.usage import region_figures
    from shared_services.usage.models import UnitSpan
    from shared_services.usage.selectors import period_of

    period = period_of("12m")
    assert UnitSpan.objects.filter(first=period.first, last=period.last, unit=unit_a).get().applications == 5
    from_spans = region_figures(period)
    UnitSpan.objects.all().delete()
    from_months = region_figures(period)
    assert from_spans.totals == from_months.totals and from_spans.totals.applications == 7
    assert [(unit.code, unit.totals) for unit in from_spans.groups["units"]] == [
        (unit.code, unit.totals) for unit in from_months.groups["units"]
    ]
    assert from_spans.by_month == from_months.by_month
