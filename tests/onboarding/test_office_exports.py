"""A unit's own export archives (/urzad/eksport/): asked for by its administrator, written by a Celery task with
progress on the page, limited, kept a while in a folder of their own and then deleted — never an offboarded
unit's archive or an operator's export."""

import datetime
import io
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import tenant_context

from onboarding.models import ExportStatus, OperatorAction, UnitExport
from onboarding.selectors import OFFICE_EXPORT_PROGRESS_KEY, office_exports_folder
from onboarding.services import OFFICE_EXPORTS_KEPT, office_export_run, office_exports_expire
from onboarding.tasks import office_export_run_task
from shared_services.audit.models import AuditEntry
from shared_services.branding.services import branding_update
from tenants.models import Tenant
from tests.conftest import UNIT_A
from tests.onboarding.test_lifecycle import storage  # noqa: F401 (autouse: the test's own export and media folders)
from tests.support.accounts import signed_in
from tests.support.celery_worker import celery_worker

TORUN, LUBICZ = "torun.localhost", "lubicz.localhost"


def office_folder(unit) -> Path:
    """The unit's own exports folder on the disk (the exports storage is UNIT_EXPORT_ROOT here)."""
    return Path(settings.UNIT_EXPORT_ROOT) / office_exports_folder(unit)


def administrator_of(unit, email):
    with tenant_context(unit):
        user = get_user_model().objects.create_user(email, password="Haslo-Sekretarza-2026", is_staff=True)
        user.groups.add(Group.objects.get_or_create(name="unit_admin")[0])
    return user


@pytest.fixture
def torun_admin(client, unit_a):
    signed_in(client, unit_a, administrator_of(unit_a, "sekretarz@torun.pl"))
    return client


def ask(client, host=TORUN, address="203.0.113.5"):
    return client.post("/urzad/eksport/nowe/", HTTP_HOST=host, REMOTE_ADDR=address)


