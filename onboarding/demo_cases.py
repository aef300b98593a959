"""The demo consortium's correspondence: each demo office gets some twenty applications from residents of its own
localities, filed and worked through the platform's own services — intake with its register numbers and signed
receipts, then registering, assigning, forwarding, notes, requests, replies, answers, paper letters, fees paid at
the office and closing, with the demo staff as actors — so that the start page, the inbox, the audit trail and
"my cases" look like a working office's on `make run`.

Applications are received over the last six weeks (intake's `received_at`, which only this loader backdates);
what the staff do happens now, as it really does when the demo is loaded. Each application's form carries a
fixed token (its idempotency key), so loading the demo again files nothing twice: a scenario whose application
is already there is skipped whole.

Every person, address and PESEL here is made up (the PESELs only have a valid check digit).
"""

import datetime
import io
import random
import unicodedata
import uuid
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from platform_core.pdf_fonts import FONT, pdf_fonts_register
from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.models import Submission
from shared_services.identity.services import account_sync
from shared_services.inbox.case_services import case_assign, case_close, case_forward, case_register, case_write
from shared_services.inbox.correspondence import AlreadyReceived, answer_receive, letter_register
from shared_services.inbox.entry_files import IncomingFile
from shared_services.inbox.models import Case, CaseNote, CaseStatus, Channel
from shared_services.offer.selectors import STANDARD, service_to_file_get
from shared_services.payments.services import application_receive_with_fee, payment_mark_paid_at_office
from shared_services.staff.models import Department

# The demo's documents are told apart from everything else by this namespace (uuid5 of unit and scenario).
DEMO_NAMESPACE = uuid.UUID("5b0e7a52-6a53-4c1e-9d3e-2f4a1d6c9e01")
EMAIL_DOMAINS = ("poczta.example", "skrzynka.example", "mail.example")

# --- Where the residents live ---------------------------------------------------------------------------------

# (locality, postal code, streets); a village without streets has its name and a house number as its address.
PLACES = {
    "0463011": [  # Miasto Toruń
        ("Toruń", "87-100", ["ul. Szeroka", "ul. Chełmińska", "ul. Mostowa", "ul. Kopernika"]),
        ("Toruń", "87-100", ["ul. Mickiewicza", "ul. Kościuszki", "ul. Legionów", "ul. Bydgoska"]),
        ("Toruń", "87-100", ["ul. Gagarina", "ul. Szosa Chełmińska", "ul. Grudziądzka", "ul. Lelewela"]),
    ],
    "0461011": [  # Miasto Bydgoszcz
        ("Bydgoszcz", "85-000", ["ul. Gdańska", "ul. Dworcowa", "ul. Focha", "ul. Jagiellońska"]),
        ("Bydgoszcz", "85-000", ["ul. Fordońska", "ul. Kujawska", "ul. Grunwaldzka", "ul. Szubińska"]),
        ("Bydgoszcz", "85-000", ["ul. Nakielska", "ul. Toruńska", "ul. Wojska Polskiego", "ul. Glinki"]),
    ],
    "0415042": [  # Gmina Lubicz
        ("Lubicz Dolny", "87-162", ["ul. Toruńska", "ul. Szkolna", "ul. Lipowa"]),
        ("Lubicz Górny", "87-162", ["ul. Leśna", "ul. Warszawska", "ul. Zdrojowa"]),
        ("Grębocin", "87-162", ["ul. Długa", "ul. Szkolna", "ul. Przy Lesie"]),
        ("Złotoria", "87-134", ["ul. Kwiatowa", "ul. Nad Drwęcą"]),
        ("Krobia", "87-162", []),
        ("Gronowo", "87-162", []),
    ],
    "0415": [  # Powiat toruński
        ("Chełmża", "87-140", ["ul. Hallera", "ul. Paderewskiego", "ul. Sądowa"]),
        ("Łysomice", "87-148", ["ul. Warszawska", "ul. Toruńska"]),
        ("Obrowo", "87-126", ["ul. Głowackiego", "ul. Kościelna"]),
        ("Zławieś Wielka", "87-134", ["ul. Handlowa", "ul. Toruńska"]),
        ("Wielka Nieszawka", "87-165", ["ul. Toruńska", "ul. Mickiewicza"]),
        ("Czernikowo", "87-125", ["ul. Słowackiego", "ul. Kolejowa"]),
    ],
    "04": [  # Województwo kujawsko-pomorskie
        ("Toruń", "87-100", ["ul. Szosa Lubicka", "ul. Wały gen. Sikorskiego"]),
        ("Bydgoszcz", "85-000", ["ul. Jagiellońska", "ul. Fordońska"]),
        ("Włocławek", "87-800", ["ul. Kilińskiego", "ul. Brzeska"]),
        ("Grudziądz", "86-300", ["ul. Chełmińska", "ul. Legionów"]),
        ("Inowrocław", "88-100", ["ul. Królowej Jadwigi", "ul. Solankowa"]),
        ("Brodnica", "87-300", ["ul. Sądowa", "ul. Mostowa"]),
    ],
}
# Real postal codes of the cities vary by street; these are plausible ones.
CITY_CODES = {"Toruń": ["87-100", "87-100", "87-118", "87-106"], "Bydgoszcz": ["85-009", "85-023", "85-796", "85-124"]}

