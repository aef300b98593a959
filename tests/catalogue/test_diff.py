"""The readable diff between two versions of a card."""

import pytest

from shared_services.catalogue.diff import DELETED, INSERTED, LIST, SAME, TEXT, VALUE, card_diff, word_diff
from shared_services.catalogue.models import StandardService
from shared_services.catalogue.services import service_draft_create, standard_catalogue_load
from tests.catalogue.test_services import SEED

pytestmark = pytest.mark.django_db


def test_words_are_compared_not_lines():
    assert word_diff("Dowód jest bezpłatny.", "Dowód jest zawsze bezpłatny.") == [
        (SAME, "Dowód jest "),
        (INSERTED, "zawsze "),
        (SAME, "bezpłatny."),
    ]
    assert word_diff("opłata 17 zł", "opłata 20 zł") == [
        (SAME, "opłata "),
        (DELETED, "17"),
        (INSERTED, "20"),
        (SAME, " zł"),
    ]
    assert word_diff("", "Nowe.") == [(INSERTED, "Nowe.")]
    # A rewritten sentence is one deletion and one insertion, not a patchwork of the spaces and "w" they share.
    assert word_diff("Wniosek składa się w urzędzie.", "Odbiór jest w dowolnym urzędzie gminy.") == [
        (DELETED, "Wniosek składa się w "),
        (INSERTED, "Odbiór jest w dowolnym "),
        (SAME, "urzędzie"),
        (INSERTED, " gminy"),
        (SAME, "."),
    ]


def test_only_changed_fields_are_listed_with_items_added_and_removed():
    standard_catalogue_load(seed=SEED)
    service = StandardService.objects.select_related("published").get()
    draft = service_draft_create(
        service=service,
        changes={
            "description": "Opis poprawiony.",
            "keywords": ["meldunek", "e-meldunek"],
            "required_documents": ["Dowód osobisty"],
            "fee_grosze": 1750,
            "fee_kind": "oplata_skarbowa",
        },
    )
    changes = {change.name: change for change in card_diff(service.published, draft)}
    assert set(changes) == {"description", "keywords", "required_documents", "fee_grosze", "fee_kind"}
    assert changes["description"].kind == TEXT and (INSERTED, " poprawiony") in changes["description"].segments
    assert (changes["keywords"].kind, changes["keywords"].added, changes["keywords"].removed) == (
        LIST,
        ["e-meldunek"],
        [],
    )
    assert changes["required_documents"].removed == ["Formularz zgłoszenia pobytu stałego"]
    assert changes["required_documents"].added == ["Dowód osobisty"]
    assert (changes["fee_grosze"].kind, changes["fee_grosze"].before, changes["fee_grosze"].after) == (
        VALUE,
        "0,00 zł",
        "17,50 zł",
    )
    assert card_diff(service.published, service.published) == []
    assert {change.name for change in card_diff(None, draft)} >= {"name", "description", "categories"}