@pytest.mark.django_db
class TestInTheOffice:
    def test_the_administrator_asks_the_task_writes_and_the_archive_downloads(self, torun_admin, unit_a):
        with tenant_context(unit_a):
            branding_update(tagline="Gród Kopernika")
        assert ask(torun_admin)["Location"] == "/urzad/eksport/"
        export = UnitExport.objects.get(unit=unit_a)
        assert export.status == ExportStatus.QUEUED
        page = torun_admin.get("/urzad/eksport/", HTTP_HOST=TORUN).content.decode()
        assert 'hx-get="/urzad/eksport/"' in page  # polled while it is written
        office_export_run(export=export)  # what the Celery task does
        export.refresh_from_db()
        assert export.status == ExportStatus.READY and export.size > 0
        archive_file = office_folder(unit_a) / export.archive_name
        assert archive_file.parent.parent.name == "office-exports"  # not among the kept archives of the root
        page = torun_admin.get("/urzad/eksport/", HTTP_HOST=TORUN).content.decode()
        assert 'hx-get="/urzad/eksport/"' not in page and f"/urzad/eksport/{export.pk}/pobierz/" in page
        response = torun_admin.get(f"/urzad/eksport/{export.pk}/pobierz/", HTTP_HOST=TORUN, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
        with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as zipped:
            assert "Gród Kopernika" in zipped.read("data/branding_unitbranding.csv").decode()
        entry = OperatorAction.objects.filter(unit=unit_a, action="export").get()
        assert (entry.actor_label, entry.actor, entry.ip_address) == ("sekretarz@torun.pl (torun)", None, "203.0.113.5")
        assert entry.details["archive"] == export.archive_name
        with tenant_context(unit_a):
            assert list(
                AuditEntry.objects.filter(action__startswith="unit_export.")
                .order_by("sequence")
                .values_list("action", "target")
            ) == [
                ("unit_export.request", f"unit_export:{export.pk}"),
                ("unit_export.download", f"unit_export:{export.pk}"),
            ]

    def test_the_page_shows_how_far_the_archive_is(self, torun_admin, unit_a):
        ask(torun_admin)
        export = UnitExport.objects.get(unit=unit_a)
        UnitExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
        with tenant_context(unit_a):  # as the task tells it, in the unit's cache
            cache.set(OFFICE_EXPORT_PROGRESS_KEY.format(pk=export.pk), [12, 48])
        fragment = torun_admin.get("/urzad/eksport/", HTTP_HOST=TORUN, HTTP_HX_REQUEST="true").content.decode()
        assert '<progress id="export-bar" max="48" value="12">25%</progress>' in fragment
        assert 'hx-trigger="every 2s"' in fragment and "<html" not in fragment

    @pytest.mark.parametrize("planted", ["25%", [1], [1, 2, 3], ["a", 2], [-1, 4], [5, 4], {"done": 1}])
    def test_a_progress_value_that_is_not_a_pair_of_counts_shows_none(self, torun_admin, unit_a, planted):
        """The cache is shared: a value in it that the task did not write is shown as no progress, not a 500."""
        ask(torun_admin)
        export = UnitExport.objects.get(unit=unit_a)
        UnitExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
        with tenant_context(unit_a):
            cache.set(OFFICE_EXPORT_PROGRESS_KEY.format(pk=export.pk), planted)
        response = torun_admin.get("/urzad/eksport/", HTTP_HOST=TORUN, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert '<progress id="export-bar" max="1" value="0">0%</progress>' in response.content.decode()

    def test_one_at_a_time_and_a_few_a_day(self, torun_admin, client, unit_a, unit_b, settings):
        settings.RATE_LIMITS = {"unit-export:unit": "3/d"}
        ask(torun_admin)
        ask(torun_admin)  # while the first is queued: shown, not a second
        assert UnitExport.objects.filter(unit=unit_a).count() == 1
        UnitExport.objects.filter(unit=unit_a).update(status=ExportStatus.READY, finished_at=timezone.now())
        assert ask(torun_admin).status_code == 302
        UnitExport.objects.filter(unit=unit_a).update(status=ExportStatus.READY, finished_at=timezone.now())
        refused = ask(torun_admin, address="198.51.100.20")  # the unit's limit, from whatever address
        assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
        assert UnitExport.objects.filter(unit=unit_a).count() == 2
        # Another unit's administrator is not affected.
        client.logout()
        signed_in(client, unit_b, administrator_of(unit_b, "sekretarz@lubicz.pl"))
        assert ask(client, host=LUBICZ).status_code == 302
        assert UnitExport.objects.filter(unit=unit_b).count() == 1

    def test_an_archive_removed_by_hand_is_not_found_not_an_error(self, torun_admin, unit_a):
        export = UnitExport.objects.create(
            unit=unit_a,
            requested_by="x",
            status=ExportStatus.READY,
            archive_name="gone.zip",
            finished_at=timezone.now(),
        )
        assert torun_admin.get(f"/urzad/eksport/{export.pk}/pobierz/", HTTP_HOST=TORUN).status_code == 404

    def test_nobody_else_asks_sees_or_downloads(self, client, unit_a, unit_b):
        export = UnitExport.objects.create(
            unit=unit_a, requested_by="x", status=ExportStatus.READY, archive_name="a.zip", finished_at=timezone.now()
        )
        download = f"/urzad/eksport/{export.pk}/pobierz/"
        assert ask(client).status_code == 302 and client.get(download, HTTP_HOST=TORUN).status_code == 302
        signed_in(client, unit_b, administrator_of(unit_b, "sekretarz@lubicz.pl"))
        assert client.get(download, HTTP_HOST=LUBICZ).status_code == 404  # not Lubicz's
        assert "a.zip" not in client.get("/urzad/eksport/", HTTP_HOST=LUBICZ).content.decode()
        assert ask(client, host=TORUN).status_code == 302  # Lubicz's session means nothing on Toruń's subdomain
        with tenant_context(unit_a):
            referent = get_user_model().objects.create_user("referent@torun.pl", password="x", is_staff=True)
        signed_in(client, unit_a, referent)
        assert ask(client).status_code == 403 and client.get(download, HTTP_HOST=TORUN).status_code == 403
        assert (
            UnitExport.objects.filter(unit=unit_a).count() == 1 and UnitExport.objects.filter(unit=unit_b).count() == 0
        )
        assert not OperatorAction.objects.filter(unit=unit_a, action="export").exists()


@pytest.mark.django_db
def test_expiry_deletes_only_the_old_and_surplus_archives_of_units_own_exports(unit_a, unit_b, settings):
    root = Path(settings.UNIT_EXPORT_ROOT)
    root.mkdir(parents=True)
    offboarding_archive = root / f"{unit_a.code}-torun-20260101T000000Z.zip"  # an operator's or offboarding's: kept
    offboarding_archive.write_bytes(b"kept")
    now = timezone.now()

    def ready(unit, age_days, name):
        folder = office_folder(unit)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"zip")
        return UnitExport.objects.create(
            unit=unit,
            requested_by="x",
            status=ExportStatus.READY,
            archive_name=name,
            finished_at=now - datetime.timedelta(days=age_days),
        )

    newest = [ready(unit_a, age, f"a{age}.zip") for age in range(OFFICE_EXPORTS_KEPT)]
    surplus = ready(unit_a, OFFICE_EXPORTS_KEPT, "surplus.zip")
    old = ready(unit_b, 8, "old.zip")
    young = ready(unit_b, 1, "young.zip")
    stalled = UnitExport.objects.create(unit=unit_b, requested_by="x", status=ExportStatus.RUNNING)
    UnitExport.objects.filter(pk=stalled.pk).update(requested_at=now - datetime.timedelta(hours=7))

    assert sorted(export.archive_name for export in office_exports_expire()) == ["old.zip", "surplus.zip"]
    for export in (surplus, old):
        export.refresh_from_db()
        assert export.status == ExportStatus.EXPIRED
        assert not (office_folder(export.unit) / export.archive_name).exists()
    for export in (*newest, young):
        assert (office_folder(export.unit) / export.archive_name).read_bytes() == b"zip"
    assert offboarding_archive.read_bytes() == b"kept"
    stalled.refresh_from_db()
    assert stalled.status == ExportStatus.FAILED  # the unit may ask again


@pytest.mark.worker
def test_the_export_job_completes_through_a_real_celery_worker(django_db_blocker, tmp_path, settings):
    """Queued in the unit (as the page queues it once its request commits), run by a worker process."""
    settings.UNIT_EXPORT_ROOT = tmp_path / "worker-exports"  # the worker is told the same folder
    with celery_worker(tmp_path / "worker.log", UNIT_EXPORT_ROOT=str(settings.UNIT_EXPORT_ROOT)) as log:
        with django_db_blocker.unblock():  # no test transaction: the worker must see committed rows
            unit = Tenant.objects.get(code=UNIT_A["code"])
            export = UnitExport.objects.create(unit=unit, requested_by="sekretarz@torun.pl (torun)")
            try:
                with tenant_context(unit):
                    office_export_run_task.delay(export.pk)
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    export.refresh_from_db()
                    if export.status in (ExportStatus.READY, ExportStatus.FAILED):
                        break
                    time.sleep(0.3)
                assert export.status == ExportStatus.READY, log.read_text()[-3000:]
                archive = office_folder(unit) / export.archive_name
                with zipfile.ZipFile(archive) as zipped:
                    assert "manifest.json" in zipped.namelist()
                assert OperatorAction.objects.filter(unit=unit, action="export", details__archive=archive.name).exists()
            finally:
                OperatorAction.objects.filter(unit=unit, action="export", details__archive=export.archive_name).delete()
                UnitExport.objects.filter(pk=export.pk).delete()


def test_the_worker_runs_the_expiry_on_a_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["office-exports-expire"]["task"] == "onboarding.office_exports_expire"