WOMEN = [
    ("Maria", "Wiśniewska"), ("Katarzyna", "Wójcik"), ("Małgorzata", "Kamińska"), ("Agnieszka", "Lewandowska"),
    ("Barbara", "Zielińska"), ("Ewa", "Szymańska"), ("Krystyna", "Woźniak"), ("Magdalena", "Dąbrowska"),
    ("Joanna", "Kozłowska"), ("Aleksandra", "Jankowska"), ("Zofia", "Mazur"), ("Monika", "Kwiatkowska"),
    ("Natalia", "Krawczyk"), ("Elżbieta", "Piotrowska"), ("Dorota", "Grabowska"), ("Halina", "Pawłowska"),
]  # fmt: skip
MEN = [
    ("Piotr", "Zając"), ("Krzysztof", "Król"), ("Andrzej", "Wieczorek"), ("Tomasz", "Jabłoński"),
    ("Paweł", "Wróbel"), ("Michał", "Nowakowski"), ("Marcin", "Majewski"), ("Stanisław", "Olszewski"),
    ("Jakub", "Stępień"), ("Grzegorz", "Malinowski"), ("Łukasz", "Jaworski"), ("Wojciech", "Adamczyk"),
    ("Józef", "Dudek"), ("Mateusz", "Górski"), ("Rafał", "Pawlak"), ("Zbigniew", "Sikora"),
]  # fmt: skip


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    street: str
    postal_code: str
    locality: str
    email: str
    phone: str
    pesel: str
    account: object = None  # the local account of a demo resident who signs in; None for the others

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L")).encode("ascii", "ignore").decode()


def _pesel(rng: random.Random, *, female: bool) -> str:
    """A made-up PESEL with a valid check digit: born 1950–2004, the sex digit even for women."""
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(55 * 365))
    month = born.month + (20 if born.year >= 2000 else 0)
    serial = f"{rng.randrange(1000):03d}{rng.randrange(0, 10, 2) + (0 if female else 1)}"
    digits = f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial}"
    check = (10 - sum(int(d) * w for d, w in zip(digits, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), strict=True)) % 10) % 10
    return digits + str(check)


def _address(rng: random.Random, unit_code: str) -> tuple[str, str, str]:
    locality, postal_code, streets = rng.choice(PLACES[unit_code])
    postal_code = rng.choice(CITY_CODES.get(locality, [postal_code]))
    if not streets:
        return f"{locality} {rng.randrange(1, 120)}", postal_code, locality
    flat = f"/{rng.randrange(1, 40)}" if rng.random() < 0.4 else ""
    return f"{rng.choice(streets)} {rng.randrange(1, 90)}{flat}", postal_code, locality


def demo_people(unit_code: str, residents: dict[str, tuple[str, str, object]]) -> tuple[list[Person], dict]:
    """The unit's made-up applicants (the same ones at every load), and the two demo residents who sign in
    (`residents`: username → (first name, last name, local account)), each with an address in the unit."""
    rng = random.Random(f"ratusz-demo-{unit_code}")
    pairs = [(first, last, True) for first, last in WOMEN] + [(first, last, False) for first, last in MEN]
    rng.shuffle(pairs)

    def person(first, last, female, email=None, account=None):
        street, postal_code, locality = _address(rng, unit_code)
        phone = f"+48 {rng.choice('5678')}{rng.randrange(10, 99)} {rng.randrange(100, 999)} {rng.randrange(100, 999)}"
        email = email or f"{_ascii(first).lower()}.{_ascii(last).lower()}@{rng.choice(EMAIL_DOMAINS)}"
        return Person(first, last, street, postal_code, locality, email, phone, _pesel(rng, female=female), account)

    people = [person(first, last, female) for first, last, female in pairs]
    demo = {
        username: person(first, last, first.endswith("a"), account.email, account)
        for username, (first, last, account) in residents.items()
    }
    return people, demo


# --- What they ask for ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Matter:
    """One standard service as the demo uses it: the department that handles it, the application's title and
    text, what the office may ask for, its reply and how the case ends."""

    department: str
    title: str
    text: str
    missing: str
    reply: str
    resolution: str
    archival_category: str = "B5"


