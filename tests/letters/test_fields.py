"""The fields a clerk writes in a template: known ones pass and are filled, anything else is refused in Polish
with the list of the fields there are."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from shared_services.letters.fields import FIELDS, MISSING, fields_check, fields_fill


def refusal(text: str) -> str:
    with translation.override("pl"), pytest.raises(ValidationError) as refused:
        fields_check(text)
    return " ".join(refused.value.messages)


def test_known_fields_pass_with_or_without_spaces_inside_the_braces():
    fields_check("Znak: {{ znak_sprawy }}, {{wnioskodawca}}, {{  data_wplywu  }}.")


def test_an_unknown_field_is_refused_in_polish_naming_it_and_every_available_field():
    message = refusal("Dotyczy {{ znak_sprawy }} i {{ pesel }} oraz {{ numer_dowodu }}.")
    assert message.startswith("Nieznane pola: {{ numer_dowodu }}, {{ pesel }}.")
    assert "Dostępne pola:" in message
    for name in FIELDS:
        assert f"{{{{ {name} }}}}" in message


@pytest.mark.parametrize(
    "text",
    [
        "{% load static %}{{ znak_sprawy }}",
        "{# komentarz #}",
        "{{ znak_sprawy|upper }}",
        "{{ znak_sprawy",
        "niedomknięte }}",
        "{{ case.register_entry.submission.data }}",
    ],
)
def test_tags_filters_comments_and_broken_braces_are_refused(text):
    message = refusal(text)
    assert "Nawiasy klamrowe służą tylko do pól" in message or "Nieznane pola" in message
    assert "Dostępne pola:" in message


def test_filling_puts_each_value_in_and_marks_what_the_case_lacks():
    text = "Sprawa {{ znak_sprawy }} z dnia {{data_wplywu}}, termin {{ termin_zalatwienia }}."
    filled = fields_fill(text, {"znak_sprawy": "SO.5340.1.2026", "data_wplywu": "2 stycznia 2026 r."})
    assert filled == f"Sprawa SO.5340.1.2026 z dnia 2 stycznia 2026 r., termin {MISSING}."


def test_a_value_is_put_in_as_text_never_read_as_a_field_or_markup():
    filled = fields_fill("{{ wnioskodawca }}", {"wnioskodawca": "<b>{{ znak_sprawy }}</b>"})
    assert filled == "<b>{{ znak_sprawy }}</b>"
