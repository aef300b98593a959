"""Writes of letter templates: refused with a Polish message when a field is unknown, audited when made, and
seeded for each kind of unit in its own words."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_tenants.utils import tenant_context

from onboarding.actors import Actor
from onboarding.services import unit_onboard
from shared_services.audit.selectors import audit_check, audit_entries
from shared_services.letters.fields import fields_check
from shared_services.letters.models import LetterKind, LetterTemplate
from shared_services.letters.seed_data import seed_templates
from shared_services.letters.services import (
    letter_template_create,
    letter_template_set_active,
    letter_template_update,
    letter_templates_seed,
)
from tenants.models import UnitKind

pytestmark = pytest.mark.django_db


def test_a_template_with_an_unknown_field_is_not_saved_and_the_message_is_polish(unit_a):
    with tenant_context(unit_a), translation.override("pl"):
        with pytest.raises(ValidationError) as refused:
            letter_template_create(
                actor="admin", kind=LetterKind.REPLY, name="Odpowiedź", subject="{{ temat }}", body="Treść."
            )
        assert "Nieznane pola: {{ temat }}." in " ".join(refused.value.messages)
        assert not LetterTemplate.objects.exists()


def test_creating_changing_and_switching_off_are_each_audited_with_before_and_after(unit_a):
    with tenant_context(unit_a):
        template = letter_template_create(
            actor="admin", kind=LetterKind.NOTICE, name="Zawiadomienie", subject="W sprawie {{ znak_sprawy }}", body="A"
        )
        letter_template_update(actor="admin", template=template, body="B {{ wnioskodawca }}")
        letter_template_set_active(actor="admin", template=template, active=False)
        entries = list(audit_entries(target=f"letter_template:{template.pk}").order_by("sequence"))
        assert [entry.action for entry in entries] == [
            "letter_template.create",
            "letter_template.update",
            "letter_template.deactivate",
        ]
        assert entries[1].before["body"] == "A" and entries[1].after["body"] == "B {{ wnioskodawca }}"
        assert entries[2].before["active"] is True and entries[2].after["active"] is False
        assert audit_check() == []
        with pytest.raises(ValidationError):
            letter_template_update(actor="admin", template=template, body="{% now 'Y' %}")
        template.refresh_from_db()
        assert template.body == "B {{ wnioskodawca }}"


@pytest.mark.parametrize(
    ("kind", "organ", "genitive"),
    [
        (UnitKind.GMINA_WIEJSKA, "Wójt Gminy", "Wójta Gminy"),
        (UnitKind.MIASTO_NA_PRAWACH_POWIATU, "Prezydent Miasta", "Prezydenta Miasta"),
        (UnitKind.POWIAT, "Starosta", "Starosty"),
        (UnitKind.WOJEWODZTWO, "Marszałek Województwa", "Marszałka Województwa"),
    ],
)
def test_every_kind_of_unit_gets_the_set_in_its_organs_words_with_only_known_fields(kind, organ, genitive):
    templates = seed_templates(kind)
    assert {template["kind"] for template in templates} == set(LetterKind.values)
    names = {template["name"] for template in templates}
    for expected in ("art. 64 § 2 KPA", "art. 36 KPA", "Odpowiedź na wniosek", "art. 61 § 4 KPA", "Decyzja"):
        assert any(expected in name for name in names), expected
    bodies = " ".join(template["body"] for template in templates)
    assert f"{organ} wzywa" in bodies and f"za pośrednictwem {genitive}" in bodies and "<<" not in bodies
    for template in templates:
        fields_check(template["subject"])
        fields_check(template["body"])


def test_seeding_adds_only_what_the_unit_lacks_and_keeps_its_own_changes(unit_b):
    with tenant_context(unit_b):
        assert letter_templates_seed(unit_kind=unit_b.kind) == len(seed_templates(unit_b.kind))
        request = LetterTemplate.objects.get(seed_key="wezwanie-do-uzupelnienia-brakow")
        assert "Wójt Gminy wzywa" in request.body  # Lubicz is a rural gmina
        letter_template_update(actor="admin", template=request, body="Własne brzmienie {{ znak_sprawy }}.")
        LetterTemplate.objects.filter(seed_key="decyzja").delete()
        assert letter_templates_seed(unit_kind=unit_b.kind) == 1
        assert LetterTemplate.objects.get(pk=request.pk).body == "Własne brzmienie {{ znak_sprawy }}."


def test_an_onboarded_unit_starts_with_the_templates_of_its_kind():
    powiat, created = unit_onboard(code="0415", actor=Actor(label="test"))  # powiat toruński
    assert created
    with tenant_context(powiat):
        assert LetterTemplate.objects.count() == len(seed_templates(UnitKind.POWIAT))
        assert "Starosta wzywa" in LetterTemplate.objects.get(kind=LetterKind.REQUEST).body