MATTERS = {
    "zaswiadczenie-o-zameldowaniu": Matter(
        "SO", "Zaświadczenie o zameldowaniu na pobyt stały",
        "Proszę o wydanie zaświadczenia o zameldowaniu na pobyt stały pod obecnym adresem. Zaświadczenie jest mi "
        "potrzebne do banku w związku z wnioskiem o kredyt hipoteczny.",
        "pełnomocnictwa, jeżeli zaświadczenie ma odebrać inna osoba",
        "Zaświadczenie o zameldowaniu zostało wydane i wysłane na podany adres.", "Wydano zaświadczenie."
    ),
    "dostep-do-informacji-publicznej": Matter(
        "SO", "Informacja publiczna",
        "Proszę o udostępnienie wykazu umów zawartych przez urząd w 2025 roku na remonty dróg, z kwotami i nazwami "
        "wykonawców, w formie elektronicznej.",
        "doprecyzowania, za jaki okres ma obejmować wykaz",
        "W załączeniu przesyłamy wykaz umów zawartych w 2025 roku na remonty dróg.", "Informację udostępniono.",
        "A",
    ),
    "deklaracja-oplaty-za-gospodarowanie-odpadami": Matter(
        "FN", "Zmiana deklaracji – odpady komunalne",
        "Od 1 marca pod moim adresem mieszkają cztery osoby zamiast trzech (urodziło się dziecko). Składam nową "
        "deklarację o wysokości opłaty za gospodarowanie odpadami komunalnymi.",
        "podpisanej deklaracji DO-1 według wzoru z uchwały rady gminy",
        "Deklarację przyjęto; nowa wysokość opłaty obowiązuje od marca.", "Deklarację przyjęto."
    ),
    "zameldowanie-na-pobyt-staly": Matter(
        "SO", "Zameldowanie na pobyt stały", "", "potwierdzenia pobytu podpisanego przez właściciela lokalu",
        "Zameldowano Panią/Pana na pobyt stały; zaświadczenie o zameldowaniu wysłano pocztą.",
        "Zameldowano na pobyt stały.", "A",
    ),
    "odpis-aktu-stanu-cywilnego": Matter(
        "SO", "Odpis skrócony aktu urodzenia",
        "Proszę o wydanie odpisu skróconego mojego aktu urodzenia, potrzebnego do wyrobienia paszportu.",
        "wskazania miejsca sporządzenia aktu, jeżeli urodzenie zarejestrowano w innym urzędzie",
        "Odpis skrócony aktu urodzenia wysłano listem poleconym.", "Wydano odpis skrócony aktu urodzenia.", "A",
    ),
    "zaswiadczenie-o-niezaleganiu-w-podatkach-lokalnych": Matter(
        "FN", "Zaświadczenie o niezaleganiu w podatkach",
        "Proszę o wydanie zaświadczenia o niezaleganiu w podatku od nieruchomości – do przetargu.",
        "numeru nieruchomości lub konta podatkowego",
        "Zaświadczenie o niezaleganiu wydano.", "Wydano zaświadczenie o niezaleganiu."
    ),
    "karta-duzej-rodziny": Matter(
        "SO", "Karta Dużej Rodziny dla rodziny z trojgiem dzieci",
        "Wnoszę o przyznanie Karty Dużej Rodziny dla mnie, małżonka i trojga dzieci (lat 4, 9 i 13).",
        "zaświadczenia ze szkoły o kontynuowaniu nauki przez najstarsze dziecko",
        "Karty Dużej Rodziny zamówiono; odbiór w urzędzie po otrzymaniu SMS-a.", "Przyznano Kartę Dużej Rodziny."
    ),
    "dodatek-mieszkaniowy": Matter(
        "SO", "Dodatek mieszkaniowy",
        "Wnoszę o przyznanie dodatku mieszkaniowego. Mieszkam sama w lokalu o powierzchni 38 m², mój dochód to "
        "emerytura w wysokości 2480 zł miesięcznie.",
        "deklaracji o dochodach za ostatnie trzy miesiące i zaświadczenia zarządcy o wydatkach na lokal",
        "Decyzją przyznano dodatek mieszkaniowy na sześć miesięcy.", "Decyzja: przyznano dodatek mieszkaniowy.",
        "B10",
    ),
    "zezwolenie-na-usuniecie-drzew-lub-krzewow": Matter(
        "GP", "", "", "zgody współwłaściciela nieruchomości", "Wydano zezwolenie na usunięcie drzewa.",
        "Decyzja: zezwolono na usunięcie drzewa.", "B10",
    ),
    "zgloszenie-zamiaru-usuniecia-drzewa": Matter(
        "GP", "", "", "rysunku z zaznaczeniem położenia drzewa na działce",
        "Organ nie wniósł sprzeciwu; drzewo można usunąć.", "Nie wniesiono sprzeciwu.",
    ),
    "wydanie-dowodu-osobistego": Matter(
        "SO", "Wydanie dowodu osobistego",
        "Proszę o wydanie nowego dowodu osobistego w związku z upływem terminu ważności obecnego.",
        "aktualnej fotografii spełniającej wymagania",
        "Dowód osobisty jest do odbioru w urzędzie.", "Wydano dowód osobisty.",
    ),
    "udostepnienie-danych-z-rejestru-pesel": Matter(
        "SO", "Udostępnienie adresu dłużnika",
        "Jako wierzyciel proszę o udostępnienie aktualnego adresu zameldowania dłużnika. Interes prawny wykazuję "
        "wyrokiem sądu rejonowego, którego kopię załączam.",
        "kopii tytułu wykonawczego potwierdzającego interes prawny",
        "Udostępniono dane adresowe z rejestru mieszkańców.", "Udostępniono dane.",
    ),
    "zmiana-imienia-lub-nazwiska": Matter(
        "SO", "Zmiana nazwiska",
        "Wnoszę o zmianę nazwiska na nazwisko panieńskie matki. Używam go od lat w życiu zawodowym.",
        "dokumentów potwierdzających używanie wnioskowanego nazwiska",
        "Wydano decyzję o zmianie nazwiska.", "Decyzja: zmieniono nazwisko.", "A",
    ),
    "najem-lokalu-z-mieszkaniowego-zasobu-gminy": Matter(
        "SO", "Najem lokalu z zasobu gminy",
        "Proszę o wpisanie na listę osób oczekujących na najem lokalu komunalnego. Mieszkam z dwójką dzieci w jednym "
        "pokoju u rodziców.",
        "oświadczenia o dochodach wszystkich członków gospodarstwa domowego",
        "Wniosek zakwalifikowano; wpisano na listę na rok bieżący.", "Wpisano na listę najmu.",
    ),
    "ulga-w-splacie-zobowiazan-podatkowych": Matter(
        "FN", "Rozłożenie podatku na raty",
        "Z powodu choroby i utraty pracy wnoszę o rozłożenie na sześć rat zaległości w podatku od nieruchomości.",
        "zaświadczenia z urzędu pracy i dokumentów o wydatkach na leczenie",
        "Decyzją rozłożono zaległość na sześć rat.", "Decyzja: rozłożono na raty.",
    ),
    "wymeldowanie": Matter(
        "SO", "Wymeldowanie z pobytu stałego",
        "Wymeldowuję się z pobytu stałego w związku z przeprowadzką za granicę.",
        "dowodu osobistego do wglądu",
        "Wymeldowano z pobytu stałego.", "Wymeldowano.",
    ),
    "zajecie-pasa-drogowego-droga-gminna": Matter(
        "GP", "Zajęcie pasa drogowego pod kontener na gruz",
        "Proszę o zezwolenie na zajęcie 10 m² pobocza drogi gminnej przed moją posesją na ustawienie kontenera na "
        "gruz przez 14 dni w czasie remontu domu.",
        "projektu organizacji ruchu",
        "Wydano zezwolenie na zajęcie pasa drogowego; opłata zostanie naliczona decyzją.",
        "Decyzja: zezwolono na zajęcie pasa drogowego.",
    ),
    "nadanie-numeru-porzadkowego": Matter(
        "GP", "Nadanie numeru porządkowego nowemu domowi",
        "Proszę o nadanie numeru porządkowego budynkowi mieszkalnemu wybudowanemu na mojej działce.",
        "mapy z zaznaczonym budynkiem",
        "Nadano numer porządkowy; zawiadomienie wysłano pocztą.", "Nadano numer porządkowy.", "A",
    ),
    "podatek-rolny": Matter(
        "FN", "Informacja IR-1 o gruntach rolnych",
        "Składam informację o gruntach rolnych w związku z zakupem 2,4 ha ziemi ornej.",
        "kopii aktu notarialnego zakupu gruntu",
        "Informację przyjęto; decyzja wymiarowa zostanie doręczona.", "Informację przyjęto.",
    ),
    "zaswiadczenie-o-przeznaczeniu-dzialki": Matter(
        "GP", "Zaświadczenie o przeznaczeniu działki w planie",
        "Proszę o zaświadczenie o przeznaczeniu działki nr 112/3 w miejscowym planie zagospodarowania przestrzennego.",
        "numeru obrębu ewidencyjnego",
        "Zaświadczenie wydano.", "Wydano zaświadczenie.",
    ),
    "rejestracja-pojazdu": Matter(
        "SO", "Rejestracja samochodu sprowadzonego z Niemiec",
        "Proszę o rejestrację samochodu osobowego Volkswagen Golf (2017) sprowadzonego z Niemiec.",
        "dowodu opłacenia akcyzy i tłumaczenia niemieckiego dowodu rejestracyjnego",
        "Pojazd zarejestrowano; dowód rejestracyjny do odbioru.", "Zarejestrowano pojazd.",
    ),
    "wyrejestrowanie-pojazdu": Matter(
        "SO", "Wyrejestrowanie pojazdu po demontażu",
        "Wnoszę o wyrejestrowanie samochodu oddanego do stacji demontażu.",
        "zaświadczenia o demontażu pojazdu",
        "Pojazd wyrejestrowano decyzją.", "Decyzja: wyrejestrowano pojazd.",
    ),
    "profil-kandydata-na-kierowce": Matter(
        "SO", "Profil kandydata na kierowcę kat. B",
        "Proszę o wygenerowanie profilu kandydata na kierowcę kategorii B.",
        "orzeczenia lekarskiego o braku przeciwwskazań",
        "Wygenerowano profil kandydata na kierowcę.", "Wygenerowano PKK.",
    ),
    "wydanie-prawa-jazdy": Matter(
        "SO", "Wymiana prawa jazdy",
        "Proszę o wymianę prawa jazdy w związku ze zmianą nazwiska.",
        "aktualnej fotografii",
        "Prawo jazdy zamówiono; odbiór po powiadomieniu.", "Wydano prawo jazdy.",
    ),
    "karta-parkingowa": Matter(
        "SO", "Karta parkingowa",
        "Wnoszę o wydanie karty parkingowej. Posiadam orzeczenie o znacznym stopniu niepełnosprawności (05-R).",
        "kopii orzeczenia o stopniu niepełnosprawności",
        "Karta parkingowa jest do odbioru.", "Wydano kartę parkingową.",
    ),
    "orzeczenie-o-niepelnosprawnosci": Matter(
        "SO", "Orzeczenie o stopniu niepełnosprawności",
        "Wnoszę o wydanie orzeczenia o stopniu niepełnosprawności po przebytym udarze.",
        "zaświadczenia lekarskiego wystawionego nie wcześniej niż 30 dni przed złożeniem wniosku",
        "Wyznaczono termin posiedzenia zespołu.", "Wydano orzeczenie.", "B10",
    ),
    "pozwolenie-na-budowe": Matter(
        "GP", "Pozwolenie na budowę domu jednorodzinnego",
        "Wnoszę o pozwolenie na budowę domu jednorodzinnego na działce nr 45/7. Projekt budowlany w załączeniu.",
        "oświadczenia o prawie do dysponowania nieruchomością na cele budowlane",
        "Wydano decyzję o pozwoleniu na budowę.", "Decyzja: pozwolenie na budowę.", "A",
    ),
    "zgloszenie-budowy-lub-robot-budowlanych": Matter(
        "GP", "Zgłoszenie budowy altany ogrodowej",
        "Zgłaszam zamiar budowy wolnostojącej altany ogrodowej o powierzchni 24 m² na działce nr 201/2.",
        "szkicu usytuowania altany na działce",
        "Nie wniesiono sprzeciwu wobec zgłoszenia.", "Nie wniesiono sprzeciwu.",
    ),
    "wypis-z-rejestru-gruntow": Matter(
        "GP", "Wypis z rejestru gruntów",
        "Proszę o wypis z rejestru gruntów z wyrysem dla działki nr 17/4 – do notariusza.",
        "obrębu ewidencyjnego działki",
        "Wypis z wyrysem wysłano pocztą.", "Wydano wypis i wyrys.",
    ),
    "karta-wedkarska": Matter(
        "SO", "Karta wędkarska", "Proszę o wydanie karty wędkarskiej. Egzamin zdałem w kole PZW.",
        "zaświadczenia o zdanym egzaminie", "Karta wędkarska jest do odbioru.", "Wydano kartę wędkarską.",
    ),
    "zajecie-pasa-drogowego-droga-powiatowa": Matter(
        "GP", "Zajęcie pasa drogi powiatowej – przyłącze wodociągowe",
        "Proszę o zezwolenie na zajęcie pasa drogowego drogi powiatowej na czas budowy przyłącza wodociągowego.",
        "projektu organizacji ruchu zatwierdzonego przez zarządcę drogi",
        "Wydano zezwolenie na zajęcie pasa drogowego.", "Decyzja: zezwolono na zajęcie pasa drogowego.",
    ),
    "wpis-do-ewidencji-stowarzyszen-zwyklych": Matter(
        "SO", "Wpis stowarzyszenia zwykłego",
        "Wnoszę o wpis do ewidencji Stowarzyszenia Miłośników Ziemi Chełmżyńskiej; regulamin w załączeniu.",
        "listy założycieli z ich podpisami", "Stowarzyszenie wpisano do ewidencji.", "Wpisano do ewidencji.", "A",
    ),
    "oplaty-za-korzystanie-ze-srodowiska": Matter(
        "FN", "Wykaz opłat za korzystanie ze środowiska",
        "Przekazujemy wykaz zawierający informacje o emisjach do powietrza z kotłowni zakładu za rok ubiegły.",
        "korekty wykazu: brak danych o zużyciu paliwa",
        "Wykaz przyjęto.", "Wykaz przyjęto.",
    ),
    "dofinansowanie-z-regionalnego-programu-fundusze-europejskie": Matter(
        "GP", "Wniosek o dofinansowanie projektu",
        "Składamy wniosek o dofinansowanie projektu „Termomodernizacja świetlicy wiejskiej” z programu Fundusze "
        "Europejskie dla Kujaw i Pomorza 2021–2027.",
        "harmonogramu rzeczowo-finansowego projektu",
        "Wniosek przeszedł ocenę formalną i został skierowany do oceny merytorycznej.",
        "Przekazano do oceny merytorycznej.", "BE10",
    ),
    "zezwolenie-na-obrot-hurtowy-napojami-alkoholowymi-do-18": Matter(
        "FN", "Zezwolenie na obrót hurtowy napojami do 18%",
        "Wnosimy o wydanie zezwolenia na obrót hurtowy napojami alkoholowymi do 18% w hurtowni przy ul. Przemysłowej.",
        "zaświadczenia o wpisie do rejestru przedsiębiorców i decyzji sanepidu", "Zezwolenie wydano.",
        "Decyzja: wydano zezwolenie.",
    ),
}  # fmt: skip

