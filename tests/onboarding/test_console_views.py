"""The operator console: who may use it, and what it does."""

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from onboarding.models import ItemStatus, OnboardingJob, OperatorAction
from onboarding.services import onboarding_job_run
from tenants.models import Tenant, UnitStatus
from tests.support.accounts import signed_in

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "localhost"}


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_user(
        "kc:5b9f0f7e-0000-4000-8000-00000000000a", "operatorka@woj.example", is_staff=True
    )
    signed_in(client, None, user)
    return user


class TestWhoGetsTheConsole:
    def test_anonymous_visitor_is_sent_to_sign_in(self, client):
        response = client.get("/konsola/", **PORTAL)
        assert response.status_code == 302 and response["Location"].startswith("/oidc/logowanie/?next=/konsola/")

    def test_account_that_is_not_an_operator_gets_403(self, client):
        signed_in(client, None, get_user_model().objects.create_user("mieszkaniec", password="x"))
        assert client.get("/konsola/", **PORTAL).status_code == 403

    def test_a_session_that_did_not_come_from_keycloak_is_signed_out(self, client):
        # As sessions from before sign-in moved to Keycloak: no tokens, so nothing to trust.
        client.force_login(get_user_model().objects.create_user("operator", password="x", is_staff=True))
        assert client.get("/konsola/", **PORTAL).status_code == 302

    def test_clerk_of_a_unit_is_nobody_on_the_platform_domain(self, client, unit_a):
        with tenant_context(unit_a):  # the clerk's account and session live in the unit's schema
            clerk = get_user_model().objects.create_user("urzednik", password="x", is_staff=True)
        signed_in(client, unit_a, clerk)
        assert client.get("/konsola/", **PORTAL).status_code == 302
        assert client.post("/konsola/jednostki/0463011/zawies/", **PORTAL).status_code == 302
        assert Tenant.objects.get(code="0463011").status == UnitStatus.ACTIVE

    def test_console_does_not_exist_on_unit_subdomains(self, client, operator, unit_a):
        assert client.get("/konsola/", HTTP_HOST="torun.localhost").status_code == 404


class TestUnitList:
    def test_lists_units_with_status_kind_powiat_and_filters(self, client, operator, unit_a, unit_b):
        body = client.get("/konsola/", **PORTAL).content.decode()
        assert "Miasto Toruń" in body and "Gmina Lubicz" in body and "powiat toruński" in body
        filtered = client.get("/konsola/", {"q": "lubi", "status": "active"}, **PORTAL).content.decode()
        assert "Gmina Lubicz" in filtered and "Miasto Toruń" not in filtered
        by_kind = client.get("/konsola/", {"kind": "miasto_na_prawach_powiatu"}, **PORTAL).content.decode()
        assert "Miasto Toruń" in by_kind and "Gmina Lubicz" not in by_kind

    def test_list_costs_a_fixed_number_of_queries(self, client, operator, unit_a, django_assert_max_num_queries):
        with django_assert_max_num_queries(6):  # session, user, count, page of units
            assert client.get("/konsola/", **PORTAL).status_code == 200


