"""A filed application's answers read as the resident filled them in: labels, choices, yes/no, dates, money and
files, for every standard form of the catalogue."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from shared_services.catalogue.models import StandardFormVersion
from shared_services.eforms.answers import answer_text, submission_answers

FORMS = Path(__file__).resolve().parents[2] / "shared_services" / "catalogue" / "data" / "forms"


def definition_of(slug: str) -> StandardFormVersion:
    spec = json.loads((FORMS / f"{slug}.json").read_text())
    return StandardFormVersion(json_schema=spec["json_schema"], layout=spec.get("layout", {}))


def sample_answer(spec: dict):
    """An answer each field of the standard forms accepts, of the kind its schema says."""
    if spec.get("type") == "boolean":
        return True
    if "oneOf" in spec:
        return spec["oneOf"][-1]["const"]
    if "enum" in spec:
        return spec["enum"][0]
    if spec.get("type") in ("integer", "number"):
        return 1234.5 if spec["type"] == "number" else 12
    if spec.get("format") == "date":
        return "2026-03-07"
    return "87-100"


@pytest.fixture(autouse=True)
def polish():
    with translation.override("pl"):
        yield


@pytest.mark.parametrize("slug", sorted(path.stem for path in FORMS.glob("*.json")))
def test_every_standard_form_reads_with_its_labels_and_no_raw_values(slug):
    definition = definition_of(slug)
    data = {name: sample_answer(spec) for name, spec in definition.properties.items() if "x-attachment" not in spec}
    attachments = [
        SimpleNamespace(field=name, original_name=f"{name}.pdf", pk=index)
        for index, (name, spec) in enumerate(definition.properties.items())
        if "x-attachment" in spec
    ]
    rows = submission_answers(definition, data, attachments=attachments, file_url=lambda a: f"/pobierz/{a.pk}/")
    assert [row.name for row in rows] == [name for name in definition.field_order() if name in definition.properties]
    for row in rows:
        spec = definition.properties[row.name]
        assert row.label == spec["title"] and row.label != row.name
        assert row.text not in ("True", "False")
        if spec.get("type") == "boolean":
            assert row.text == "Tak"
        if "oneOf" in spec:
            assert row.text == spec["oneOf"][-1]["title"]
        if spec.get("format") == "date":
            assert row.text == "7 marca 2026"
        if spec.get("type") == "number":
            assert row.text == "1234,5"
        if "x-attachment" in spec:
            assert row.files[0].name == f"{row.name}.pdf" and row.files[0].url.startswith("/pobierz/")


def test_a_real_application_reads_as_the_resident_filled_it_in():
    definition = definition_of("informacja-o-nieruchomosciach")
    data = {
        "rodzaj_podatnika": "osoba",
        "imie": "Anna",
        "kod_pocztowy": "87-100",
        "data_nabycia": "2025-12-31",
        "powierzchnia_gruntu": 812.25,
        "oswiadczenie": True,
    }
    rows = {row.label: row.text for row in submission_answers(definition, data)}
    assert rows == {
        "Podatnik": "Osoba fizyczna",
        "Imię": "Anna",
        "Kod pocztowy": "87-100",
        "Data nabycia lub powstania obowiązku podatkowego": "31 grudnia 2025",
        "Powierzchnia gruntu (m²)": "812,25",
        "Oświadczam, że dane podane we wniosku są zgodne z prawdą.": "Tak",
    }


def test_unanswered_fields_are_left_out_and_unknown_keys_keep_their_names_last():
    definition = definition_of("pismo-ogolne")
    rows = submission_answers(definition, {"stare_pole": "x", "imie": "Jan", "telefon": ""})
    assert [(row.label, row.text) for row in rows] == [("Imię", "Jan"), ("stare_pole", "x")]


@pytest.mark.parametrize(
    ("value", "spec", "shown"),
    [
        (1750, {"type": "integer", "x-money": True}, "17,50 zł"),
        (12345600, {"type": "integer", "x-money": True}, "123 456,00 zł"),
        (False, {"type": "boolean"}, "Nie"),
        ("B", {"enum": ["A", "B"]}, "B"),
        ("2026-02-30", {"type": "string", "format": "date"}, "2026-02-30"),  # not a date: shown as filed
        (
            {"ulica": "Szeroka 1", "miasto": "Toruń"},
            {"type": "object", "properties": {"ulica": {"title": "Ulica"}, "miasto": {"title": "Miejscowość"}}},
            "Ulica: Szeroka 1; Miejscowość: Toruń",
        ),
        (["a", "b"], {"type": "array", "items": {"oneOf": [{"const": "a", "title": "Dąb"}]}}, "Dąb, b"),
    ],
)
def test_values_are_formatted_by_what_the_schema_says_they_are(value, spec, shown):
    assert answer_text(value, spec).replace("\xa0", " ") == shown


def test_english_readers_get_english_words_and_formats():
    with translation.override("en"):
        assert answer_text(True, {"type": "boolean"}) == "Yes"
        assert answer_text("2026-03-07", {"format": "date"}) == "March 7, 2026"
