"""The standard subject menu (menu przedmiotowe) of a unit's BIP, by the unit's kind: what art. 8 ust. 3 of the
act on access to public information and the separate laws make every gmina, powiat or voivodeship publish,
in the order most BIPs use. Keys are stable (URLs and subscriptions use them); a unit renames, hides,
reorders and extends the sections in the office. Used by services.bip_seed (onboarding) and by the
migration that seeds units that exist."""

# (key, Polish title, English title, kinds) — kinds None: every kind.
GMINA = "gmina"
POWIAT = "powiat"
WOJEWODZTWO = "wojewodztwo"

_SECTIONS = (
    ("dane-podstawowe", "Dane podstawowe", "Basic information", None),
    ("wladze", "Władze", "Authorities", None),
    ("rada", "Rada Gminy", "Council", {GMINA}),
    ("rada-powiatu", "Rada Powiatu", "County council", {POWIAT}),
    ("sejmik", "Sejmik Województwa", "Regional assembly", {WOJEWODZTWO}),
    ("statut-i-regulaminy", "Statut i regulaminy", "Statute and rules", None),
    ("prawo-lokalne", "Prawo lokalne", "Local law", None),
    ("budzet-i-finanse", "Budżet i finanse", "Budget and finance", None),
    ("majatek", "Majątek", "Property", None),
    ("zamowienia-publiczne", "Zamówienia publiczne", "Public procurement", None),
    ("ogloszenia-i-obwieszczenia", "Ogłoszenia i obwieszczenia", "Notices and announcements", None),
    ("przetargi-nieruchomosci", "Przetargi na nieruchomości", "Property tenders", None),
    ("nabor-na-stanowiska", "Nabór na wolne stanowiska", "Job vacancies", None),
    ("planowanie-przestrzenne", "Planowanie przestrzenne", "Spatial planning", {GMINA}),
    ("ochrona-srodowiska", "Ochrona środowiska", "Environmental protection", None),
    ("wybory-i-referenda", "Wybory i referenda", "Elections and referendums", {GMINA}),
    ("jednostki-organizacyjne", "Jednostki organizacyjne", "Organisational units", None),
    ("rejestry-i-ewidencje", "Rejestry i ewidencje", "Registers and records", None),
    ("kontrole", "Kontrole", "Inspections", None),
    ("oswiadczenia-majatkowe", "Oświadczenia majątkowe", "Asset declarations", None),
    ("zalatwianie-spraw", "Załatwianie spraw", "Handling matters", None),
    ("petycje", "Petycje", "Petitions", None),
    ("konsultacje-spoleczne", "Konsultacje społeczne", "Public consultations", None),
    ("ochrona-danych-osobowych", "Ochrona danych osobowych", "Personal data protection", None),
    ("informacja-nieudostepniona", "Informacja nieudostępniona w BIP", "Information not published in BIP", None),
    ("deklaracja-dostepnosci", "Deklaracja dostępności", "Accessibility statement", None),
)


def menu_family(unit_kind: str) -> str:
    if unit_kind == "powiat":
        return POWIAT
    if unit_kind == "wojewodztwo":
        return WOJEWODZTWO
    return GMINA  # every kind of gmina, a city with powiat rights (a gmina first) and other units


# A town's or city's council is "Rada Miasta", a village gmina's "Rada Gminy".
CITY_KINDS = {"gmina_miejska", "miasto_na_prawach_powiatu"}


def standard_sections(unit_kind: str) -> list[dict]:
    family = menu_family(unit_kind)
    sections = [section for section in _SECTIONS if section[3] is None or family in section[3]]
    return [
        {
            "key": key,
            "title": "Rada Miasta" if key == "rada" and unit_kind in CITY_KINDS else title,
            "title_en": title_en,
            "position": (index + 1) * 10,
        }
        for index, (key, title, title_en, _kinds) in enumerate(sections)
    ]
