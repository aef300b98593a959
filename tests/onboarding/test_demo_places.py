"""The demo units' places (onboarding/demo_places.py): parcels the development parcel service knows, looked up at
once, a parcel of another gmina flagged; loading again adds nothing."""

import pytest
from django_tenants.utils import tenant_context

from onboarding.demo_places import DEMO_PLACES, demo_places_load
from shared_services.places.models import Place, Resolution
from shared_services.places.selectors import other_case_ids_on_same_parcels
from tests.support.cases import cases_filed
from tests.support.places import dev_uldk, dev_uldk_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("dev_uldk")
def test_the_demo_cases_get_places_the_development_service_resolves(unit_a):
    with tenant_context(unit_a):
        cases = cases_filed(len(DEMO_PLACES[unit_a.code]))
        added = demo_places_load(unit=unit_a, actor="kierownik.torun")
        assert added == sum(len(answers) for answers in DEMO_PLACES[unit_a.code])
        places = list(Place.objects.all())
        assert all(place.status == Resolution.RESOLVED for place in places), [
            (place.identifier, place.status, place.last_error) for place in places
        ]
        assert [place.identifier for place in places if place.outside_unit] == ["041504_2.0008.112/3"]
        assert set(other_case_ids_on_same_parcels(cases[0].pk).values_list("case_id", flat=True)) == {cases[1].pk}
        assert demo_places_load(unit=unit_a, actor="kierownik.torun") == 0
