"""The spatial filter with many cases: 5,000 cases with 20,000 places spread over Toruń, and the plan PostgreSQL
chooses for "cases within this area" — the GiST index on the places' boxes, not a scan of every place.

`PLACES_PLAN_OUT=docs/places-plan.txt` writes the plans to a file (docs/places.md quotes them)."""

import os
import random
import time

import pytest
from django.db import connection

from shared_services.places import selectors
from shared_services.places.models import Place, PlaceKind, Resolution
from tests.support.cases import cases_filed

pytestmark = pytest.mark.django_db

CASES, PLACES_PER_CASE = 5_000, 4
# Toruń's extent, roughly: 52.97–53.07 N, 18.50–18.75 E.
SOUTH, WEST, NORTH, EAST = 52.97, 18.50, 53.07, 18.75


def _explain(queryset) -> tuple[str, float]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    executed = next(float(line.split(":")[1].split()[0]) for line in lines if line.startswith("Execution Time"))
    return "\n".join(lines), executed


def test_the_box_filter_uses_the_index_with_many_cases(unit_a, in_unit):
    rng = random.Random(18)
    with in_unit(unit_a):
        cases = cases_filed(CASES, first_number=50_000)
        places = []
        for case in cases:
            for position in range(PLACES_PER_CASE):
                lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
                size = rng.uniform(0.0002, 0.0010)  # parcels of about 15–70 m
                places.append(
                    Place(
                        kind=PlaceKind.PARCEL,
                        typed=f"046301_1.{rng.randrange(1, 80):04d}.{rng.randrange(1, 900)}",
                        identifier=f"046301_1.{rng.randrange(1, 80):04d}.{rng.randrange(1, 900)}",
                        teryt="046301_1",
                        status=Resolution.RESOLVED,
                        lat=lat,
                        lon=lon,
                        min_lat=lat - size / 2,
                        max_lat=lat + size / 2,
                        min_lon=lon - size,
                        max_lon=lon + size,
                        case=case,
                        position=position,
                    )
                )
        Place.objects.bulk_create(places, batch_size=5_000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE places_place")
        # The old town: about 600 × 450 m.
        area = (53.0075, 18.5990, 53.0115, 18.6080)
        plan, executed = _explain(selectors.case_ids_in_box(*area))
        near_plan, _ = _explain(selectors.places_in_box(*selectors.box_around(53.0102, 18.6048, 250)))
        started = time.perf_counter()
        near = selectors.cases_near(53.0102, 18.6048, 250)
        near_seconds = time.perf_counter() - started
        parcel_plan, _ = _explain(selectors.case_ids_for_parcel("046301_1.0012.123"))
    assert "places_place_box_gist" in plan, plan
    assert "Seq Scan on places_place" not in plan, plan
    assert "places_place_box_gist" in near_plan
    assert "places_place_identifier" in parcel_plan and "Seq Scan on places_place" not in parcel_plan, parcel_plan
    assert executed < 200  # milliseconds; in practice a few
    assert near_seconds < 1 and all(distance <= 250 for _case, distance in near)
    out = os.environ.get("PLACES_PLAN_OUT")
    if out:
        with open(out, "w") as file:
            file.write(
                f"-- {CASES} cases, {CASES * PLACES_PER_CASE} places; cases within {area}\n{plan}\n\n"
                f"-- places near (53.0102, 18.6048) within 250 m: the box prefilter\n{near_plan}\n"
                f"-- cases_near(…, 250): {len(near)} cases in {near_seconds * 1000:.1f} ms\n\n"
                f"-- cases concerning parcel 046301_1.0012.123\n{parcel_plan}\n"
            )
