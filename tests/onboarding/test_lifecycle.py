"""Suspend, resume and offboard: residents see the right page, and nothing is dropped before its export."""

import zipfile

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists, tenant_context

from onboarding.actors import Actor
from onboarding.archive import ArchiveError
from onboarding.models import OperatorAction
from onboarding.services import OnboardingError, unit_offboard, unit_resume, unit_suspend
from shared_services.branding.models import UnitBranding
from shared_services.branding.services import branding_update
from shared_services.identity.provisioning import keycloak_admin
from tenants.models import Domain, Tenant, UnitStatus
from tests.support.accounts import closed_port_url, signed_in
from tests.support.letters import application_file

pytestmark = pytest.mark.django_db
OPERATOR = Actor(label="operator-test", ip_address="192.0.2.10")


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.UNIT_EXPORT_ROOT = tmp_path / "exports"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = str(tmp_path / "media" / "%s")


def test_suspend_then_resume(client, unit_a):
    unit_suspend(unit=unit_a, actor=OPERATOR)
    assert client.get("/", HTTP_HOST="torun.localhost").status_code == 503
    with pytest.raises(OnboardingError):
        unit_suspend(unit=unit_a, actor=OPERATOR)  # already suspended: says so, changes nothing
    unit_resume(unit=unit_a, actor=OPERATOR)
    assert client.get("/", HTTP_HOST="torun.localhost").status_code == 200
    assert list(OperatorAction.objects.filter(unit=unit_a).values_list("action", flat=True).order_by("id")) == [
        "suspend",
        "resume",
    ]


def test_offboarding_needs_the_typed_subdomain(unit_a, settings):
    with pytest.raises(OnboardingError, match="torun"):
        unit_offboard(unit=unit_a, confirmation="lubicz", actor=OPERATOR)
    assert schema_exists(unit_a.schema_name)
    assert not list(settings.UNIT_EXPORT_ROOT.glob("*.zip"))
    assert Tenant.objects.get(pk=unit_a.pk).status == UnitStatus.ACTIVE


def test_offboarding_exports_first_then_drops_and_the_archive_brings_it_back(
    client, unit_a, settings, django_capture_on_commit_callbacks
):
    with tenant_context(unit_a):
        branding_update(tagline="Gród Kopernika")
    media = settings.MEDIA_ROOT / unit_a.schema_name
    media.mkdir(parents=True)
    (media / "herb.svg").write_text("<svg/>")

    with django_capture_on_commit_callbacks(execute=True):
        archive = settings.UNIT_EXPORT_ROOT / unit_offboard(unit=unit_a, confirmation="torun", actor=OPERATOR).key
    assert not media.exists()  # the files are in the archive; the unit's folder is gone
    assert torun_organizations() == []  # and Keycloak has forgotten the unit, after the export

    with zipfile.ZipFile(archive) as zipped:
        assert "files/herb.svg" in zipped.namelist()
        assert "Gród Kopernika" in zipped.read("data/branding_unitbranding.csv").decode()
    unit = Tenant.objects.get(pk=unit_a.pk)
    assert unit.status == UnitStatus.OFFBOARDED and unit.offboarded_at
    assert not schema_exists(unit_a.schema_name)
    unit.save()  # saving an offboarded unit must not bring back an empty schema
    assert not schema_exists(unit_a.schema_name)
    assert not Domain.objects.filter(tenant=unit).exists()
    assert client.get("/", HTTP_HOST="torun.localhost").status_code == 404
    assert [a.action for a in OperatorAction.objects.filter(unit=unit).order_by("id")] == ["export", "offboard"]
    assert OperatorAction.objects.get(unit=unit, action="offboard").details["archive"] == archive.name

    call_command("import_unit", str(archive))
    assert OperatorAction.objects.filter(unit=unit).latest("id").action == "import"
    with tenant_context(Tenant.objects.get(pk=unit_a.pk)):
        assert UnitBranding.objects.get().tagline == "Gród Kopernika"
    assert client.get("/", HTTP_HOST="torun.localhost").status_code == 200
    assert [org["enabled"] for org in torun_organizations()] == [True]  # back, for its staff to be invited


def torun_organizations() -> list[dict]:
    return [org for org in keycloak_admin().get_organizations({"q": "unit:torun"}) if org["alias"] == "torun"]


def test_suspending_while_keycloak_is_down_changes_nothing(client, unit_a, settings):
    settings.KEYCLOAK_SERVER_URL = closed_port_url()
    with pytest.raises(OnboardingError, match="Keycloak"):
        unit_suspend(unit=unit_a, actor=OPERATOR)
    assert Tenant.objects.get(pk=unit_a.pk).status == UnitStatus.ACTIVE
    assert not OperatorAction.objects.filter(unit=unit_a).exists()
    assert client.get("/", HTTP_HOST="torun.localhost").status_code == 200


def test_a_failed_export_drops_nothing_and_the_unit_stays_active(client, unit_a, settings):
    media = settings.MEDIA_ROOT / unit_a.schema_name
    media.mkdir(parents=True)
    (media / "herb.svg").write_text("<svg/>")
    (media / "link").symlink_to("/etc/hostname")  # the export refuses links rather than follow or skip them
    with pytest.raises(ArchiveError):
        unit_offboard(unit=unit_a, confirmation="torun", actor=OPERATOR)
    assert schema_exists(unit_a.schema_name)
    assert Tenant.objects.get(pk=unit_a.pk).status == UnitStatus.ACTIVE
    assert Domain.objects.filter(tenant=unit_a).exists()
    assert (media / "herb.svg").exists()
    assert not OperatorAction.objects.filter(unit=unit_a, action="offboard").exists()
    assert client.get("/", HTTP_HOST="torun.localhost").status_code == 200


