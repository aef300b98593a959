"""Search quality: what residents really type, with and without diacritics, inflected, must find the service.

Each query names the service that must come first, and optionally services that must be among the first three.
"""

import pytest
from django_tenants.utils import tenant_context

from shared_services.catalogue.search import fold, query_words
from shared_services.catalogue.selectors import regional_search
from shared_services.offer.selectors import service_search

pytestmark = pytest.mark.django_db

# (query, the service that must be the first result)
FIRST_RESULT = [
    ("zaswiadczenie o zameldowaniu", "zaswiadczenie-o-zameldowaniu"),
    ("zaświadczenie o zameldowaniu", "zaswiadczenie-o-zameldowaniu"),
    ("ZAŚWIADCZENIE O ZAMELDOWANIU", "zaswiadczenie-o-zameldowaniu"),
    ("dowód osobisty", "wydanie-dowodu-osobistego"),
    ("dowodu osobistego", "wydanie-dowodu-osobistego"),
    ("zgubiłem dowód", "zgloszenie-utraty-lub-uszkodzenia-dowodu-osobistego"),
    ("podatek od nieruchomosci", "podatek-od-nieruchomosci"),
    ("podatku rolnego", "podatek-rolny"),
    ("podatek lesny", "podatek-lesny"),
    ("zwrot akcyzy", "zwrot-podatku-akcyzowego-rolnicy"),
    ("wycinka drzewa", "zezwolenie-na-usuniecie-drzew-lub-krzewow"),
    ("usunięcie drzew", "zezwolenie-na-usuniecie-drzew-lub-krzewow"),
    ("zezwolenie na alkohol", "zezwolenie-na-sprzedaz-napojow-alkoholowych"),
    ("rejestracja samochodu", "rejestracja-pojazdu"),
    ("prawo jazdy", "wydanie-prawa-jazdy"),
    ("wyprowadzka", "wymeldowanie"),
    ("odpis aktu urodzenia", "odpis-aktu-stanu-cywilnego"),
    ("slub", "zapewnienie-o-braku-przeszkod-do-zawarcia-malzenstwa"),
    ("informacja publiczna", "dostep-do-informacji-publicznej"),
    ("dodatek mieszkaniowy", "dodatek-mieszkaniowy"),
    ("karta duzej rodziny", "karta-duzej-rodziny"),
    ("deklaracja smieci", "deklaracja-oplaty-za-gospodarowanie-odpadami"),
    ("warunki zabudowy", "decyzja-o-warunkach-zabudowy"),
    ("pozwolenie na budowe", "pozwolenie-na-budowe"),
    ("karta wedkarska", "karta-wedkarska"),
    ("karta parkingowa", "karta-parkingowa"),
    ("zgon", "rejestracja-zgonu"),
    ("zmiana nazwiska", "zmiana-imienia-lub-nazwiska"),
]

# Search that forgives (issue 16): typing mistakes, colloquial names and queries without diacritics.
FORGIVING_FIRST_RESULT = [
    ("zameldowanei", "zameldowanie-na-pobyt-staly"),
    ("zameldowanie", "zameldowanie-na-pobyt-staly"),
    ("zamledowanie", "zameldowanie-na-pobyt-staly"),
    ("meldunek", "zameldowanie-na-pobyt-staly"),
    ("slub", "zapewnienie-o-braku-przeszkod-do-zawarcia-malzenstwa"),
    ("ślub w usc", "zapewnienie-o-braku-przeszkod-do-zawarcia-malzenstwa"),
    ("dowod osobity", "wydanie-dowodu-osobistego"),
    ("dowód osobsity", "wydanie-dowodu-osobistego"),
    ("smieci", "deklaracja-oplaty-za-gospodarowanie-odpadami"),
    ("wywoz smieci", "deklaracja-oplaty-za-gospodarowanie-odpadami"),
    ("podatek od nieruchomosic", "podatek-od-nieruchomosci"),
    ("wycinka drzwe", "zezwolenie-na-usuniecie-drzew-lub-krzewow"),
    ("karta wedkarksa", "karta-wedkarska"),
    ("rejestarcja samochodu", "rejestracja-pojazdu"),
    ("wuzetka", "decyzja-o-warunkach-zabudowy"),
    ("koperta dla niepelnosprawnych", "karta-parkingowa"),
    ("becikowe", "jednorazowa-zapomoga-z-tytulu-urodzenia-dziecka"),
    ("bcikowe", "jednorazowa-zapomoga-z-tytulu-urodzenia-dziecka"),
    ("zapomoga porodowa", "jednorazowa-zapomoga-z-tytulu-urodzenia-dziecka"),
]

