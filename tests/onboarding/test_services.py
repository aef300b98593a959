"""Onboarding units: slugs, one unit, many units with failures and retries, invitations."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_exists, tenant_context

from onboarding.actors import Actor
from onboarding.models import ItemStatus, OnboardingJob, OperatorAction, OperatorActionKind
from onboarding.services import OnboardingError, onboarding_job_create, onboarding_job_run, unit_onboard
from onboarding.slugs import register_slugs
from onboarding.terc import TercFileError, codes_from_terc_csv, units_by_code
from shared_services.branding.models import UnitBranding
from shared_services.identity.provisioning import keycloak_admin
from tenants.models import Domain, Tenant, UnitKind, UnitStatus, slug_validator
from tests.support.accounts import closed_port_url

OPERATOR = Actor(label="operator-test", ip_address="192.0.2.10")


class TestSlugs:
    def test_every_unit_of_poland_gets_a_unique_valid_subdomain(self):
        slugs = register_slugs()
        assert len(slugs) == len(units_by_code()) == 2807
        assert len(set(slugs.values())) == len(slugs)
        for slug in slugs.values():
            slug_validator(slug)

    @pytest.mark.parametrize(
        "code, slug",
        [
            ("1061011", "lodz"),  # Łódź
            ("0463011", "torun"),
            ("0415", "powiat-torunski"),
            ("04", "kujawsko-pomorskie"),
            ("0201011", "miasto-boleslawiec"),  # urban Bolesławiec…
            ("0201022", "boleslawiec-boleslawiecki"),  # …its rural namesake (there is another rural one in łódzkie)
            ("0201", "powiat-boleslawiecki"),  # the powiat never competes with a gmina
        ],
    )
    def test_clashes_are_resolved_readably(self, code, slug):
        assert register_slugs()[code] == slug

    @pytest.mark.django_db
    def test_subdomains_do_not_depend_on_who_joins_first(self):
        rural, _ = unit_onboard(code="0201022", actor=OPERATOR)  # the rural namesake joins first…
        urban, _ = unit_onboard(code="0201011", actor=OPERATOR)
        assert (rural.slug, urban.slug) == ("boleslawiec-boleslawiecki", "miasto-boleslawiec")


@pytest.mark.usefixtures("english")
class TestTercCsv:
    def test_units_are_read_and_parts_skipped(self):
        lines = [
            "WOJ,POW,GMI,RODZ,NAZWA,NAZWA_DOD,STAN_NA",
            "04,15,,,toruński,powiat,2024-01-01",
            "04,15,04,2,Lubicz,gmina wiejska,2024-01-01",
            "32,01,03,4,Karlino,miasto,2024-01-01",
        ]
        assert codes_from_terc_csv(lines) == ["0415", "0415042"]

    def test_gus_semicolon_files_are_read_too(self):
        lines = ["WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA", "04;15;04;2;Lubicz;gmina wiejska;2024-01-01"]
        assert codes_from_terc_csv(lines) == ["0415042"]

    def test_wrong_header_is_explained(self):
        with pytest.raises(TercFileError, match="missing columns GMI, RODZ"):
            codes_from_terc_csv(["WOJ,POW,NAZWA", "04,15,toruński"])

    def test_bad_row_names_its_line(self):
        with pytest.raises(TercFileError, match="Line 3: GMI must be 2 digits"):
            codes_from_terc_csv(["WOJ,POW,GMI,RODZ,NAZWA", "04,15,04,2,Lubicz", "04,15,x4,2,Zła"])


@pytest.mark.django_db
class TestOnboardOneUnit:
    def test_creates_schema_subdomain_branding_and_audit_entry(self, client):
        unit, created = unit_onboard(code="0415032", actor=OPERATOR)
        assert created and unit.status == UnitStatus.ACTIVE and unit.activated_at
        assert (unit.name, unit.kind, unit.slug) == ("Gmina Czernikowo", UnitKind.GMINA_WIEJSKA, "czernikowo")
        assert schema_exists("jst_0415032")
        assert Domain.objects.get(tenant=unit, is_primary=True).domain == "czernikowo.localhost"
        with tenant_context(unit):
            assert UnitBranding.objects.get().display_name == "Gmina Czernikowo"
        entry = OperatorAction.objects.get(unit=unit)
        assert (entry.action, entry.actor_label, entry.ip_address) == ("onboard", "operator-test", "192.0.2.10")
        assert "<h1>Gmina Czernikowo</h1>" in client.get("/", HTTP_HOST="czernikowo.localhost").content.decode()

    def test_onboarding_an_active_unit_again_changes_nothing(self, unit_b):
        before = OperatorAction.objects.count()
        unit, created = unit_onboard(code=unit_b.code, actor=OPERATOR)
        assert (unit, created) == (unit_b, False)
        assert OperatorAction.objects.count() == before

    def test_suspended_or_unknown_units_are_refused_with_a_reason(self, unit_b, english):
        unit_b.status = UnitStatus.SUSPENDED
        unit_b.save()
        with pytest.raises(OnboardingError, match="resume"):
            unit_onboard(code=unit_b.code, actor=OPERATOR)
        with pytest.raises(OnboardingError, match="not the code of a unit"):
            unit_onboard(code="0415099", actor=OPERATOR)

    def test_parent_joins_after_its_gminas(self, unit_b):
        powiat, _ = unit_onboard(code="0415", actor=OPERATOR)
        unit_b.refresh_from_db()
        assert unit_b.parent == powiat

    def test_the_unit_gets_its_organization_and_first_administrator_in_keycloak(self, identity_provider):
        unit, _ = unit_onboard(code="0415032", actor=OPERATOR, admin_email="Wojt@Czernikowo.pl")
        keycloak = keycloak_admin()
        [organization] = [
            org for org in keycloak.get_organizations({"q": "unit:czernikowo"}) if org["alias"] == "czernikowo"
        ]
        assert organization["name"] == "Gmina Czernikowo (0415032)" and organization["enabled"]
        roles = [
            group["name"]
            for group in keycloak.get_group_children(keycloak.get_group_by_path("/units/czernikowo")["id"])
        ]
        assert sorted(roles) == ["clerk", "department_head", "unit_admin"]
        [account] = keycloak.get_users({"email": "wojt@czernikowo.pl", "exact": True})
        assert "UPDATE_PASSWORD" in account["requiredActions"]  # Keycloak asks for the password, not us
        assert [group["path"] for group in keycloak.get_user_groups(account["id"])] == ["/units/czernikowo/unit_admin"]
        if identity_provider is not None:
            assert any(sent["to"] == "wojt@czernikowo.pl" for sent in identity_provider.sent_emails)
        with tenant_context(unit):
            [administrator] = get_user_model().objects.all()
            assert administrator.username == f"kc:{account['id']}" and not administrator.has_usable_password()
            assert administrator.groups.filter(name="unit_admin").exists()

    def test_keycloak_down_leaves_no_half_onboarded_unit_and_a_retry_finishes(self, settings):
        reachable = settings.KEYCLOAK_SERVER_URL
        settings.KEYCLOAK_SERVER_URL = closed_port_url()
        with pytest.raises(OnboardingError, match="Keycloak"):
            unit_onboard(code="0415052", actor=OPERATOR, admin_email="wojt@lubianka.pl")
        assert not Tenant.objects.filter(code="0415052").exists() and not schema_exists("jst_0415052")
        assert not OperatorAction.objects.filter(action=OperatorActionKind.ONBOARD).exists()
        settings.KEYCLOAK_SERVER_URL = reachable
        unit, created = unit_onboard(code="0415052", actor=OPERATOR, admin_email="wojt@lubianka.pl")
        assert created and unit.status == UnitStatus.ACTIVE
        assert (
            len(
                [
                    org
                    for org in keycloak_admin().get_organizations({"q": "unit:lubianka"})
                    if org["alias"] == "lubianka"
                ]
            )
            == 1
        )


@pytest.mark.django_db
class TestBulkOnboarding:
    def test_a_failing_unit_leaves_nothing_behind_and_a_rerun_finishes_it(self, unit_a):
        # Someone took Czernikowo's subdomain as a custom domain: its onboarding must fail cleanly.
        blocker = Domain.objects.create(domain="czernikowo.localhost", tenant=unit_a, is_primary=False)
        job = onboarding_job_create(codes=["0415032", "0415052", "0415032"], source="test", actor=OPERATOR)
        assert job.items.count() == 2  # duplicates dropped

        onboarding_job_run(job=job)
        statuses = dict(job.items.values_list("code", "status"))
        assert statuses == {"0415032": ItemStatus.FAILED, "0415052": ItemStatus.DONE}
        assert "czernikowo.localhost" in job.items.get(code="0415032").error
        assert not Tenant.objects.filter(code="0415032").exists()
        assert not schema_exists("jst_0415032")
        assert Tenant.objects.get(code="0415052").status == UnitStatus.ACTIVE

        blocker.delete()
        onboarding_job_run(job=job)
        assert set(job.items.values_list("status", flat=True)) == {ItemStatus.DONE}
        assert schema_exists("jst_0415032")

    def test_command_with_filters_and_progress(self, capsys):
        call_command("onboard", "--woj", "04", "--kind", "powiat", "--queue")
        job = OnboardingJob.objects.get()
        assert job.items.count() == 19  # the powiats of kujawsko-pomorskie
        assert OperatorAction.objects.filter(action=OperatorActionKind.BULK_ONBOARD).count() == 1

    def test_command_runs_here_and_reports(self, capsys):
        call_command("onboard", "0415052", "0415042")
        assert "przyłączono 1, już aktywnych 1, z błędem 0" in capsys.readouterr().out

    def test_command_rejects_bad_input_with_a_message(self, tmp_path):  # commands speak Polish
        with pytest.raises(CommandError, match="nie jest ani kodem TERC"):  # operators read Polish
            call_command("onboard", "Toruń")
        with pytest.raises(CommandError, match="Nie wskazano jednostek"):
            call_command("onboard")
        bad = tmp_path / "units.csv"
        bad.write_text("WOJ;POW;GMI\n04;15;04\n", encoding="utf-8")
        with pytest.raises(CommandError, match="nie jest w formacie TERC: brak kolumn RODZ, NAZWA"):
            call_command("onboard", "--csv", str(bad))

    def test_command_reads_a_terc_csv(self, tmp_path, capsys):
        csv_file = tmp_path / "terc.csv"
        csv_file.write_text(
            "WOJ,POW,GMI,RODZ,NAZWA,NAZWA_DOD,STAN_NA\n04,15,05,2,Łubianka,gmina wiejska,2024-01-01\n", encoding="utf-8"
        )
        call_command("onboard", "--csv", str(csv_file))
        assert Tenant.objects.get(code="0415052").slug == "lubianka"
