"""The demo BIP: every demo unit gets an editorial office with an editor and published items — one changed,
one withdrawn, one scheduled — and loading again adds nothing."""

import pytest
from django_tenants.utils import tenant_context

from onboarding.demo_bip import demo_bip_load
from shared_services.bip.models import Publication
from shared_services.bip.selectors import change_register, editorial_office, editors, published_publications

pytestmark = pytest.mark.django_db


def test_the_demo_bip_is_published_once_with_changes_withdrawals_and_a_scheduled_item(client, unit_b):
    with tenant_context(unit_b):
        assert demo_bip_load(unit=unit_b) == 8
        assert demo_bip_load(unit=unit_b) == 0
        assert Publication.objects.count() == 8
        assert published_publications().count() == 6  # one withdrawn, one scheduled
        assert {version.kind for version in change_register()} == {"created", "changed", "withdrawn"}
        assert editorial_office().address and editors().count() == 1
    body = client.get("/bip/", HTTP_HOST="lubicz.localhost").content.decode()
    assert "Petycja nr 3/" in body and "Katarzyna Zielińska" in body and "ul. Toruńska 21" in body
