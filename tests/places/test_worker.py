"""A place stored in a unit is looked up by a real Celery worker after commit: the task is queued with the unit's
schema, runs there, and asks the development parcel service."""

import time

import pytest
from django_tenants.utils import tenant_context

from shared_services.places import services
from shared_services.places.models import Place, Resolution
from tenants.models import Tenant
from tests.conftest import UNIT_A
from tests.support.cases import cases_filed, cases_remove
from tests.support.celery_worker import celery_worker


@pytest.mark.worker
def test_a_place_is_resolved_by_the_worker_after_commit(django_db_setup, django_db_blocker, dev_uldk_server, tmp_path):
    with django_db_blocker.unblock():  # no test transaction: the worker must see committed rows
        unit_a = Tenant.objects.get(code=UNIT_A["code"])
        with celery_worker(tmp_path / "worker.log", RATUSZ_TEST_ULDK_URL=dev_uldk_server.base_url) as log:
            try:
                with tenant_context(unit_a):
                    (case,) = cases_filed(1, first_number=90_001)
                    place = services.place_add(
                        {"kind": "parcel", "parcel": "046101_1.0230.301"}, actor="test", case=case
                    )
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    with tenant_context(unit_a):
                        place.refresh_from_db()
                    if place.status != Resolution.PENDING:
                        break
                    time.sleep(0.3)
                assert place.status == Resolution.RESOLVED, log.read_text()[-3000:]
                assert place.resolved_label == "Bydgoszcz, Bydgoszcz-Fordon, dz. 301"
            finally:
                with tenant_context(unit_a):
                    Place.objects.all().delete()
                    cases_remove()
