"""The participation dashboard: the numbers (selector), the chart geometry and the public page."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from onboarding.participation import participation_summary
from platform_core.charts import bar_chart, step_chart
from tenants.codes import schema_name_for_code
from tenants.models import Tenant, UnitKind, UnitStatus
from tenants.services import unit_set_status
from tests.conftest import UNIT_A, UNIT_B

pytestmark = pytest.mark.django_db

OTHER_UNITS = "voivodeship and other units"


def add_unit(code, kind, status=UnitStatus.ACTIVE, *, activated_at=None, name=None):
    """A registry row without a schema (creating schemas is slow and the dashboard reads only the registry)."""
    unit = Tenant(
        name=name or f"Jednostka {code}",
        code=code,
        kind=kind,
        slug=f"j-{code.lower()}",
        schema_name=schema_name_for_code(code),
    )
    unit.auto_create_schema = False
    unit.save()
    unit_set_status(unit=unit, status=status)
    if activated_at is not None:
        set_activated_at(code, activated_at)
    return unit


def set_activated_at(code, moment):
    Tenant.objects.filter(code=code).update(activated_at=moment)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def consortium(unit_a, unit_b):
    """Toruń and Lubicz (from conftest) plus units of every status, kind and place, with known dates.

    Active, by powiat: powiat toruński 3 (Lubicz, the powiat itself, Chełmża), Toruń 1, powiat sępoleński 1,
    powiat świecki 1, powiat tucholski 1, voivodeship and other units 2 (the voivodeship, an INT unit).
    """
    set_activated_at(UNIT_A["code"], utc(2024, 1, 10, 9, 0))
    set_activated_at(UNIT_B["code"], utc(2024, 1, 10, 15, 0))
    add_unit("0415", UnitKind.POWIAT, activated_at=utc(2024, 2, 1, 12, 0))
    add_unit("0415011", UnitKind.GMINA_MIEJSKA, activated_at=utc(2024, 2, 1, 13, 0))
    # 23:30 UTC on 29 February is 00:30 on 1 March in Warsaw: the day is the local one.
    add_unit("0413023", UnitKind.GMINA_MIEJSKO_WIEJSKA, activated_at=utc(2024, 2, 29, 23, 30))
    add_unit("0414012", UnitKind.GMINA_WIEJSKA, activated_at=utc(2024, 3, 5, 8, 0))
    add_unit("0416012", UnitKind.GMINA_WIEJSKA, activated_at=utc(2024, 3, 5, 9, 0))
    add_unit("04", UnitKind.WOJEWODZTWO, activated_at=utc(2024, 4, 2, 8, 0))
    add_unit("INT0001", UnitKind.OTHER, activated_at=utc(2024, 4, 3, 8, 0))
    # Not participating: each would otherwise add to a kind, a powiat and a day of its own.
    add_unit("0403012", UnitKind.GMINA_WIEJSKA, UnitStatus.SUSPENDED, activated_at=utc(2024, 1, 20, 8, 0))
    add_unit("0404011", UnitKind.GMINA_MIEJSKA, UnitStatus.OFFBOARDED, activated_at=utc(2024, 1, 21, 8, 0))
    add_unit("0402011", UnitKind.GMINA_MIEJSKA, UnitStatus.PROVISIONING)
    add_unit("0461011", UnitKind.MIASTO_NA_PRAWACH_POWIATU, UnitStatus.SUSPENDED)


def summary(target=100):
    with translation.override("en"):
        result = participation_summary(target=target)
        return result, {str(label): units for label, units in result.by_kind}


# --- the numbers -------------------------------------------------------------------------------------


def test_only_active_units_participate(consortium):
    result, _ = summary()
    assert result.participating == Tenant.objects.filter(status=UnitStatus.ACTIVE).count() == 9
    assert Tenant.objects.exclude(status=UnitStatus.ACTIVE).count() == 4


def test_a_unit_stops_counting_when_suspended_or_offboarded_and_counts_again_when_reactivated(unit_a, unit_b):
    assert summary()[0].participating == 2
    unit_set_status(unit=unit_a, status=UnitStatus.SUSPENDED)
    assert summary()[0].participating == 1
    unit_set_status(unit=unit_b, status=UnitStatus.OFFBOARDED)
    assert summary()[0].participating == 0
    unit_set_status(unit=unit_a, status=UnitStatus.ACTIVE)
    result, by_kind = summary()
    assert result.participating == 1
    assert by_kind["city with powiat rights"] == 1
    assert by_kind["rural gmina"] == 0


def test_units_by_kind_lists_every_kind_most_units_first(consortium):
    result, by_kind = summary()
    assert by_kind == {
        "rural gmina": 3,  # Lubicz, Bukowiec, Cekcyn (Białe Błota is suspended)
        "urban gmina": 1,  # Chełmża (Chełmno is offboarded, Brodnica being prepared)
        "urban-rural gmina": 1,
        "city with powiat rights": 1,  # Toruń (Bydgoszcz is suspended)
        "powiat": 1,
        "voivodeship": 1,
        "other unit": 1,
    }
    assert sum(by_kind.values()) == result.participating
    # Most units first; ties in the order of UnitKind.
    assert list(by_kind) == [
        "rural gmina",
        "urban gmina",
        "urban-rural gmina",
        "city with powiat rights",
        "powiat",
        "voivodeship",
        "other unit",
    ]


def test_units_by_powiat_most_first_then_by_name_in_polish_order(consortium):
    result, _ = summary()
    assert result.by_powiat == [
        ("powiat toruński", 3),
        (OTHER_UNITS, 2),
        # Ties by name, in Polish alphabetical order: s, ś, t (code-point order would put ś after t).
        ("powiat sępoleński", 1),
        ("powiat świecki", 1),
        ("powiat tucholski", 1),
        ("Toruń", 1),
    ]
    assert sum(units for _, units in result.by_powiat) == result.participating


def test_onboarding_is_a_running_total_by_local_day_of_units_active_today(consortium):
    result, _ = summary()
    assert result.onboarding == [
        (date(2024, 1, 10), 2, 2),
        (date(2024, 2, 1), 2, 4),
        (date(2024, 3, 1), 1, 5),  # 23:30 UTC on 29 February
        (date(2024, 3, 5), 2, 7),
        (date(2024, 4, 2), 1, 8),
        (date(2024, 4, 3), 1, 9),
    ]
    # The suspended (20 January) and offboarded (21 January) units' days are absent.
    assert result.onboarding[-1][2] == result.participating
    assert result.undated == 0


def test_a_resumed_unit_counts_from_when_it_joined(unit_a, unit_b):
    set_activated_at(UNIT_A["code"], utc(2024, 1, 5, 9, 0))
    set_activated_at(UNIT_B["code"], utc(2024, 1, 10, 9, 0))
    unit_a.refresh_from_db()
    unit_set_status(unit=unit_a, status=UnitStatus.SUSPENDED)
    unit_set_status(unit=unit_a, status=UnitStatus.ACTIVE)
    assert summary()[0].onboarding == [(date(2024, 1, 5), 1, 1), (date(2024, 1, 10), 1, 2)]


def test_active_units_without_an_activation_date_count_but_are_not_placed_in_time(unit_a, unit_b):
    set_activated_at(UNIT_A["code"], None)
    result, _ = summary()
    assert result.participating == 2
    assert result.undated == 1
    assert [total for _, _, total in result.onboarding] == [1]


@pytest.mark.parametrize(
    ("target", "percent", "reached"),
    [(100, 9, False), (12, 75, False), (27, 33, False), (9, 100, True), (4, 225, True)],
)
def test_percentage_of_the_target_is_rounded_down(consortium, target, percent, reached):
    result, _ = summary(target)
    assert (result.target, result.percent, result.target_reached) == (target, percent, reached)


def test_no_percentage_without_a_target(unit_a):
    assert summary(0)[0].percent is None


def test_the_summary_is_one_query_however_many_units(consortium, django_assert_num_queries):
    with django_assert_num_queries(1):
        summary()


# --- chart geometry ----------------------------------------------------------------------------------


def test_bar_chart_scales_the_largest_value_to_the_room_left_for_bars():
    chart = bar_chart([("a", 4), ("b", 1), ("c", 0)], width=300, label_width=92, value_room=48, bar_height=20, gap=10)
    assert (chart.width, chart.height, chart.label_x, chart.bar_x, chart.bar_height) == (300, 90, 92, 100, 20)
    # The room for bars is 300 - 100 - 48 = 152.
    assert [(bar.label, bar.value, bar.y, bar.length, bar.value_x) for bar in chart.bars] == [
        ("a", 4, 5.0, 152.0, 258.0),
        ("b", 1, 35.0, 38.0, 144.0),
        ("c", 0, 65.0, 0.0, 106.0),
    ]
    assert [bar.text_y for bar in chart.bars] == [19.9, 49.9, 79.9]  # mid-bar, lowered by 0.35 em


def test_bar_chart_of_nothing_or_only_zeros():
    assert bar_chart([]).bars == [] and bar_chart([]).height == 0
    assert [bar.length for bar in bar_chart([("a", 0), ("b", 0)]).bars] == [0, 0]


def test_step_chart_rises_at_each_date_and_runs_flat_between():
    chart = step_chart(
        [(date(2024, 1, 1), 1), (date(2024, 1, 3), 3), (date(2024, 1, 11), 4)],
        width=140,
        height=120,
        margin_left=20,
        margin_right=20,
        margin_top=20,
        margin_bottom=20,
    )
    # Plot area x 20–120 over 10 days (10 per day); y 100 (zero) to 20, and the axis top is 4.
    assert (chart.left, chart.right, chart.top, chart.bottom) == (20, 120, 20, 100)
    assert [(point.x, point.y) for point in chart.points] == [(20.0, 80.0), (40.0, 40.0), (120.0, 20.0)]
    assert chart.path == "M20.0 100.0 V80.0 H40.0 V40.0 H120.0 V20.0 H120"
    assert [(tick.label, tick.position) for tick in chart.y_ticks] == [
        (0, 100.0),
        (1, 80.0),
        (2, 60.0),
        (3, 40.0),
        (4, 20.0),
    ]
    assert [(tick.label, tick.position, tick.anchor) for tick in chart.x_ticks] == [
        (date(2024, 1, 1), 20.0, "start"),
        (date(2024, 1, 11), 120.0, "end"),
    ]


def test_step_chart_y_axis_ends_on_a_round_number():
    chart = step_chart([(date(2024, 1, 1), 7), (date(2024, 2, 1), 23)])
    assert [tick.label for tick in chart.y_ticks] == [0, 5, 10, 15, 20, 25]
    chart = step_chart([(date(2024, 1, 1), 140)])
    assert [tick.label for tick in chart.y_ticks] == [0, 50, 100, 150]


def test_step_chart_of_one_date_carries_its_value_to_the_right_edge():
    chart = step_chart(
        [(date(2024, 5, 1), 2)], width=140, height=120, margin_left=20, margin_right=20, margin_top=20, margin_bottom=20
    )
    assert chart.path == "M20.0 100.0 V20.0 H120"
    assert [tick.label for tick in chart.x_ticks] == [date(2024, 5, 1)]


def test_step_chart_of_nothing_draws_nothing():
    chart = step_chart([])
    assert (chart.path, chart.points, chart.y_ticks, chart.x_ticks) == ("", [], [], [])


# --- the page ----------------------------------------------------------------------------------------


def page(client, host="localhost", language=None):
    if language:
        client.post("/i18n/setlang/", {"language": language, "next": "/"}, HTTP_HOST=host)
    return client.get("/uczestnictwo/", HTTP_HOST=host)


def row(label, *numbers):
    return f'<th scope="row">{label}</th>' + "".join(f"<td>{number}</td>" for number in numbers)


def test_page_shows_the_numbers_in_tables(client, consortium, settings):
    settings.PARTICIPATION_TARGET = 12
    response = page(client)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="pl">' in body
    assert "<dd>9</dd>" in body and "<dd>12</dd>" in body and "<dd>75%</dd>" in body
    assert '<progress id="participation-progress" max="12" value="9">75%</progress>' in body
    with translation.override("pl"):
        kinds = {kind: str(kind.label) for kind in UnitKind}
    assert row(kinds[UnitKind.GMINA_WIEJSKA], 3) in body
    assert row(kinds[UnitKind.MIASTO_NA_PRAWACH_POWIATU], 1) in body
    assert row("powiat toruński", 3) in body and row("powiat świecki", 1) in body
    assert "powiat bydgoski" not in body and "Bydgoszcz" not in body  # Białe Błota and Bydgoszcz are suspended
    assert row('<time datetime="2024-03-01">1 marca 2024</time>', 1, 5) in body
    assert row('<time datetime="2024-04-03">3 kwietnia 2024</time>', 1, 9) in body


def test_page_charts_are_labelled_images_with_their_numbers_in_text(client, consortium):
    body = page(client, language="en").content.decode()
    assert "<h1>Participation in the platform</h1>" in body
    svgs = re.findall(r"<svg .*?</svg>", body, flags=re.DOTALL)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg
        title_id, desc_id = re.search(r'aria-labelledby="(\S+) (\S+)"', svg).groups()
        assert f'<title id="{title_id}">' in svg and f'<desc id="{desc_id}">' in svg
    assert "rural gmina: 3; urban gmina: 1;" in svgs[0]
    assert "powiat toruński: 3; voivodeship and other units: 2; powiat sępoleński: 1;" in svgs[1]
    assert "10 January 2024: 2; 1 February 2024: 4;" in svgs[2]
    # Each chart is followed by its table, and every number has its definition in words.
    assert body.count("<table") == 3 and body.count('<p class="definition">') == 5
    assert "A unit participates when its e-services are active on the platform" in body


def test_chart_coordinates_keep_a_decimal_point_in_polish(client, consortium):
    body = page(client).content.decode()
    svgs = "".join(re.findall(r"<svg .*?</svg>", body, flags=re.DOTALL))
    assert re.search(r'="\d+\.\d"', svgs)
    assert not re.search(r'="[\d ]*\d,\d', svgs)


def test_page_with_no_participating_unit(client, unit_a, unit_b):
    unit_set_status(unit=unit_a, status=UnitStatus.SUSPENDED)
    unit_set_status(unit=unit_b, status=UnitStatus.OFFBOARDED)
    body = page(client, language="en").content.decode()
    assert "<dd>0</dd>" in body and "<dd>0%</dd>" in body
    assert "<svg" not in body and "No unit uses the platform yet." in body


def test_page_costs_the_same_few_queries_however_many_units(client, unit_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert page(client).status_code == 200
    for number in range(1, 21):
        add_unit(f"INT{number:04d}", UnitKind.OTHER, activated_at=utc(2024, 1, 1) + timedelta(days=number))
    with django_assert_max_num_queries(2) as captured:
        assert page(client).status_code == 200
    assert sum("tenants_tenant" in query["sql"] for query in captured.captured_queries) == 1


def test_page_is_not_served_on_a_unit_subdomain(client, unit_a):
    assert page(client, host="torun.localhost").status_code == 404


def test_portal_home_links_to_the_page(client, unit_a):
    assert 'href="/uczestnictwo/"' in client.get("/", HTTP_HOST="localhost").content.decode()
