"""The demo consortium's BIP: each demo unit's editorial office with an editor, and a handful of real-looking
publications in its subject menu — published over the last weeks, one changed (two versions in the change
register), one withdrawn with its reason, one with a statement of withheld information, one scheduled for
next week — so that `make run` shows a working BIP at /bip/ of every demo unit.

Published through BIP's own services, backdated with their `now`. Loading again adds nothing: a unit whose BIP
already has publications (or its editorial office, or an editor) is left alone. Every person here is made up.
"""

import datetime

from django.utils import timezone

from shared_services.bip.models import Publication, Section
from shared_services.bip.selectors import editorial_office, editors
from shared_services.bip.services import (
    bip_seed,
    editor_save,
    editorial_office_save,
    publication_change,
    publication_create,
    publication_withdraw,
)

ACTOR = "load_demo_consortium"

# Per unit (TERC): the office's address, its head (who answers for the content of orders), its council.
UNITS = {
    "04": ("ul. Plac Teatralny 2, 87-100 Toruń", "Marszałek Województwa", "Sejmik Województwa"),
    "0415": ("ul. Towarowa 4-6, 87-100 Toruń", "Starosta Toruński", "Rada Powiatu Toruńskiego"),
    "0463011": ("ul. Wały gen. Sikorskiego 8, 87-100 Toruń", "Prezydent Miasta Torunia", "Rada Miasta Torunia"),
    "0461011": ("ul. Jezuicka 1, 85-102 Bydgoszcz", "Prezydent Miasta Bydgoszczy", "Rada Miasta Bydgoszczy"),
    "0415042": ("ul. Toruńska 21, 87-162 Lubicz", "Wójt Gminy Lubicz", "Rada Gminy Lubicz"),
}
EDITOR = ("Katarzyna Zielińska", "redaktor BIP, Wydział Organizacyjny", "56 611 80 10")