GMINA = [
    "zaswiadczenie-o-zameldowaniu", "dostep-do-informacji-publicznej", "deklaracja-oplaty-za-gospodarowanie-odpadami",
    "zgloszenie-zamiaru-usuniecia-drzewa", "zameldowanie-na-pobyt-staly", "odpis-aktu-stanu-cywilnego",
    "zaswiadczenie-o-niezaleganiu-w-podatkach-lokalnych", "karta-duzej-rodziny", "dodatek-mieszkaniowy",
    "zezwolenie-na-usuniecie-drzew-lub-krzewow", "wydanie-dowodu-osobistego", "udostepnienie-danych-z-rejestru-pesel",
    "zmiana-imienia-lub-nazwiska", "najem-lokalu-z-mieszkaniowego-zasobu-gminy", "ulga-w-splacie-zobowiazan-podatkowych",
    "wymeldowanie", "zajecie-pasa-drogowego-droga-gminna", "nadanie-numeru-porzadkowego", "podatek-rolny",
    "zaswiadczenie-o-przeznaczeniu-dzialki",
]  # fmt: skip
POWIAT = [
    "rejestracja-pojazdu", "karta-parkingowa", "wydanie-prawa-jazdy", "pozwolenie-na-budowe",
    "wyrejestrowanie-pojazdu", "zgloszenie-budowy-lub-robot-budowlanych", "profil-kandydata-na-kierowce",
    "orzeczenie-o-niepelnosprawnosci", "wypis-z-rejestru-gruntow", "karta-wedkarska",
    "zajecie-pasa-drogowego-droga-powiatowa", "wpis-do-ewidencji-stowarzyszen-zwyklych",
    "dostep-do-informacji-publicznej",
]  # fmt: skip
VOIVODESHIP = [
    "dostep-do-informacji-publicznej", "dofinansowanie-z-regionalnego-programu-fundusze-europejskie",
    "oplaty-za-korzystanie-ze-srodowiska", "zezwolenie-na-obrot-hurtowy-napojami-alkoholowymi-do-18",
]  # fmt: skip
# Which services each demo unit's residents use, in the order the plan below takes them.
SERVICES_OF_UNIT = {
    "0415042": GMINA,
    "0463011": [service for pair in zip(GMINA, POWIAT * 2, strict=False) for service in pair],
    "0461011": [service for pair in zip(POWIAT * 2, GMINA, strict=False) for service in pair],
    "0415": POWIAT,
    "04": VOIVODESHIP,
}
# Companies and associations, who write to the voivodeship.
ORGANISATIONS = [
    "Przedsiębiorstwo Ciepłownicze Sp. z o.o.", "Hurtownia Napojów „Wisła” Sp. z o.o.",
    "Gmina Obrowo", "Stowarzyszenie Rozwoju Wsi Grębocin", "Zakład Przetwórstwa Owoców Sp. j.",
]  # fmt: skip

