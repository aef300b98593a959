"""The spatial questions: cases on a parcel, within a box, near a point, and other cases on the same parcel."""

import pytest
from django.db import connection

from shared_services.places import selectors
from shared_services.places.models import Place, PlaceKind, Resolution
from tests.places.factories import case_make

pytestmark = pytest.mark.django_db


def _parcel(case, identifier, box=None):
    place = Place(kind=PlaceKind.PARCEL, typed=identifier, identifier=identifier, teryt=identifier[:8], case=case)
    if box:
        place.min_lat, place.min_lon, place.max_lat, place.max_lon = box
        place.lat, place.lon = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        place.status = Resolution.RESOLVED
    place.save()
    return place


# Around Toruń's old town market (Rynek Staromiejski, 53.0102 N, 18.6048 E) and a place 5 km north-east.
OLD_TOWN = (53.0100, 18.6045, 53.0104, 18.6051)
FAR = (53.0500, 18.6600, 53.0504, 18.6606)


def test_cases_concerning_a_parcel_found_in_any_typed_form(unit_a, in_unit):
    with in_unit(unit_a):
        first, second, other = case_make(), case_make(), case_make()
        _parcel(first, "046301_1.0012.123/4")
        _parcel(second, "046301_1.0012.123/4")
        _parcel(other, "046301_1.0012.123/5")
        found = set(selectors.case_ids_for_parcel(" 046301_1.0012.123/4 ").values_list("case_id", flat=True))
        assert found == {first.id, second.id}
        others = set(selectors.other_case_ids_on_same_parcels(first.id).values_list("case_id", flat=True))
        assert others == {second.id}


def test_cases_within_a_box_and_near_a_point(unit_a, in_unit):
    with in_unit(unit_a):
        near, far, unresolved = case_make(), case_make(), case_make()
        _parcel(near, "046301_1.0012.1", OLD_TOWN)
        _parcel(near, "046301_1.0012.3", OLD_TOWN)  # two places of one case: the case is named once
        _parcel(far, "046301_1.0020.7", FAR)
        _parcel(unresolved, "046301_1.0012.2")
        in_box = list(selectors.case_ids_in_box(53.00, 18.60, 53.02, 18.61).values_list("case_id", flat=True))
        assert in_box == [near.id]
        nearby = selectors.cases_near(53.0102, 18.6048, 500)
        assert [case_id for case_id, _distance in nearby] == [near.id]
        assert nearby[0][1] == 0  # the point lies inside the parcel's box
        # 4.4 km north and 3.7 km east: about 5.8 km away, so only within a 6 km radius
        wide = dict(selectors.cases_near(53.0102, 18.6048, 6000))
        assert set(wide) == {near.id, far.id}
        assert 5700 < wide[far.id] < 5800


def test_the_box_filter_uses_the_gist_index(unit_a, in_unit):
    with in_unit(unit_a):
        query = selectors.case_ids_in_box(53.00, 18.60, 53.02, 18.61).query
        sql, params = query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "places_place_box_gist" in plan


def test_another_unit_finds_none_of_a_units_places(unit_a, unit_b, in_unit):
    with in_unit(unit_a):
        _parcel(case_make(), "046301_1.0012.123/4", OLD_TOWN)
    with in_unit(unit_b):
        assert not selectors.case_ids_for_parcel("046301_1.0012.123/4").exists()
        assert not selectors.case_ids_in_box(53.00, 18.60, 53.02, 18.61).exists()
        assert selectors.cases_near(53.0102, 18.6048, 5000) == []
        assert not Place.objects.exists()
