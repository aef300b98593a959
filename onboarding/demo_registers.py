"""The demo consortium's public registers: each demo unit keeps the standard registers of its kind and has a few
real-looking records published in several of them — council resolutions, the mayor's orders, a named vote,
contracts, a grant, the budget, procurement, and for the gminas alcohol permits, waste collectors, bus stops,
sports facilities and accommodation — so that `make run` shows them in the office (/urzad/rejestry/), in BIP and
as open data (/dane/). Entered and published through the registers' own services. Loading again adds nothing: a
unit with records is left alone. Every firm and person here is made up (the NIPs only pass the checksum)."""

import datetime

from django.utils import timezone

from shared_services.registers.models import Record, Register
from shared_services.registers.services import record_create, record_publish, registers_adopt_defaults

ACTOR = "load_demo_consortium"
EDITOR = "Katarzyna Zielińska"
YEAR = timezone.localdate().year


def _day(days_ago: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()


def _records(unit) -> dict[str, list[dict]]:
    council = "Rady Gminy" if "Gmina" in unit.name else "Rady"
    records = {
        "uchwaly-rady": [
            {
                "numer": f"LXII/512/{YEAR}",
                "data_podjecia": _day(40),
                "status": "obowiazuje",
                "tytul": f"w sprawie uchwalenia budżetu na rok {YEAR}",
                "przedmiot": "Uchwała budżetowa: dochody, wydatki, deficyt i jego finansowanie, limity zobowiązań.",
                "publikacja": f"Dz. Urz. Woj. Kujawsko-Pomorskiego z {YEAR} r. poz. 412",
                "tekst": "https://bip.example.pl/uchwaly/budzet.pdf",
            },
            {
                "numer": f"LXII/513/{YEAR}",
                "data_podjecia": _day(40),
                "status": "obowiazuje",
                "tytul": f"w sprawie wieloletniej prognozy finansowej na lata {YEAR}–{YEAR + 10}",
                "przedmiot": "Wieloletnia prognoza finansowa wraz z wykazem przedsięwzięć.",
            },
            {
                "numer": f"LXIII/520/{YEAR}",
                "data_podjecia": _day(12),
                "status": "obowiazuje",
                "tytul": "w sprawie przyjęcia programu współpracy z organizacjami pozarządowymi",
                "przedmiot": "Roczny program współpracy z organizacjami pozarządowymi i innymi podmiotami.",
            },
        ],
        "zarzadzenia": [
            {
                "numer": f"45/{YEAR}",
                "data_wydania": _day(30),
                "status": "obowiazuje",
                "tytul": "w sprawie powołania komisji konkursowej do opiniowania ofert",
                "przedmiot": "Powołanie komisji konkursowej w otwartym konkursie ofert na zadania z zakresu sportu.",
            },
            {
                "numer": f"52/{YEAR}",
                "data_wydania": _day(8),
                "status": "obowiazuje",
                "tytul": "w sprawie ustalenia dnia wolnego od pracy dla pracowników urzędu",
                "przedmiot": "Dzień wolny w zamian za święto przypadające w sobotę.",
            },
        ],
        "glosowania-rady": [
            {
                "sesja": f"LXIII sesja {council}",
                "data": _day(12),
                "wynik": "przyjeta",
                "za": 18,
                "przeciw": 2,
                "wstrzymujace": 1,
                "przedmiot": "Projekt uchwały w sprawie przyjęcia programu współpracy z organizacjami pozarządowymi",
                "imiennie_za": "Adam Baran, Beata Czarnecka, Cezary Dąbrowski, Danuta Ellwart, Edward Fijałkowski, "
                "Filomena Górska, Grzegorz Hałas, Halina Iwańska, Irena Jankowska, Jerzy Kamiński, Krystyna Lewandowska, "
                "Leszek Malinowski, Maria Nowicka, Norbert Olszewski, Olga Pawlak, Piotr Rutkowski, Renata Sowa, "
                "Stanisław Tomczak",
                "imiennie_przeciw": "Tadeusz Urban, Urszula Wilk",
                "imiennie_wstrzymujace": "Wiesław Zając",
            },
        ],
        "rejestr-umow": [
            {
                "numer": f"RI.272.15.{YEAR}",
                "data_zawarcia": _day(50),
                "wykonawca": "Drogbud Toruń sp. z o.o.",
                "nip": "9562307688",
                "przedmiot": "Przebudowa ulicy Polnej wraz z chodnikiem i odwodnieniem",
                "kwota": 124_990_000,
                "okres_od": _day(50),
                "okres_do": _day(-120),
                "tryb": "pzp",
            },
            {
                "numer": f"OR.2600.7.{YEAR}",
                "data_zawarcia": _day(20),
                "wykonawca": "Biuro Rachunkowe Saldo Anna Kurek",
                "nip": "8792596543",
                "przedmiot": "Szkolenie pracowników z ustawy o dostępności cyfrowej",
                "kwota": 480_000,
                "okres_od": _day(20),
                "okres_do": _day(5),
                "tryb": "ponizej_progu",
            },
        ],
        "dotacje": [
            {
                "beneficjent": "Uczniowski Klub Sportowy „Orlik”",
                "zadanie": "Szkolenie dzieci i młodzieży w piłce nożnej",
                "kwota": 3_500_000,
                "tryb": "konkurs",
                "data_umowy": _day(25),
                "rok": YEAR,
            },
        ],
        "budzet": [
            {
                "rok": YEAR,
                "rodzaj": "wydatki",
                "dzial": "600",
                "rozdzial": "60016",
                "nazwa": "Drogi publiczne gminne",
                "plan": 1_520_000_000,
                "wykonanie": 612_345_600,
                "stan_na": _day(60),
            },
            {
                "rok": YEAR,
                "rodzaj": "dochody",
                "dzial": "756",
                "rozdzial": "75615",
                "nazwa": "Wpływy z podatku od nieruchomości",
                "plan": 2_100_000_000,
                "wykonanie": 1_010_230_000,
                "stan_na": _day(60),
            },
        ],
        "zamowienia-publiczne": [
            {
                "wpis": "plan",
                "przedmiot": "Budowa sali gimnastycznej przy szkole podstawowej",
                "rodzaj_zamowienia": "roboty",
                "tryb": "podstawowy",
                "wartosc": 450_000_000,
                "termin": f"III kwartał {YEAR}",
            },
            {
                "wpis": "ogloszenie",
                "identyfikator": f"{YEAR}/BZP 00123456/01",
                "przedmiot": "Dostawa energii elektrycznej do obiektów gminnych",
                "rodzaj_zamowienia": "dostawy",
                "tryb": "nieograniczony",
                "wartosc": 98_000_000,
                "termin": _day(3),
                "link": "https://ezamowienia.gov.pl/mp-client/search/list/ocds-148610-demo",
            },
        ],
    }
    if unit.kind in ("powiat", "wojewodztwo"):
        return records
    records |= {
        "zezwolenia-alkohol": [
            {
                "numer": f"SO.7340.12.{YEAR}",
                "data_wydania": _day(35),
                "przedsiebiorca": "Delikatesy Pod Ratuszem sp. z o.o.",
                "nip": "5260250274",
                "adres_punktu": "ul. Szeroka 12",
                "rodzaj": "A",
                "miejsce_spozycia": "poza",
                "wazne_od": _day(30),
                "wazne_do": f"{YEAR + 7}-12-31",
            },
            {
                "numer": f"SO.7340.13.{YEAR}",
                "data_wydania": _day(10),
                "przedsiebiorca": "Restauracja Stara Łaźnia Jan Mróz",
                "nip": "8792596543",
                "adres_punktu": "ul. Łazienna 3",
                "rodzaj": "B",
                "miejsce_spozycia": "w_miejscu",
                "wazne_od": _day(5),
                "wazne_do": f"{YEAR + 4}-12-31",
            },
        ],
        "odbior-odpadow": [
            {
                "numer_rejestrowy": f"3/{YEAR}",
                "data_wpisu": _day(90),
                "przedsiebiorca": "EkoWywóz sp. z o.o.",
                "nip": "9562307688",
                "regon": "123456785",
                "adres": "ul. Przemysłowa 8, 87-100 Toruń",
                "odpady": "20 03 01, 15 01 01, 15 01 02, 15 01 07, 20 01 08, 20 02 01",
                "status": "aktywny",
            },
        ],
        "obiekty-hotelarskie": [
            {
                "numer": f"2/{YEAR}",
                "nazwa": "Agroturystyka Pod Lipami",
                "rodzaj": "agroturystyka",
                "adres": "Grabowiec 14",
                "prowadzacy": "Maria i Tomasz Lipscy",
                "miejsca": 12,
                "data_wpisu": _day(70),
            },
        ],
        "obiekty-sportowe": [
            {
                "nazwa": "Kompleks boisk „Moje Boisko – Orlik 2012”",
                "rodzaj": "boisko",
                "adres": "ul. Szkolna 5",
                "zarzadca": "Gminny Ośrodek Sportu i Rekreacji",
                "godziny": "pn.–pt. 8:00–21:00, sob.–nd. 10:00–20:00",
                "dostepny": True,
                "szerokosc": 53.0345,
                "dlugosc": 18.7489,
            },
        ],
        "przystanki": [
            {
                "kod": "L01",
                "nazwa": "Lubicz Dolny – szkoła",
                "ulica": "ul. Toruńska (DK 10)",
                "kierunek": "Toruń",
                "szerokosc": 53.0321,
                "dlugosc": 18.7512,
                "wiata": True,
                "zarzadca": "Gmina Lubicz",
            },
            {
                "kod": "L02",
                "nazwa": "Lubicz Dolny – szkoła",
                "ulica": "ul. Toruńska (DK 10)",
                "kierunek": "Golub-Dobrzyń",
                "szerokosc": 53.0324,
                "dlugosc": 18.7519,
                "wiata": False,
                "zarzadca": "Gmina Lubicz",
            },
            {
                "kod": "G01",
                "nazwa": "Grabowiec – kościół",
                "ulica": "ul. Kościelna",
                "kierunek": "Lubicz",
                "szerokosc": 53.0412,
                "dlugosc": 18.7021,
                "wiata": True,
                "zarzadca": "Gmina Lubicz",
            },
        ],
    }
    return records


def demo_registers_load(*, unit) -> int:
    """In the current schema of `unit`: its registers, and demo records published in them; returns how many."""
    registers_adopt_defaults(unit_kind=unit.kind)
    if Record.objects.exists():
        return 0
    produced_by = f"Urząd – {unit.name}"
    count = 0
    for slug, entries in _records(unit).items():
        register = Register.objects.filter(slug=slug).first()
        if register is None:
            continue
        for data in entries:
            record = record_create(
                register=register,
                data=data,
                produced_by=produced_by,
                produced_on=timezone.localdate() - datetime.timedelta(days=1),
                actor=ACTOR,
            )
            record_publish(record=record, actor=ACTOR, entered_by=EDITOR)
            count += 1
    return count
