"""The demo units' registers: real-looking records, each valid against its register's form, published in several
registers (and so in BIP and the open data); loading again adds nothing."""

import pytest
from django_tenants.utils import tenant_context

from onboarding.demo_registers import demo_registers_load
from shared_services.bip.models import Publication
from shared_services.catalogue.register_services import registers_seed_read, standard_registers_load
from shared_services.eforms.filling import ApplicationForm
from shared_services.registers.models import Record, RecordStatus
from shared_services.registers.selectors import record_definition
from tests.bip.conftest import bip_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard_registers(db):
    standard_registers_load(document=registers_seed_read())


@pytest.mark.parametrize("which", ["unit_a", "unit_b"])
def test_demo_records_are_valid_and_published_in_several_registers(standard_registers, request, which):
    unit = request.getfixturevalue(which)
    with tenant_context(unit):
        bip_ready(unit)
        count = demo_registers_load(unit=unit)
        assert count >= 10
        records = list(Record.objects.select_related("register"))
        assert len({record.register.slug for record in records}) >= 7
        for record in records:
            form = ApplicationForm(data=record.data, definition=record_definition(record))
            assert form.is_valid(), (record.register.slug, form.errors)
            assert form.document() == record.data
            assert record.status == RecordStatus.PUBLISHED
        assert Publication.objects.filter(source_app="registers").count() == count
        assert demo_registers_load(unit=unit) == 0
