"""A task queued in unit A runs in a real Celery worker process, in unit A's schema and nowhere else."""

import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from shared_services.branding.models import UnitBranding
from tenants.models import Tenant
from tests.conftest import UNIT_A, UNIT_B
from tests.support.celery_probe import record_tagline
from tests.support.celery_worker import celery_worker


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, tmp_path_factory):
    with celery_worker(tmp_path_factory.mktemp("worker") / "worker.log") as log:
        yield log


def wait_for_tagline(unit, tagline, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with tenant_context(unit):
            if UnitBranding.objects.filter(tagline=tagline).exists():
                return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
def test_task_queued_in_unit_a_writes_only_into_unit_a(celery_worker_process, django_db_blocker):
    marker = f"zadanie-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():  # no test transaction: the worker must see committed rows
        unit_a = Tenant.objects.get(code=UNIT_A["code"])
        unit_b = Tenant.objects.get(code=UNIT_B["code"])
        try:
            with tenant_context(unit_a):
                record_tagline.delay(marker)
            assert wait_for_tagline(unit_a, marker), celery_worker_process.read_text()[-3000:]
            with tenant_context(unit_b):
                assert not UnitBranding.objects.filter(tagline=marker).exists()
            with schema_context("public"), connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass('public.' || %s)", [UnitBranding._meta.db_table])
                assert cursor.fetchone() == (None,)
        finally:
            with tenant_context(unit_a):
                UnitBranding.objects.all().delete()


@pytest.mark.worker
def test_a_message_whose_sender_died_mid_write_never_reaches_the_worker(
    celery_worker_process, django_db_blocker, monkeypatch
):
    """The development broker writes a message aside and renames it when whole (platform_core.celery_broker):
    a sender killed before the rename leaves a file the worker does not take, and the worker goes on."""
    import platform_core.celery_broker as broker

    queue = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    lost, kept = f"zadanie-{uuid.uuid4().hex[:8]}", f"zadanie-{uuid.uuid4().hex[:8]}"

    def killed_before_the_rename(source, target):
        raise SystemExit("the sender dies here")

    with django_db_blocker.unblock():
        unit_a = Tenant.objects.get(code=UNIT_A["code"])
        try:
            with tenant_context(unit_a):
                with monkeypatch.context() as dying:
                    dying.setattr(broker.os, "replace", killed_before_the_rename)
                    with pytest.raises(SystemExit):
                        record_tagline.delay(lost)
                partial = [path for path in queue.glob("*.partial") if lost in path.read_text()]
                assert len(partial) == 1 and not [path for path in queue.glob("*.msg") if lost in path.read_text()]
                record_tagline.delay(kept)
            assert wait_for_tagline(unit_a, kept), celery_worker_process.read_text()[-3000:]
            with tenant_context(unit_a):
                assert not UnitBranding.objects.filter(tagline=lost).exists()
        finally:
            for path in queue.glob("*.partial"):
                if lost in path.read_text():
                    path.unlink()
            with tenant_context(unit_a):
                UnitBranding.objects.all().delete()
