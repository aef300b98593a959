"""Onboarding units: slugs, one unit, many units with failures and retries, invitations."""

import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from onboarding.actors import Actor
from onboarding.models import ItemStatus, OnboardingJob, OperatorAction, OperatorActionKind
from onboarding.services import OnboardingError, onboarding_job_create, onboarding_job_run, unit_onboard
from onboarding.slugs import register_slugs
from onboarding.terc import TercFileError, codes_from_terc_csv, units_by_code
from shared_services.branding.models import UnitBranding
from shared_services.staff.models import StaffInvitation
from tenants.models import Domain, Tenant, UnitKind, UnitStatus, slug_validator

OPERATOR = Actor(label="operator-test", ip_address="192.0.2.10")


class TestSlugs:
    def test_every_unit_of_poland_gets_a_unique_valid_subdomain(self):
        slugs = register_slugs()
        assert len(slugs) == len(units_by_code()) == 2807
        assert len(set(slugs.values())) == len(slugs)
        for slug in slugs.values():
            slug_validator(slug)

    @pytest.mark.parametrize("code, slug", [
        ("1061011", "lodz"),  # Łódź
        ("0463011", "torun"),
        ("0415", "powiat-torunski"),
        ("04", "kujawsko-pomorskie"),
        ("0201011", "miasto-boleslawiec"),  # urban Bolesławiec…
        ("0201022", "boleslawiec-boleslawiecki"),  # …its rural namesake (there is another rural one in łódzkie)
        ("0201", "powiat-boleslawiecki"),  # the powiat never competes with a gmina
    ])
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

    def test_first_administrator_is_invited_without_any_password(self, mailoutbox, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            unit, _ = unit_onboard(code="0415032", actor=OPERATOR, admin_email="Wojt@Czernikowo.pl")
        [mail] = mailoutbox
        assert mail.to == ["wojt@czernikowo.pl"]
        token = re.search(r"http://czernikowo\.localhost:8000/zaproszenie/([\w-]+)/", mail.body).group(1)
        with tenant_context(unit):
            invitation = StaffInvitation.objects.get()
            assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
            assert not get_user_model().objects.exists()  # nobody has an account, let alone a password


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
        csv_file.write_text("WOJ,POW,GMI,RODZ,NAZWA,NAZWA_DOD,STAN_NA\n04,15,05,2,Łubianka,gmina wiejska,2024-01-01\n",
                            encoding="utf-8")
        call_command("onboard", "--csv", str(csv_file))
        assert Tenant.objects.get(code="0415052").slug == "lubianka"


@pytest.mark.django_db
class TestInvitationAcceptance:
    @pytest.fixture
    def invited(self, unit_a, mailoutbox, django_capture_on_commit_callbacks):
        from shared_services.staff.models import StaffRole
        from shared_services.staff.services import invitation_create

        with django_capture_on_commit_callbacks(execute=True), tenant_context(unit_a):
            invitation_create(email="sekretarz@torun.pl", role=StaffRole.UNIT_ADMIN)
        return re.search(r"/zaproszenie/([\w-]+)/", mailoutbox[0].body).group(0)

    def test_accepting_creates_the_account_in_that_unit_only(self, client, invited, unit_a, unit_b):
        page = client.get(invited, HTTP_HOST="torun.localhost")
        assert page.status_code == 200 and "sekretarz@torun.pl" in page.content.decode()
        response = client.post(invited, {"password": "Ratusz-2026-bezpieczne", "password_again": "Ratusz-2026-bezpieczne"},
                               HTTP_HOST="torun.localhost")
        assert response.status_code == 302
        with tenant_context(unit_a):
            user = get_user_model().objects.get(username="sekretarz@torun.pl")
            assert user.groups.filter(name="unit_admin").exists()
            assert "Ratusz-2026-bezpieczne" not in user.password
        with tenant_context(unit_b):
            assert not get_user_model().objects.filter(username="sekretarz@torun.pl").exists()
        connection.set_schema_to_public()
        assert not get_user_model().objects.filter(username="sekretarz@torun.pl").exists()
        # Used once: the link no longer works.
        assert client.get(invited, HTTP_HOST="torun.localhost").status_code == 404

    def test_link_does_not_work_on_another_unit_or_the_portal(self, client, invited):
        assert client.get(invited, HTTP_HOST="lubicz.localhost").status_code == 404
        assert client.get(invited, HTTP_HOST="localhost").status_code == 404

    def test_mismatched_passwords_are_explained(self, client, invited):
        response = client.post(invited, {"password": "abc", "password_again": "abd"}, HTTP_HOST="torun.localhost")
        assert response.status_code == 200
        assert 'class="error-summary"' in response.content.decode()

    @pytest.mark.parametrize("weak", ["1", "sekretarz@torun.pl", "qwertyuiop123", "123456789012345"])
    def test_weak_passwords_are_refused(self, client, invited, unit_a, weak):
        response = client.post(invited, {"password": weak, "password_again": weak}, HTTP_HOST="torun.localhost")
        assert response.status_code == 200 and 'class="error-summary"' in response.content.decode()
        with tenant_context(unit_a):
            assert not get_user_model().objects.exists()


@pytest.mark.django_db
class TestUnitsWithoutTerc:
    def test_get_internal_codes_in_turn_and_are_idempotent_by_subdomain(self, capsys):
        call_command("onboard", "--without-terc", "Związek Gmin Dolnej Drwęcy", "--slug", "zgdd")
        call_command("onboard", "--without-terc", "Związek Komunalny Gmin Ziemi Chełmińskiej", "--slug", "zkgzch")
        call_command("onboard", "--without-terc", "Związek Gmin Dolnej Drwęcy", "--slug", "zgdd")
        units = Tenant.objects.filter(kind=UnitKind.OTHER).order_by("code")
        assert [(u.code, u.slug, u.schema_name) for u in units] == [
            ("INT0001", "zgdd", "jst_int0001"), ("INT0002", "zkgzch", "jst_int0002")]
        assert schema_exists("jst_int0002")
        assert "już aktywna" in capsys.readouterr().out.splitlines()[-1]

    def test_a_taken_or_invalid_subdomain_is_refused(self, unit_a):
        with pytest.raises(CommandError, match="torun"):
            call_command("onboard", "--without-terc", "Związek X", "--slug", "torun")
        with pytest.raises(CommandError):
            call_command("onboard", "--without-terc", "Związek X", "--slug", "Zły Adres")
        with pytest.raises(CommandError, match="--slug"):
            call_command("onboard", "--without-terc", "Związek X")