def _at(days_ago: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def demo_bip_load(*, unit) -> int:
    """The current unit's demo BIP; returns how many items were published (0 when it has some already)."""
    bip_seed(unit_kind=unit.kind, unit_name=unit.name)
    address, head, council = UNITS.get(unit.code, ("ul. Rynek 1, 87-100 Toruń", f"Kierownik – {unit.name}", "Rada"))
    domain = f"{unit.slug}.demo.ratusz.example"
    # Like the editor below: set once, so loading again writes nothing (not even an audit entry of the same
    # office saved again) and leaves what the unit changed since. Onboarding's placeholder has no address.
    office = editorial_office()
    if office is None or not office.address:
        editorial_office_save(
            actor=ACTOR,
            name=f"Redakcja Biuletynu Informacji Publicznej – {unit.name}",
            address=address,
            phone="56 611 80 00",
            email=f"bip@{domain}",
            request_info="Wnioski przyjmuje także Biuro Obsługi Mieszkańców (parter, stanowisko 3), pon.–pt. 8:00–15:00.",
        )
    if not editors().exists():
        name, role, phone = EDITOR
        editor_save(actor=ACTOR, name=name, role=role, phone=phone, email=f"k.zielinska@{domain}")
    if Publication.objects.exists():
        return 0
    sections = {section.key: section for section in Section.objects.all()}
    editor = EDITOR[0]
    year = timezone.now().year

    def publish(key, days_ago, title, body, produced_by, summary="", **extra):
        return publication_create(
            actor=ACTOR,
            section=sections[key],
            title=title,
            summary=summary,
            body=body,
            produced_by=produced_by,
            produced_on=(_at(days_ago + 2)).date(),
            entered_by=editor,
            now=_at(days_ago),
            **extra,
        )

    publish(
        "dane-podstawowe",
        40,
        f"Dane teleadresowe – {unit.name}",
        f"{unit.name}\n{address}\nTelefon: 56 611 80 00\nE-mail: sekretariat@{domain}\n"
        "Godziny pracy urzędu: poniedziałek 8:00–16:00, wtorek–piątek 7:30–15:30.",
        "Sekretarz, Wydział Organizacyjny",
    )
    order = publish(
        "prawo-lokalne",
        30,
        f"Zarządzenie nr 145/{year} w sprawie regulaminu organizacyjnego urzędu",
        "§ 1. Nadaje się regulamin organizacyjny urzędu, stanowiący załącznik do zarządzenia.\n"
        "§ 2. Wykonanie zarządzenia powierza się Sekretarzowi.\n§ 3. Zarządzenie wchodzi w życie z dniem podpisania.",
        head,
        summary="Nowy regulamin organizacyjny urzędu.",
    )
    publication_change(
        actor=ACTOR,
        publication=order,
        change_note="Poprawiono omyłkę pisarską w § 3",
        body="§ 1. Nadaje się regulamin organizacyjny urzędu, stanowiący załącznik do zarządzenia.\n"
        "§ 2. Wykonanie zarządzenia powierza się Sekretarzowi.\n"
        "§ 3. Zarządzenie wchodzi w życie z dniem 1 następnego miesiąca.",
        entered_by=editor,
        now=_at(28),
    )
    publish(
        "budzet-i-finanse",
        21,
        f"Informacja o wykonaniu budżetu za III kwartał {year}",
        "Dochody wykonano w 74,2% planu, wydatki w 68,9% planu. Szczegóły w sprawozdaniach Rb-27S i Rb-28S.",
        "Skarbnik, Wydział Finansowy",
    )
    publish(
        "zamowienia-publiczne",
        14,
        f"Plan postępowań o udzielenie zamówień publicznych na rok {year} – aktualizacja",
        "Aktualizacja planu: dodano postępowanie na przebudowę drogi gminnej (roboty budowlane, przetarg "
        "podstawowy, II kwartał, szacunkowa wartość 1 250 000 zł netto).",
        "Wydział Zamówień Publicznych",
    )
    publish(
        "ogloszenia-i-obwieszczenia",
        7,
        "Obwieszczenie o wszczęciu postępowania w sprawie decyzji o środowiskowych uwarunkowaniach",
        "Zawiadamia się strony, że na wniosek inwestora wszczęto postępowanie w sprawie wydania decyzji o "
        "środowiskowych uwarunkowaniach dla przedsięwzięcia: budowa instalacji fotowoltaicznej. Z aktami sprawy "
        "można zapoznać się w urzędzie, pokój 12, w godzinach pracy urzędu.",
        head,
        withheld_scope="Imiona, nazwiska i adresy osób fizycznych będących stronami postępowania",
        withheld_basis="art. 5 ust. 2 ustawy o dostępie do informacji publicznej (prywatność osoby fizycznej)",
        withheld_by="Sekretarz, decyzja z dnia publikacji",
    )
    vacancy = publish(
        "nabor-na-stanowiska",
        10,
        "Nabór na stanowisko podinspektora w Wydziale Spraw Obywatelskich",
        "Wymagania: wykształcenie wyższe, znajomość KPA. Dokumenty należy składać do 30 dni od publikacji.",
        "Kierownik Wydziału Spraw Obywatelskich",
    )
    publication_withdraw(
        actor=ACTOR,
        publication=vacancy,
        reason="Nabór unieważniony z powodu zmian w strukturze wydziału.",
        entered_by=editor,
        now=_at(3),
    )
    publish(
        "petycje",
        5,
        f"Petycja nr 3/{year} w sprawie budowy ścieżki rowerowej",
        "Treść petycji wraz z datą jej złożenia. Petycja zostanie rozpatrzona w terminie 3 miesięcy.",
        council,
    )
    publication_create(
        actor=ACTOR,
        section=sections["ogloszenia-i-obwieszczenia"],
        title="Ogłoszenie o konsultacjach społecznych projektu programu współpracy z organizacjami pozarządowymi",
        body="Konsultacje potrwają 14 dni od dnia publikacji ogłoszenia.",
        produced_by=head,
        produced_on=timezone.localdate(),
        entered_by=editor,
        published_at=timezone.now() + datetime.timedelta(days=7),
    )
    return 8