# --- How far each case got --------------------------------------------------------------------------------------

NEW, CLERK, HEAD, OVERDUE, AWAITING, ANSWERED, FORWARDED, OTHER_DEPARTMENT, CLOSED = (
    "new", "clerk", "head", "overdue", "awaiting", "answered", "forwarded", "other_department", "closed",
)  # fmt: skip


@dataclass(frozen=True)
class Step:
    """One application of the plan: received `days_ago`, taken as far as `fate`; `applicant` a demo resident
    who signs in (else a made-up one); `paid` its fee paid at the office (where the unit takes fees there)."""

    days_ago: float
    fate: str
    applicant: str | None = None
    paid: bool = False
    note: bool = False


PLAN = [
    Step(0.1, NEW, "anna.kowalska"), Step(0.3, NEW), Step(1.2, NEW), Step(2.4, NEW), Step(3.5, NEW, paid=True),
    Step(4, CLERK, note=True), Step(6, CLERK, paid=True), Step(9, CLERK), Step(5, HEAD), Step(11, HEAD, note=True),
    Step(7, OTHER_DEPARTMENT), Step(8, FORWARDED),
    Step(15, OVERDUE, "jan.nowak"), Step(38, OVERDUE), Step(34, OVERDUE, paid=True),
    Step(16, AWAITING, "anna.kowalska", paid=True), Step(20, AWAITING), Step(13, ANSWERED, "jan.nowak"),
    Step(17, CLOSED, "anna.kowalska"), Step(24, CLOSED, "jan.nowak", paid=True), Step(29, CLOSED),
    Step(36, CLOSED, note=True), Step(41, CLOSED),
]  # fmt: skip


