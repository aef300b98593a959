"""The standard public registers: the seed holds at least twelve valid definitions in the four themes, loads
idempotently, and a changed definition becomes a new version (the old one stays for the records entered on it)."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from shared_services.catalogue.models import RegisterTheme, StandardRegister, StandardRegisterVersion
from shared_services.catalogue.register_selectors import standard_registers_for_kind
from shared_services.catalogue.register_services import (
    CATEGORIES,
    registers_seed_read,
    standard_register_problems,
    standard_registers_load,
)
from shared_services.eforms.definition import DefinitionNotEditable, definition_check

pytestmark = pytest.mark.django_db


def test_the_seed_holds_twelve_valid_registers_in_the_four_themes():
    entries = registers_seed_read()["registers"]
    assert len(entries) >= 12
    assert {entry["theme"] for entry in entries} == set(RegisterTheme.values)
    for entry in entries:
        assert standard_register_problems(entry) == [], entry["slug"]
        definition_check(entry["json_schema"], entry["layout"])  # the forms engine takes it
        assert entry["category"] in CATEGORIES
        assert len(entry["slug"]) <= 36
    slugs = {entry["slug"] for entry in entries}
    assert {"uchwaly-rady", "zarzadzenia", "rejestr-umow", "zezwolenia-alkohol", "przystanki"} <= slugs


def test_the_alcohol_permits_register_is_fed_by_the_catalogues_permit_service():
    from shared_services.catalogue.services import seed_read

    permits = next(e for e in registers_seed_read()["registers"] if e["slug"] == "zezwolenia-alkohol")
    services = {service["slug"] for service in seed_read()["services"]}
    assert permits["service_slug"] in services
    assert permits["case_fields"]["przedsiebiorca"] == "nazwa_przedsiebiorcy"


def test_loading_is_idempotent_and_a_change_makes_a_new_version():
    document = registers_seed_read()
    assert standard_registers_load(document=document)["created"] == len(document["registers"])
    assert standard_registers_load(document=document) == {
        "created": 0,
        "versioned": 0,
        "unchanged": len(document["registers"]),
    }
    changed = copy.deepcopy(document)
    changed["registers"][0]["description"] += " Zmieniono."
    assert standard_registers_load(document=changed)["versioned"] == 1
    register = StandardRegister.objects.get(slug=changed["registers"][0]["slug"])
    assert list(register.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert register.current.number == 2


def test_a_version_is_never_edited():
    standard_registers_load(document=registers_seed_read())
    version = StandardRegisterVersion.objects.first()
    version.name = "Inna nazwa"
    with pytest.raises(DefinitionNotEditable):
        version.save()


def test_a_wrong_register_refuses_the_whole_document():
    document = registers_seed_read()
    document["registers"][3]["theme"] = "sport"
    document["registers"][4]["json_schema"]["properties"]["numer"] = {"type": "string"}  # no maxLength
    with pytest.raises(ValidationError):
        standard_registers_load(document=document)
    assert not StandardRegister.objects.exists()


def test_registers_are_meant_for_unit_kinds():
    standard_registers_load(document=registers_seed_read())
    gmina = {register.slug for register in standard_registers_for_kind("gmina_wiejska")}
    powiat = {register.slug for register in standard_registers_for_kind("powiat")}
    assert {"zezwolenia-alkohol", "przystanki", "uchwaly-rady"} <= gmina
    assert "uchwaly-rady" in powiat and "zezwolenia-alkohol" not in powiat


def test_the_command_loads_the_seed(capsys):
    call_command("load_standard_registers")
    assert "12 new" in capsys.readouterr().out or StandardRegister.objects.count() >= 12
