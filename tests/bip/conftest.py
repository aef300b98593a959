"""BIP fixtures: the standard menu seeded in a unit, and an item published in it."""

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from shared_services.bip.models import Section
from shared_services.bip.services import bip_seed, editor_save, editorial_office_save, publication_create


def bip_ready(unit):
    """In the current schema of `unit`: the standard menu, the editorial office with its address, one editor."""
    bip_seed(unit_kind=unit.kind, unit_name=unit.name)
    editorial_office_save(
        actor="admin",
        name=f"Redakcja BIP – {unit.name}",
        address="ul. Wały gen. Sikorskiego 8, 87-100 Toruń",
        phone="56 611 88 77",
        email="bip@example.pl",
    )
    editor_save(actor="admin", name="Anna Redaktorska", phone="56 611 88 78", email="redaktor@example.pl")


def item_publish(unit, *, title="Zarządzenie nr 12/2026 w sprawie regulaminu", section_key="prawo-lokalne", **extra):
    fields = {
        "actor": "kierownik",
        "section": Section.objects.get(key=section_key),
        "title": title,
        "body": "Treść zarządzenia.",
        "produced_by": "Jan Kowalski, Wydział Organizacyjny",
        "produced_on": date(2026, 11, 30),
        "entered_by": "Anna Redaktorska",
    }
    fields.update(extra)
    return publication_create(**fields)


@pytest.fixture
def bip_a(unit_a):
    with tenant_context(unit_a):
        bip_ready(unit_a)
    return unit_a


@pytest.fixture
def bip_b(unit_b):
    with tenant_context(unit_b):
        bip_ready(unit_b)
    return unit_b
