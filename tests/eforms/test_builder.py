"""The form builder's model writes the definitions the platform renders and reads them back exactly."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_services.eforms import builder
from shared_services.eforms.builder import (
    BuilderError,
    BuilderStateInvalid,
    definition_read,
    definition_write,
    field_add,
    field_delete,
    field_move,
    field_replace,
    state_dump,
    state_load,
)
from shared_services.eforms.definition import definition_check

SEED_FORMS = sorted((Path(__file__).parents[2] / "shared_services/catalogue/data/forms").glob("*.json"))


def _required_as_set(schema: dict) -> dict:
    return {**schema, "required": sorted(schema.get("required", []))}


@pytest.mark.parametrize("path", SEED_FORMS, ids=lambda path: path.stem)
def test_every_seed_form_reads_and_writes_back_unchanged(path):
    seed = json.loads(path.read_text())
    reading = definition_read(seed["json_schema"], seed["layout"])
    assert reading.problems == []
    json_schema, layout = definition_write(reading.form)
    assert _required_as_set(json_schema) == _required_as_set(seed["json_schema"])
    assert layout == seed["layout"]


@pytest.mark.parametrize("path", SEED_FORMS, ids=lambda path: path.stem)
def test_seed_forms_survive_the_state_a_page_carries(path):
    seed = json.loads(path.read_text())
    form = definition_read(seed["json_schema"], seed["layout"]).form
    carried = state_load(json.loads(json.dumps(state_dump(form))))
    assert definition_write(carried) == definition_write(form)


def _built(*kinds) -> builder.BuilderForm:
    form = builder.builder_form_new("Wniosek")
    for kind in kinds:
        field_add(form, kind, step=0)
    return form


@given(
    kinds=st.lists(st.sampled_from(list(builder.KINDS_TO_ADD)), min_size=1, max_size=12),
    moves=st.lists(st.tuples(st.integers(0, 40), st.sampled_from([-1, 1])), max_size=10),
    steps=st.integers(1, 3),
)
@settings(max_examples=60, deadline=None)
def test_any_form_the_builder_makes_is_a_valid_definition_it_reads_back(kinds, moves, steps):
    form = _built(*kinds)
    for number in range(1, steps):
        builder.step_add(form, f"Krok {number + 1}")
    names = form.field_names()
    for index, offset in moves:
        field_move(form, names[index % len(names)], offset)
    json_schema, layout = definition_write(form)
    definition_check(json_schema, layout)
    reading = definition_read(json_schema, layout)
    assert reading.problems == []
    assert definition_write(reading.form) == (json_schema, layout)


def test_every_kind_writes_what_the_platform_renders():
    form = _built(*builder.KINDS)
    schema, layout = definition_write(form)
    by_kind = {form.fields[name].kind: schema["properties"][name] for name in form.field_names()}
    named = {form.fields[name].kind: name for name in form.field_names()}
    assert by_kind["pesel"] == {"type": "string", "title": "PESEL", "format": "pesel"}
    assert by_kind["money"]["x-money"] is True and by_kind["money"]["type"] == "integer"
    assert by_kind["file"]["x-attachment"] == {
        "mediaTypes": ["application/pdf", "image/jpeg", "image/png"],
        "maxBytes": 10 * 1024 * 1024,
    }
    assert by_kind["phone"]["pattern"] == builder.PHONE_PATTERN
    assert by_kind["yes_no"]["type"] == "boolean" and by_kind["date"]["format"] == "date"
    assert layout["widgets"] == {named["long_text"]: "textarea", named["choice"]: "radio"}
    # Every kind a resident types free text into has a maximum length.
    for kind in builder.FREE_TEXT_KINDS:
        assert by_kind[kind]["maxLength"] > 0


def test_an_address_is_three_ordinary_fields():
    form = _built(builder.ADDRESS)
    assert [form.fields[name].kind for name in form.field_names()] == ["text", "postal_code", "text"]
    assert [form.fields[name].autocomplete for name in form.field_names()] == [
        "street-address",
        "postal-code",
        "address-level2",
    ]


def test_a_required_conditional_field_is_required_by_the_schema_itself():
    form = _built(builder.CHOICE, builder.PESEL)
    choice, pesel = form.field_names()
    form.fields[pesel].required = True
    form.fields[pesel].condition = {"field": choice, "equals": "tak"}
    schema, layout = definition_write(form)
    assert pesel not in schema["required"]
    assert schema["allOf"] == [
        {"if": {"properties": {choice: {"const": "tak"}}, "required": [choice]}, "then": {"required": [pesel]}}
    ]
    assert layout["show_when"] == {pesel: {"field": choice, "equals": "tak"}}


def test_what_the_builder_cannot_express_is_named_and_left_to_json():
    schema = {
        "type": "object",
        "properties": {
            "kod": {"type": "string", "title": "Kod", "maxLength": 5, "pattern": "^[A-Z]+$"},
            "wiek": {"type": "integer", "title": "Wiek", "multipleOf": 5},
            "imie": {"type": "string", "title": "Imię", "maxLength": 50},
        },
        "anyOf": [{"required": ["kod"]}, {"required": ["wiek"]}],
    }
    problems = [str(problem) for problem in definition_read(schema, {}).problems]
    assert any("kod" in problem for problem in problems)
    assert any("wiek" in problem for problem in problems)
    assert not any("imie" in problem for problem in problems)
    assert any("anyOf" in problem for problem in problems)


@pytest.mark.parametrize("junk", [None, [], "tekst", {"properties": "x"}, {"properties": {"a": 5}}])
def test_reading_junk_never_raises(junk):
    definition_read(junk, junk)


def test_moving_past_a_step_boundary_changes_step():
    form = _built(builder.TEXT)
    builder.step_add(form, "Drugi")
    [name] = form.field_names()
    field_move(form, name, 1)
    assert form.steps[1].fields == [name]
    field_move(form, name, -1)
    assert form.steps[0].fields == [name]


def test_renaming_a_field_carries_its_conditions_and_deleting_frees_them():
    form = _built(builder.YES_NO, builder.TEXT)
    source, dependant = form.field_names()
    form.fields[dependant].condition = {"field": source, "equals": True}
    renamed = builder.BuilderField(**{**state_dump(form)["fields"][source], "name": "zgoda"})
    field_replace(form, source, renamed)
    assert form.fields[dependant].condition == {"field": "zgoda", "equals": True}
    assert form.field_names() == ["zgoda", dependant]
    with pytest.raises(BuilderError):
        field_replace(form, "zgoda", builder.BuilderField(name="zgoda", kind=builder.TEXT, label="x"))
    assert field_delete(form, "zgoda") == [form.fields[dependant].label]
    assert form.fields[dependant].condition is None


def test_new_field_names_are_unique_ascii_keys():
    assert builder.field_name_from("Miejscowość / łąka", set()) == "miejscowosc_laka"
    assert builder.field_name_from("PESEL", {"pesel"}) == "pesel_2"
    assert builder.field_name_from("123", set()) == "pole_123"
    assert builder.field_name_from("", set()) == "pole"


def test_problems_before_publishing_are_said(english):
    form = _built(builder.TEXT, builder.CHOICE)
    text, choice = form.field_names()
    form.fields[text].max_length = None
    form.fields[choice].choices = []
    problems = [str(problem) for problem in builder.builder_problems(form)]
    assert any("maximum length" in problem for problem in problems)
    assert any("options" in problem for problem in problems)


@pytest.mark.parametrize(
    "state",
    [
        None,
        {},
        {"title": "x", "steps": [], "fields": {}},
        {"title": "x", "steps": [{"title": "a", "fields": ["b"]}], "fields": {}},
        {"title": "x", "steps": [{"title": "a", "fields": []}], "fields": {"b": {"name": "b", "evil": 1}}},
    ],
)
def test_a_state_the_builder_did_not_write_is_refused(state):
    with pytest.raises(BuilderStateInvalid):
        state_load(state)


def test_a_text_field_without_a_maximum_length_fails_the_definition_check_too():
    # Not the builder's doing alone: definition_check limits any maxLength, the builder always sets one.
    form = _built(builder.TEXT)
    [name] = form.field_names()
    form.fields[name].max_length = 10**9
    with pytest.raises(ValidationError):
        definition_check(*definition_write(form))


@pytest.mark.parametrize("path", SEED_FORMS, ids=lambda path: path.stem)
@given(
    changes=st.lists(
        st.tuples(
            st.sampled_from(["up", "down", "add", "delete"]),
            st.integers(0, 50),
            st.sampled_from(list(builder.KINDS_TO_ADD)),
        ),
        max_size=8,
    )
)
@settings(max_examples=15, deadline=None)
def test_a_seed_form_changed_in_the_builder_stays_a_valid_definition_read_back_exactly(path, changes):
    seed = json.loads(path.read_text())
    form = definition_read(seed["json_schema"], seed["layout"]).form
    for change, index, kind in changes:
        names = form.field_names()
        name = names[index % len(names)] if names else None
        if change == "add":
            field_add(form, kind, step=index % len(form.steps))
        elif change == "delete" and name and len(names) > 1:
            field_delete(form, name)
            for step in list(form.steps):
                if not step.fields and len(form.steps) > 1:
                    form.steps.remove(step)
        elif name:
            field_move(form, name, -1 if change == "up" else 1)
    json_schema, layout = definition_write(form)
    definition_check(json_schema, layout)
    reading = definition_read(json_schema, layout)
    assert reading.problems == []
    assert definition_write(reading.form) == (json_schema, layout)
