"""adopt_standard_registers: units that existed before a register was added keep it after the command."""

import io

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from shared_services.registers.models import Register

pytestmark = pytest.mark.django_db


def test_existing_units_adopt_the_registers_of_their_kind(standard_registers, unit_a, unit_b):
    out = io.StringIO()
    call_command("adopt_standard_registers", unit_a.code, unit_b.code, stdout=out)
    with tenant_context(unit_b):
        assert Register.objects.filter(slug="przystanki").exists()
    with tenant_context(unit_a):
        assert Register.objects.filter(slug="uchwaly-rady").exists()
    call_command("adopt_standard_registers", unit_a.code, unit_b.code, stdout=out)
    assert out.getvalue().splitlines()[-1] == "standard registers: 0 added to units"
