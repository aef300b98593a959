import pytest

from onboarding.slugs import polish_slug
from onboarding.terc import units_by_code
from tenants.codes import schema_name_for_code, validate_unit_code
from tenants.models import UnitKind
from tests.support.validation import refusal


@pytest.mark.parametrize("code", ["04", "0415", "0463011", "0415042", "3201033", "1465011", "INT0001"])
def test_unit_codes_accepted(code):
    validate_unit_code(code)


@pytest.mark.parametrize(
    "code, reason",
    [
        ("0415044", "terc_rodz"),  # the town part of an urban-rural gmina is not a unit
        ("1465088", "terc_rodz"),  # a district of Warsaw is not a unit
        ("03", "terc_woj"),  # voivodeship codes are even
        ("34", "terc_woj"),
        ("0400", "terc_pow"),
        ("0415002", "terc_gmi"),
        ("041504", "unit_code_format"),
        ("04150421", "unit_code_format"),
        ("torun", "unit_code_format"),
        ("INT1", "unit_code_format"),
    ],
)
def test_unit_codes_rejected_with_reason(code, reason):
    assert refusal(validate_unit_code, code).code == reason


def test_schema_names_follow_the_code():
    assert schema_name_for_code("0463011") == "jst_0463011"
    assert schema_name_for_code("INT0001") == "jst_int0001"


def test_terc_register_lists_every_unit_of_poland():
    units = units_by_code()
    kinds = [unit.kind for unit in units.values()]
    assert kinds.count(UnitKind.WOJEWODZTWO) == 16
    assert kinds.count(UnitKind.POWIAT) == 314
    assert kinds.count(UnitKind.MIASTO_NA_PRAWACH_POWIATU) == 66
    gminas = [k for k in kinds if k not in (UnitKind.WOJEWODZTWO, UnitKind.POWIAT)]
    assert len(gminas) == 2477
    for code in units:
        validate_unit_code(code)


def test_terc_kinds_and_parents():
    units = units_by_code()
    assert units["0463011"].kind == UnitKind.MIASTO_NA_PRAWACH_POWIATU
    assert units["0463011"].parent_code == "04"
    assert units["0463011"].official_name == "Miasto Toruń"
    assert units["0415042"].kind == UnitKind.GMINA_WIEJSKA
    assert units["0415042"].parent_code == "0415"
    assert units["0415"].official_name == "Powiat toruński"
    assert units["04"].official_name == "Województwo kujawsko-pomorskie"
    assert "0463" not in units  # the powiat row of Toruń is the same unit as 0463011
    assert "3201034" not in units and "3201033" in units  # Karlino: the town part is not a unit


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Łódź", "lodz"),
        ("Świdnik", "swidnik"),
        ("Żółkiewka", "zolkiewka"),
        ("Wielka Nieszawka", "wielka-nieszawka"),
        ("ŁĘCZYCA", "leczyca"),
    ],
)
def test_polish_slugs(name, slug):
    assert polish_slug(name) == slug
