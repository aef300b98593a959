"""The demo consortium (`make run`) shows usage indicators at once: its cases recorded their facts, the loader's
backfill finds nothing missing, and the roll-up has added them up."""

import pytest
from django.core.management import call_command

from onboarding.usage import region_figures
from shared_services.usage.models import FactKind, OverdueCount, UsageFact
from shared_services.usage.selectors import period_of
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def test_the_demo_has_indicators_for_every_office(full_catalogue, settings, tmp_path, capsys):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    call_command("load_demo_consortium")
    recorded = UsageFact.objects.count()
    figures = region_figures(period_of("12m"))
    demo_units = Tenant.objects.filter(code__in=["04", "0415", "0463011", "0461011", "0415042"])
    assert figures.active_units == demo_units.count() == 5
    # about twenty applications per office; of its two paper letters, one opens a case (the other answers one)
    assert figures.totals.applications >= 5 * 20 and figures.totals.letters >= 5
    assert figures.totals.closed > 0 and figures.median_days is not None
    assert figures.by_service and figures.overdue_cases is not None
    assert set(OverdueCount.objects.values_list("unit__code", flat=True)) >= set(
        demo_units.values_list("code", flat=True)
    )
    assert UsageFact.objects.filter(kind=FactKind.CLOSING).exists()
    call_command("load_demo_consortium")  # again: nothing filed twice, no fact twice
    assert UsageFact.objects.count() == recorded
