import pytest
from django.core.management import call_command

from tenants.models import Domain, Tenant, UnitKind, UnitStatus

pytestmark = pytest.mark.django_db


def test_demo_consortium_is_real_units_with_their_parents_and_is_idempotent(capsys):
    # Toruń and Lubicz exist already (tests/conftest.py); the command must take them as they are.
    call_command("load_demo_consortium")
    units = {unit.code: unit for unit in Tenant.objects.select_related("parent")}

    voivodeship = units["04"]
    assert voivodeship.name == "Województwo kujawsko-pomorskie" and voivodeship.kind == UnitKind.WOJEWODZTWO
    assert units["0415"].kind == UnitKind.POWIAT and units["0415"].parent == voivodeship
    # Lubicz joined before its powiat; onboarding the powiat made it Lubicz's parent.
    assert units["0415042"].parent == units["0415"]
    assert units["0461011"].kind == UnitKind.MIASTO_NA_PRAWACH_POWIATU and units["0461011"].parent == voivodeship
    assert units["0461011"].name == "Miasto Bydgoszcz"
    assert {unit.status for unit in units.values()} == {UnitStatus.ACTIVE}
    assert set(Domain.objects.filter(is_primary=True).values_list("domain", flat=True)) >= {
        "kujawsko-pomorskie.localhost",
        "powiat-torunski.localhost",
        "torun.localhost",
        "bydgoszcz.localhost",
        "lubicz.localhost",
    }

    capsys.readouterr()
    call_command("load_demo_consortium")
    assert "przyłączono 0, już aktywnych 5, z błędem 0" in capsys.readouterr().out
    assert Tenant.objects.count() == len(units)