def test_writers_wait_for_the_offboarding_transaction(unit_a):
    """The schema's tables are locked in SHARE mode while the archive is written: nothing can slip in."""
    from django.db import connection, transaction

    from onboarding.services import _lock_schema_tables

    with transaction.atomic():
        _lock_schema_tables(unit_a.schema_name)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND l.mode = 'ShareLock' AND l.granted AND c.relkind = 'r'",
                [unit_a.schema_name],
            )
            locked = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [unit_a.schema_name])
            assert locked == cursor.fetchone()[0] > 0


class TestOfficeExportAndSuspension:
    @pytest.fixture
    def administrator(self, unit_a):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        with tenant_context(unit_a):
            user = get_user_model().objects.create_user(
                "sekretarz@torun.pl", password="Haslo-Sekretarza-2026", is_staff=True
            )
            user.groups.add(Group.objects.create(name="unit_admin"))
        return user

    def test_suspension_blocks_residents_and_staff_alike(self, client, unit_a, administrator):
        signed_in(client, unit_a, administrator)
        assert client.get("/urzad/eksport/", HTTP_HOST="torun.localhost").status_code == 200
        unit_suspend(unit=unit_a, actor=OPERATOR)
        assert client.get("/", HTTP_HOST="torun.localhost").status_code == 503
        assert client.get("/urzad/eksport/", HTTP_HOST="torun.localhost").status_code == 503
        assert client.post("/urzad/eksport/nowe/", HTTP_HOST="torun.localhost").status_code == 503
        api = client.get("/api/v1/register/", HTTP_HOST="torun.localhost")
        assert api.status_code == 503 and "suspended" in api.json()["detail"]
        # Keycloak's side: the Organization is disabled, so its members' tokens no longer name the unit.
        [organization] = [
            org for org in keycloak_admin().get_organizations({"q": "unit:torun"}) if org["alias"] == "torun"
        ]
        assert organization["enabled"] is False
        unit_resume(unit=unit_a, actor=OPERATOR)
        assert [
            org["enabled"] for org in keycloak_admin().get_organizations({"q": "unit:torun"}) if org["alias"] == "torun"
        ] == [True]

    # Exporting in the office, and who may: tests/onboarding/test_office_exports.py.


def test_offboarding_takes_the_units_offer_and_applications_along_and_import_brings_them_back(
    full_catalogue, client, unit_a, settings, django_capture_on_commit_callbacks
):
    from shared_services.catalogue.models import Offering, OwnServiceListing
    from shared_services.eforms.models import Submission
    from shared_services.offer.models import UnitService
    from shared_services.offer.services import unit_service_save

    letter = {
        "imie": "Anna",
        "nazwisko": "Kowalska",
        "ulica": "ul. Szeroka 1",
        "kod_pocztowy": "87-100",
        "miejscowosc": "Toruń",
        "email": "anna@example.pl",
        "tytul": "Pytanie",
        "tresc": "Treść.",
    }
    assert (
        application_file(
            client, "/uslugi/wydanie-dowodu-osobistego/wniosek/", letter, HTTP_HOST="torun.localhost"
        ).status_code
        == 302
    )
    with tenant_context(unit_a):
        unit_service_save(service=UnitService(slug="wynajem-sali", name="Wynajem sali", short_description="Sala."))
    offered = Offering.objects.filter(unit=unit_a).count()
    assert offered > 30 and OwnServiceListing.objects.filter(unit=unit_a).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        archive = settings.UNIT_EXPORT_ROOT / unit_offboard(unit=unit_a, confirmation="torun", actor=OPERATOR).key
    # An offboarded unit offers nothing.
    assert (
        not Offering.objects.filter(unit=unit_a).exists() and not OwnServiceListing.objects.filter(unit=unit_a).exists()
    )
    with zipfile.ZipFile(archive) as zipped:
        assert "anna@example.pl" in zipped.read("data/eforms_submission.csv").decode()

    call_command("import_unit", str(archive))
    assert Offering.objects.filter(unit=unit_a).count() == offered
    assert OwnServiceListing.objects.get(unit=unit_a).slug == "wynajem-sali"
    with tenant_context(Tenant.objects.get(pk=unit_a.pk)):
        assert Submission.objects.get().data["email"] == "anna@example.pl"


def test_rebuild_offerings_restores_the_public_copy_of_a_units_offer(full_catalogue, unit_a, unit_b, capsys):
    from shared_services.catalogue.models import Offering

    expected = Offering.objects.filter(unit=unit_a).count()
    Offering.objects.filter(unit=unit_a).delete()  # as if lost
    call_command("rebuild_offerings", unit_a.code)
    assert Offering.objects.filter(unit=unit_a).count() == expected
    assert f"{unit_a.code} " in capsys.readouterr().out
    with pytest.raises(CommandError, match="9999999"):
        call_command("rebuild_offerings", "9999999")
