import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole, office_role
from shared_services.staff.models import Department
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
    for unit in units.values():
        assert_demo_office(unit)


def assert_demo_office(unit):
    """Each demo office has its departments once, however often the command ran, and its staff work in them (the
    demo residents have accounts there too, as their first sign-in would make them)."""
    with tenant_context(unit):
        assert sorted(Department.objects.values_list("code", "name")) == [
            ("FN", "Wydział Podatków i Opłat"),
            ("GP", "Wydział Gospodarki Przestrzennej"),
            ("SO", "Wydział Spraw Obywatelskich"),
        ]
        staff = {
            user.email.split("@")[0]: (office_role(user), getattr(user.staff_member.department, "code", None))
            for user in User.objects.filter(
                email__endswith="@demo.ratusz.example", staff_member__isnull=False
            ).select_related("staff_member__department")
        }
        assert staff == {
            f"admin.{unit.slug}": (StaffRole.UNIT_ADMIN, None),
            f"kierownik.{unit.slug}": (StaffRole.DEPARTMENT_HEAD, "SO"),
            f"urzednik.{unit.slug}": (StaffRole.CLERK, "SO"),
        }