@dataclass
class Office:
    """The unit's demo staff and departments, and what was done (counted for the loader's summary)."""

    admin: object
    head: object
    clerk: object
    departments: dict[str, Department]
    filed: int = 0
    skipped: int = 0


def demo_correspondence_load(*, unit, office: Office, residents: dict) -> Office:
    """File and work the unit's demo applications (see the module's docstring); returns `office` with counts."""
    people, demo = demo_people(unit.code, residents)
    services = SERVICES_OF_UNIT[unit.code]
    keys = [uuid.uuid5(DEMO_NAMESPACE, f"{unit.code}:{number}") for number in range(len(PLAN))]
    done = set(Submission.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    chosen = _services_for_plan(services)
    # Filed in the order they were received, as the register numbers them.
    for number in sorted(range(len(PLAN)), key=lambda number: -PLAN[number].days_ago):
        step, slug, key = PLAN[number], chosen[number], keys[number]
        if key in done:
            office.skipped += 1
            continue
        card = service_to_file_get(kind=STANDARD, slug=slug)
        applicant = demo[step.applicant] if step.applicant else people[number % len(people)]
        organisation = ORGANISATIONS[number % len(ORGANISATIONS)] if unit.code == "04" and number % 2 else None
        entry, _code, payment = application_receive_with_fee(
            fee_grosze=card.fee_grosze,
            form=_filled_form(card, applicant, MATTERS[slug], organisation=organisation, days_ago=step.days_ago),
            service_key=card.key,
            service_name=card.name,
            submitted_by=applicant.account,
            jrwa=card.jrwa,
            deadline_days=card.deadline_days,
            idempotency_key=key,
            received_at=_received_at(step.days_ago),
        )
        office.filed += 1
        if payment is not None and step.paid and payment.provider == "office":  # Toruń's are paid online
            payment_mark_paid_at_office(user=office.admin, payment=payment)
        _work(entry.case, step, MATTERS[slug], office, applicant)
    return office


def _received_at(days_ago: float) -> datetime.datetime:
    """`days_ago` before now; less than a day ago is that share of today's hours so far (still today)."""
    now = timezone.now()
    if days_ago >= 1:
        return now - datetime.timedelta(days=days_ago)
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    return midnight + (now - midnight) * (1 - days_ago)


def _services_for_plan(services: list[str]) -> list[str]:
    """The unit's services in turn, one per step of the plan, each step taking the next one that fits it: an
    overdue step one whose deadline is shorter than the time since it was received, any step still running one
    whose deadline has not passed (so that exactly the overdue steps are overdue); a step for the demo staff
    (who work in SO) a matter of SO, a forwarded one a matter of FN, one of another department not SO's, a step
    whose fee is paid a service with a fee. Where none fits (the voivodeship offers four services), the deadline
    alone decides."""
    try:
        cards = {slug: service_to_file_get(kind=STANDARD, slug=slug) for slug in set(services)}
    except LookupError as slug:
        raise LookupError(f"the unit does not offer the service {slug}") from None

    def fits(step: Step, slug: str, *, strict: bool) -> bool:
        days, department = cards[slug].deadline_days, MATTERS[slug].department
        late = days is not None and days < step.days_ago
        if step.fate != CLOSED and late != (step.fate == OVERDUE):
            return False
        if not strict:
            return True
        if step.paid and not cards[slug].fee_grosze:
            return False
        if step.fate in (NEW, CLOSED):
            return True
        if step.fate == OTHER_DEPARTMENT:
            return department != "SO"
        return department == ("FN" if step.fate == FORWARDED else "SO")

    chosen, turn = [], 0
    for step in PLAN:
        order = [(turn + offset) % len(services) for offset in range(len(services))]
        index = next((i for strict in (True, False) for i in order if fits(step, services[i], strict=strict)), None)
        if index is None:
            raise LookupError(f"no demo service fits {step}")
        chosen.append(services[index])
        turn = index + 1
    return chosen


def _work(case: Case, step: Step, matter: Matter, office: Office, applicant: Person) -> None:
    """Take the freshly filed case as far as its step says, as the office would: the administrator registers
    what belongs to a department without demo staff and works it himself; the head of SO registers the rest and
    assigns it to the clerk or to himself."""
    if step.fate == NEW:
        return
    jrwa = case.jrwa or "0"
    if step.fate in (OTHER_DEPARTMENT, CLOSED) and matter.department != "SO":
        worker = office.admin
        case = case_register(
            user=worker, case=case, department=office.departments[matter.department], jrwa=jrwa,
            archival_category=matter.archival_category,
        )  # fmt: skip
        if step.fate == OTHER_DEPARTMENT:
            return
    else:
        head = office.head
        case = case_register(
            user=head, case=case, department=office.departments["SO"], jrwa=jrwa,
            archival_category=matter.archival_category,
        )  # fmt: skip
        if step.fate == FORWARDED:
            case_forward(user=head, case=case, department=office.departments["FN"])
            return
        worker = head if step.fate == HEAD else office.clerk
        case = case_assign(user=head, case=case, assignee=worker)
    if step.note:
        case_write(user=worker, case=case, kind=CaseNote.Kind.NOTE, text=_note(applicant))
    if step.fate in (AWAITING, ANSWERED):
        _request(worker, case, matter)
    if step.fate == ANSWERED:
        answer_receive(
            case=case,
            text=f"W odpowiedzi na wezwanie przesyłam brakujące dokumenty: {matter.missing}.",
            files=[_scan(f"{applicant.last_name} – uzupełnienie", matter.missing)],
            document_id=uuid.uuid5(DEMO_NAMESPACE, f"answer:{case.register_entry.submission.idempotency_key}"),
            actor=applicant.account.get_username() if applicant.account else "resident",
        )
    if step.fate == CLOSED:
        case_write(user=worker, case=case, kind=CaseNote.Kind.REPLY, text=matter.reply)
        case_close(user=worker, case=case, resolution=matter.resolution)


def _request(user, case: Case, matter: Matter) -> None:
    case_write(
        user=user,
        case=case,
        kind=CaseNote.Kind.REQUEST,
        text=(
            f"Na podstawie art. 64 § 2 Kodeksu postępowania administracyjnego wzywam do uzupełnienia wniosku o: "
            f"{matter.missing}, w terminie 7 dni od dnia doręczenia wezwania. Nieusunięcie braków spowoduje "
            "pozostawienie wniosku bez rozpoznania."
        ),
    )


def _note(applicant: Person) -> str:
    return (
        f"Rozmowa telefoniczna z wnioskodawcą ({applicant.phone}): potwierdził dane z wniosku, dokumenty oryginalne "
        "przedstawi przy odbiorze."
    )


def demo_paper_letters(*, office: Office, unit_code: str) -> int:
    """Two letters that came on paper, registered by the head: one opening a new case (a neighbour's complaint),
    one answering a case that waits for the resident (its deadline resumes). Idempotent by their document ids;
    returns how many were registered now."""
    rng = random.Random(f"ratusz-demo-letters-{unit_code}")
    street, postal_code, locality = _address(rng, unit_code)
    today = timezone.localdate()
    registered = 0
    waiting = (
        Case.objects.filter(status=CaseStatus.AWAITING_RESIDENT, register_entry__submission__submitted_by__isnull=True)
        .select_related("register_entry")
        .order_by("register_entry__received_at")
        .first()
    )
    letters = [
        dict(
            sender_name="Henryk Baran",
            sender_address=f"{street}, {postal_code} {locality}",
            subject="Skarga na hałas z warsztatu samochodowego",
            text="Od trzech miesięcy warsztat przy mojej posesji pracuje do późnych godzin nocnych. Proszę o kontrolę.",
            received_on=today - datetime.timedelta(days=2),
            deadline=today + datetime.timedelta(days=28),
            case=None,
            key="letter:complaint",
        )
    ]
    if waiting is not None:
        letters.append(
            dict(
                sender_name=waiting.register_entry.sender_name,
                sender_address="",
                subject="Uzupełnienie wniosku (list polecony)",
                text="Przesyłam żądane dokumenty pocztą.",
                received_on=today - datetime.timedelta(days=1),
                deadline=None,
                case=waiting,
                key="letter:answer",
            )
        )
    for letter in letters:
        key = letter.pop("key")
        try:
            letter_register(
                user=office.head,
                channel=Channel.PAPER,
                scan=_scan(letter["subject"], letter["text"]),
                document_id=uuid.uuid5(DEMO_NAMESPACE, f"{unit_code}:{key}"),
                **letter,
            )
        except AlreadyReceived:
            continue
        registered += 1
    return registered


# --- Documents ------------------------------------------------------------------------------------------------


def _filled_form(card, person: Person, matter: Matter, *, organisation: str | None, days_ago: float):
    """The service's form as the resident filled it in, validated as the form page validates it."""
    received = timezone.localdate() - datetime.timedelta(days=int(days_ago))
    name = organisation or person.name
    values = {
        "imie": person.first_name,
        "nazwisko": person.last_name,
        "pesel": person.pesel,
        "ulica": person.street,
        "kod_pocztowy": person.postal_code,
        "miejscowosc": person.locality,
        "email": person.email,
        "telefon": person.phone,
        "tytul": matter.title,
        "tresc": matter.text if not organisation else f"{matter.text}\n\nW imieniu {organisation}: {person.name}.",
        "wnioskodawca": name,
        "zakres": matter.text,
        "sposob": "email",
        "rodzaj_pobytu": "staly",
        "data_przybycia": (received - datetime.timedelta(days=10)).isoformat(),
        "tytul_prawny": "najem",
        "rodzaj_wnioskodawcy": "osoba",
        "nazwa": name,
        "dzialka": f"{int(person.pesel[6:9]) % 300 + 1}/{int(person.pesel[9]) + 1}, obręb {person.locality}",
        "drzewa": "klon zwyczajny – obwód pnia 135 cm; brzoza brodawkowata – 90 cm",
        "przyczyna": "Drzewa są pochylone w stronę budynku mieszkalnego, po ostatniej wichurze pękł konar klonu.",
        "termin": (received + datetime.timedelta(days=45)).isoformat(),
        "oswiadczenie": "on",
    }
    definition = card.form
    properties = definition.json_schema["properties"]
    files = {
        field_name: _scan(f"{person.last_name} – {spec.get('title', field_name)}", matter.title or card.name).upload
        for field_name, spec in properties.items()
        if "x-attachment" in spec and field_name in definition.json_schema.get("required", [])
    }
    form = ApplicationForm(
        {name: value for name, value in values.items() if name in properties}, files, definition=definition
    )
    if not form.is_valid():
        raise ValueError(f"demo answers do not fit the form {card.key}: {form.errors.as_json()}")
    return form


def _scan(title: str, text: str) -> IncomingFile:
    """A one-page PDF standing in for a scanned document."""
    pdf_fonts_register()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setFont(FONT, 14)
    page.drawString(72, 770, title[:80])
    page.setFont(FONT, 10)
    for line, start in enumerate(range(0, min(len(text), 480), 80)):
        page.drawString(72, 740 - 14 * line, text[start : start + 80])
    page.save()
    name = _ascii(title).lower().replace(" ", "-").replace("–", "")[:60] + ".pdf"
    return IncomingFile(SimpleUploadedFile(name, buffer.getvalue(), "application/pdf"), "application/pdf")


def demo_resident_accounts(residents: dict[str, tuple[str, str, str, str]]) -> dict[str, tuple[str, str, object]]:
    """The demo residents' local accounts in the current unit, as their first sign-in makes them
    (`residents`: username → (Keycloak subject, first name, last name, e-mail))."""
    return {
        username: (
            first_name,
            last_name,
            account_sync(
                {
                    "sub": subject,
                    "email": email,
                    "email_verified": True,
                    "given_name": first_name,
                    "family_name": last_name,
                }
            ),
        )
        for username, (subject, first_name, last_name, email) in residents.items()
    }
