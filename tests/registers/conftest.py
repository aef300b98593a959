"""Register fixtures: the standard registers loaded, and kept by a unit with its BIP ready."""

from datetime import date

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from shared_services.catalogue.register_services import registers_seed_read, standard_registers_load
from shared_services.registers.models import Register
from shared_services.registers.services import record_create, record_publish, registers_adopt_defaults
from tests.bip.conftest import bip_ready

RESOLUTION = {
    "numer": "XII/123/2026",
    "data_podjecia": "2026-03-26",
    "tytul": "w sprawie uchwalenia budżetu gminy na rok 2026",
    "przedmiot": "Budżet gminy na rok 2026.",
    "status": "obowiazuje",
}


@pytest.fixture
def standard_registers(db):
    standard_registers_load(document=registers_seed_read())
    connection.set_schema_to_public()


def registers_ready(unit):
    bip_ready(unit)
    registers_adopt_defaults(unit_kind=unit.kind)


@pytest.fixture
def registers_a(standard_registers, unit_a):
    with tenant_context(unit_a):
        registers_ready(unit_a)
    return unit_a


@pytest.fixture
def registers_b(standard_registers, unit_b):
    with tenant_context(unit_b):
        registers_ready(unit_b)
    return unit_b


def resolution_publish(**changes):
    """In the current unit: a council resolution entered and published."""
    record = record_create(
        register=Register.objects.get(slug="uchwaly-rady"),
        data={**RESOLUTION, **changes},
        produced_by="Rada Miasta",
        produced_on=date(2026, 3, 26),
        actor="kierownik",
    )
    return record_publish(record=record, actor="kierownik", entered_by="Anna Redaktorska")