class TestActions:
    def test_suspend_and_resume_are_audited_with_the_address(self, client, operator, unit_a):
        client.post("/konsola/jednostki/0463011/zawies/", REMOTE_ADDR="198.51.100.7", **PORTAL)
        assert client.get("/", HTTP_HOST="torun.localhost").status_code == 503
        client.post("/konsola/jednostki/0463011/wznow/", **PORTAL)
        assert client.get("/", HTTP_HOST="torun.localhost").status_code == 200
        actions = list(OperatorAction.objects.filter(unit=unit_a).order_by("id"))
        assert [a.action for a in actions] == ["suspend", "resume"]
        # The log names the operator by e-mail, and keeps the account (the Keycloak subject) as well.
        assert actions[0].actor_label == "operatorka@woj.example" and actions[0].ip_address == "198.51.100.7"
        assert actions[0].actor_id == operator.pk
        assert actions[0].details == {"before": "active", "after": "suspended"}

    def test_actions_need_post(self, client, operator, unit_a):
        assert client.get("/konsola/jednostki/0463011/zawies/", **PORTAL).status_code == 405

    def test_onboard_one_unit_from_the_console(self, client, operator):
        response = client.post("/konsola/przylacz/", {"single": "1", "single-code": "0415052"}, **PORTAL)
        assert response.status_code == 302
        assert Tenant.objects.get(code="0415052").status == UnitStatus.ACTIVE

    def test_bad_code_is_explained(self, client, operator):
        response = client.post("/konsola/przylacz/", {"single": "1", "single-code": "0415099"}, **PORTAL)
        assert response.status_code == 200
        body = response.content.decode()
        assert "0415099" in body and 'class="error-summary"' in body
        # The message is tied to its field for screen readers.
        assert 'aria-describedby="id_single-code_helptext id_single-code_error"' in body
        assert 'id="id_single-code_error"' in body

    def test_bulk_onboarding_is_queued_and_its_progress_shown(
        self, client, operator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as queued:
            response = client.post("/konsola/przylacz/", {"bulk": "1", "bulk-codes": "0415052, 0415062"}, **PORTAL)
        job = OnboardingJob.objects.get()
        assert response["Location"] == f"/konsola/zadania/{job.pk}/"
        assert len(queued) == 1  # the Celery task is sent only once the job is committed
        page = client.get(response["Location"], **PORTAL).content.decode()
        assert "0 z 2" in page and 'hx-trigger="every 2s"' in page

        onboarding_job_run(job=job)  # what the worker does
        partial = client.get(response["Location"], HTTP_HX_REQUEST="true", **PORTAL).content.decode()
        assert "<html" not in partial and "2 z 2" in partial and "hx-trigger" not in partial
        assert set(job.items.values_list("status", flat=True)) == {ItemStatus.DONE}


class TestConsolePages:
    def test_participation_dashboard_is_in_the_console(self, client, operator, unit_a, unit_b):
        body = client.get("/konsola/uczestnictwo/", **PORTAL).content.decode()
        assert "<svg" in body and "powiat toruński" in body

    def test_audit_log_lists_operator_actions(self, client, operator, unit_a):
        client.post("/konsola/jednostki/0463011/zawies/", **PORTAL)
        body = client.get("/konsola/dziennik/", **PORTAL).content.decode()
        assert "Miasto Toruń" in body and "zawieszono" in body

    def test_exports_are_downloadable_by_operators_only(self, client, operator, settings, tmp_path):
        settings.UNIT_EXPORT_ROOT = tmp_path
        (tmp_path / "0463011-torun-20261121T000000Z.zip").write_bytes(b"PK")
        (tmp_path.parent / "secret.txt").write_text("nie")
        assert client.get("/konsola/eksporty/0463011-torun-20261121T000000Z.zip", **PORTAL).status_code == 200
        assert client.get("/konsola/eksporty/..%2Fsecret.txt", **PORTAL).status_code == 404
        client.logout()
        assert client.get("/konsola/eksporty/0463011-torun-20261121T000000Z.zip", **PORTAL).status_code == 302


class TestAdoptionView:
    def test_operators_see_how_many_units_offer_each_service_as_a_chart_and_a_table(
        self, full_catalogue, client, operator, unit_a, unit_b
    ):
        body = client.get("/konsola/uslugi/", **PORTAL).content.decode()
        assert '<svg class="chart" role="img"' in body
        # Both units offer the ID card; only Toruń (a city with powiat rights) registers vehicles.
        assert "Wydanie dowodu osobistego: 2" in body and "Rejestracja pojazdu: 1" in body

    def test_the_units_offering_a_service_are_listed_and_a_unit_lists_its_services(
        self, full_catalogue, client, operator, unit_a, unit_b
    ):
        body = client.get("/konsola/uslugi/rejestracja-pojazdu/", **PORTAL).content.decode()
        assert "Miasto Toruń" in body and "Gmina Lubicz" not in body
        assert "Rejestracja pojazdu" not in client.get("/konsola/jednostki/0415042/", **PORTAL).content.decode()
        assert "Rejestracja pojazdu" in client.get("/konsola/jednostki/0463011/", **PORTAL).content.decode()

    def test_the_adoption_view_is_for_operators_only(self, full_catalogue, client, unit_a):
        assert client.get("/konsola/uslugi/", **PORTAL).status_code == 302
        assert client.get("/konsola/uslugi/", HTTP_HOST="torun.localhost").status_code == 404