# (query, a service that must be among the first three)
IN_TOP_THREE = [
    ("meldunek", "zameldowanie-na-pobyt-staly"),
    ("wymeldowanie", "wymeldowanie"),
    ("akt zgonu", "odpis-aktu-stanu-cywilnego"),
    ("akt zgonu", "rejestracja-zgonu"),
    ("przeprowadzka", "zameldowanie-na-pobyt-staly"),
    ("firma", "wpis-do-ceidg"),
    ("niezaleganie w podatkach", "zaswiadczenie-o-niezaleganiu-w-podatkach-lokalnych"),
]


@pytest.fixture
def torun(full_catalogue, unit_a):
    with tenant_context(unit_a):
        yield


def slugs(results):
    return [result.slug for result in results]


@pytest.mark.parametrize("query, expected", FIRST_RESULT)
def test_the_expected_service_comes_first(torun, query, expected):
    assert slugs(service_search(query))[:1] == [expected]


@pytest.mark.parametrize("query, expected", FORGIVING_FIRST_RESULT)
def test_a_typing_mistake_a_colloquial_name_or_missing_diacritics_still_find_the_service_first(torun, query, expected):
    assert slugs(service_search(query))[:1] == [expected]


@pytest.mark.parametrize("query, expected", FORGIVING_FIRST_RESULT)
def test_the_regional_search_forgives_the_same_way(full_catalogue, query, expected):
    assert [result.standard_slug for result in regional_search(query)][:1] == [expected]


@pytest.mark.parametrize("query, expected", IN_TOP_THREE)
def test_the_expected_service_is_among_the_first_three(torun, query, expected):
    assert expected in slugs(service_search(query))[:3]


def test_there_are_at_least_twenty_real_queries():
    assert len(FIRST_RESULT) + len(IN_TOP_THREE) >= 20


def test_a_service_the_unit_does_not_offer_is_not_found(full_catalogue, unit_b):
    with tenant_context(unit_b):  # a rural gmina registers no vehicles (the powiat does)
        assert "rejestracja-pojazdu" not in slugs(service_search("rejestracja pojazdu"))


def test_typing_mistakes_are_forgiven_word_by_word_not_inside_longer_words(torun):
    # The seed has no card about dogs: "pies" must not find "prawo jazdy pierwszy raz" by its first letters.
    assert service_search("pies") == []


def test_nothing_searchable_finds_nothing(torun):
    assert service_search("   ") == [] and service_search("?!*:&|") == []


def test_words_are_folded_and_function_words_dropped():
    assert fold("Źdźbło ŁÓDŹ") == "zdzblo lodz"
    assert query_words("Zaświadczenie o niezaleganiu w podatkach") == ["zaswiadczenie", "niezaleganiu", "podatkach"]


def test_regional_search_names_the_units_offering_each_service(full_catalogue, unit_a, unit_b):
    results = {result.standard_slug: result for result in regional_search("rejestracja pojazdu")}
    assert [unit.slug for unit in results["rejestracja-pojazdu"].units] == ["torun"]
    results = {result.standard_slug: result for result in regional_search("dowod osobisty")}
    assert {unit.slug for unit in results["wydanie-dowodu-osobistego"].units} == {"torun", "lubicz"}


def test_regional_search_finds_a_units_own_service_under_that_unit_only(full_catalogue, unit_a, unit_b):
    from shared_services.offer.models import UnitService
    from shared_services.offer.services import unit_service_save

    with tenant_context(unit_a):
        service = unit_service_save(
            service=UnitService(
                slug="wynajem-sali", name="Wynajem sali w ratuszu", short_description="Sala na 50 osób."
            )
        )
    [result] = [result for result in regional_search("wynajem sali") if result.standard_slug is None]
    assert [unit.slug for unit in result.units] == ["torun"] and result.path == "uslugi-lokalne/wynajem-sali/"
    with tenant_context(unit_a):
        service.enabled = False
        unit_service_save(service=service)
    assert not [result for result in regional_search("wynajem sali") if result.standard_slug is None]
