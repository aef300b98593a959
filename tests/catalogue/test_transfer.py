"""The whole catalogue as one JSON document: export, validation, the plan of an import, and the import."""

import copy
import io
import json

import pytest
from django.core.management import call_command

from shared_services.catalogue.models import (
    Category,
    LifeEvent,
    StandardForm,
    StandardService,
    StandardServiceVersion,
    VersionStatus,
)
from shared_services.catalogue.services import (
    form_definitions_read,
    seed_read,
    service_draft_create,
    service_version_publish,
)
from shared_services.catalogue.transfer import (
    MAX_DOCUMENT_BYTES,
    CatalogueDocumentInvalid,
    CataloguePlanChanged,
    catalogue_apply,
    catalogue_document_errors,
    catalogue_document_parse,
    catalogue_export,
    catalogue_export_bytes,
    catalogue_plan,
)
from tests.catalogue.test_services import SEED

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple:
    """Everything an import may write, to prove a plan writes nothing."""
    return (
        list(Category.objects.values_list("slug", "name", "name_en").order_by("slug")),
        list(LifeEvent.objects.values_list("slug", "name", "name_en").order_by("slug")),
        list(StandardService.objects.values_list("slug", "published_id", "retired_at").order_by("slug")),
        StandardServiceVersion.objects.count(),
        list(StandardForm.objects.values_list("slug", "current_id").order_by("slug")),
    )


@pytest.fixture
def seeded():
    call_command("load_standard_catalogue", stdout=io.StringIO())
    return catalogue_export()


class TestRoundTrip:
    def test_an_export_of_the_seed_imports_as_all_unchanged(self, seeded):
        document = catalogue_document_parse(catalogue_export_bytes(seeded))
        plan = catalogue_plan(document)
        seed = seed_read()
        assert len(plan.cards_unchanged) == len(seed["services"]) == len(document["services"])
        assert not plan.changes_anything and not plan.conflicts and not plan.cards_left_alone
        assert len(plan.forms_unchanged) == len(form_definitions_read())

    def test_the_export_keeps_the_seeds_card_shape(self, seeded):
        seed_cards = {card["slug"]: card for card in seed_read()["services"]}
        exported = {card.pop("slug"): card for card in copy.deepcopy(seeded["services"])}
        for slug, card in exported.items():
            assert card.pop("retired") is False
            expected = {**seed_cards[slug], "categories": sorted(seed_cards[slug]["categories"])}
            expected["life_events"] = sorted(expected["life_events"])
            expected.pop("slug")
            assert card == expected, slug

    def test_the_management_command_loads_an_export_with_its_forms(self, seeded, tmp_path, capsys):
        changed = copy.deepcopy(seeded)
        changed["services"][0]["name"] += " (nowa nazwa)"
        changed["forms"][0]["name"] = "Formularz przemianowany"
        path = tmp_path / "katalog.json"
        path.write_bytes(catalogue_export_bytes(changed))
        call_command("load_standard_catalogue", str(path))
        assert "0 new, 1 updated" in capsys.readouterr().out
        assert StandardForm.objects.get(slug=changed["forms"][0]["slug"]).name == "Formularz przemianowany"

    def test_retired_cards_move_retired(self, seeded):
        slug = seeded["services"][3]["slug"]
        moved = copy.deepcopy(seeded)
        moved["services"][3].update(retired=True, retired_reason="Przepisy uchylone.")
        plan = catalogue_apply(moved, actor_label="operatorka@woj.example")
        assert [change.slug for change in plan.cards_retired] == [slug]
        service = StandardService.objects.get(slug=slug)
        assert service.retired_at is not None and service.retired_reason == "Przepisy uchylone."
        again = catalogue_export()
        assert (
            again["services"][3]["retired"] is True and again["services"][3]["retired_reason"] == "Przepisy uchylone."
        )
        # The seed says nothing about retirement, so loading it again keeps the card retired.
        call_command("load_standard_catalogue", stdout=io.StringIO())
        assert StandardService.objects.get(slug=slug).retired_at is not None
        assert [change.slug for change in catalogue_plan(seeded).cards_restored] == [slug]


class TestPlan:
    def test_a_changed_card_gives_exactly_one_new_version_with_the_fields_that_change(self, seeded):
        changed = copy.deepcopy(seeded)
        card = changed["services"][5]
        card["fee"]["amount_grosze"] += 100
        card["keywords"] = [*card["keywords"], "nowe słowo"]
        versions_before = StandardServiceVersion.objects.count()
        before = _snapshot()
        plan = catalogue_plan(changed)
        assert _snapshot() == before  # the plan writes nothing
        assert [(change.slug, change.fields) for change in plan.cards_versioned] == [
            (card["slug"], ("fee.amount_grosze", "keywords"))
        ]
        assert len(plan.cards_unchanged) == len(seeded["services"]) - 1 and not plan.cards_created
        applied = catalogue_apply(changed, actor_label="operatorka@woj.example", expected_digest=plan.digest())
        assert applied.digest() == plan.digest()
        assert StandardServiceVersion.objects.count() == versions_before + 1
        service = StandardService.objects.get(slug=card["slug"])
        assert (service.published.number, service.published.fee_grosze) == (2, card["fee"]["amount_grosze"])
        assert service.published.published_by == "operatorka@woj.example"  # the version's history names who
        assert catalogue_plan(changed).cards_versioned == []  # and again: nothing left to do

    def test_new_terms_forms_and_cards_and_cards_absent_from_the_file(self, seeded):
        changed = copy.deepcopy(seeded)
        left_out = changed["services"].pop(0)
        changed["categories"].append({"slug": "kultura", "name": "Kultura", "name_en": "Culture"})
        changed["life_events"][0]["name"] = "Nowa nazwa"
        new_card = {**copy.deepcopy(changed["services"][0]), "slug": "nowa-usluga", "categories": ["kultura"]}
        changed["services"].append(new_card)
        form = copy.deepcopy(changed["forms"][0])
        form["json_schema"]["title"] = "Zmieniony tytuł"
        changed["forms"][0] = form
        plan = catalogue_plan(changed)
        assert [(t.kind, t.slug) for t in plan.terms_created] == [("category", "kultura")]
        assert [(t.slug, t.name, t.previous_name) for t in plan.terms_renamed] == [
            (changed["life_events"][0]["slug"], "Nowa nazwa", seeded["life_events"][0]["name"])
        ]
        assert [c.slug for c in plan.cards_created] == ["nowa-usluga"]
        assert [c.slug for c in plan.cards_left_alone] == [left_out["slug"]]
        assert plan.forms_versioned == [form["slug"]]
        catalogue_apply(changed, actor_label="x")
        assert StandardService.objects.get(slug="nowa-usluga").published.categories.get().slug == "kultura"
        assert StandardService.objects.get(slug=left_out["slug"]).published is not None  # left as it was
        assert StandardForm.objects.get(slug=form["slug"]).current.json_schema["title"] == "Zmieniony tytuł"

    def test_a_card_with_a_draft_in_the_console_is_a_conflict_and_left_as_it_is(self, seeded):
        changed = copy.deepcopy(seeded)
        card = changed["services"][2]
        card["name"] += " (zmieniona)"
        service = StandardService.objects.get(slug=card["slug"])
        draft = service_draft_create(service=service, changes={"description": "Praca operatora."})
        plan = catalogue_apply(changed, actor_label="x")
        assert [(c.slug, c.number, c.status) for c in plan.conflicts] == [(card["slug"], 2, VersionStatus.DRAFT)]
        assert not plan.cards_versioned
        service.refresh_from_db()
        assert service.published.number == 1 and not service.published.name.endswith("(zmieniona)")
        draft.refresh_from_db()
        assert draft.status == VersionStatus.DRAFT and draft.description == "Praca operatora."

    def test_a_plan_costs_a_fixed_number_of_queries_whatever_the_number_of_cards(
        self, seeded, django_assert_max_num_queries
    ):
        # Terms, forms, services, published versions with their terms (3), open versions.
        with django_assert_max_num_queries(8):
            catalogue_plan(seeded)

    def test_a_plan_that_changed_since_the_preview_is_not_applied(self, seeded):
        changed = copy.deepcopy(seeded)
        changed["services"][0]["name"] += " (zmieniona)"
        digest = catalogue_plan(changed).digest()
        catalogue_apply(changed, actor_label="someone else")  # between the preview and the confirmation
        with pytest.raises(CataloguePlanChanged):
            catalogue_apply(changed, actor_label="x", expected_digest=digest)

    def test_the_seed_loader_and_the_import_share_the_plan(self):
        from shared_services.catalogue.services import standard_catalogue_load

        assert standard_catalogue_load(seed=SEED) == {"created": 1, "updated": 0, "unchanged": 0}
        assert catalogue_plan({**SEED, "forms": []}).cards_unchanged[0].slug == SEED["services"][0]["slug"]


def _errors(document) -> list[str]:
    return catalogue_document_errors(document)


@pytest.mark.usefixtures("english")  # the messages are Polish on the pages; English keeps the test readable
class TestValidation:
    def test_bad_values_are_named_by_their_path(self, seeded):
        bad = copy.deepcopy(seeded)
        bad["services"][12]["fee"]["amount_grosze"] = "17 zł"
        bad["services"][3]["maturity_level"] = 9
        bad["services"][4]["categories"] = ["nie-ma-takiej"]
        bad["services"][5]["slug"] = bad["services"][6]["slug"]
        bad["services"][7]["name"] = ""
        bad["services"][8]["unit_kinds"] = ["gmina_ksiezycowa"]
        bad["services"][9]["nazwa"] = "?"
        del bad["services"][10]["deadline"]
        bad["categories"][1]["slug"] = "Zła Nazwa"
        errors = _errors(bad)
        joined = "\n".join(errors)
        assert "services[12].fee.amount_grosze: must be a whole number" in errors
        for path in (
            "services[3].maturity_level:",
            "services[4].categories[0]:",
            "services[6].slug:",
            "services[7].name:",
            "services[8].unit_kinds[0]:",
            "services[9].nazwa:",
            "services[10].deadline:",
            "categories[1].slug:",
        ):
            assert path in joined, path

    @pytest.mark.parametrize(
        ("content", "expected"),
        [
            (b"{not json", "is not valid JSON"),
            (b"\xff\xfe", "UTF-8"),
            (b"[1, 2]", "must be a JSON object"),
            (b"[" * 100_000, "JSON"),
            (b'{"categories": [], "life_events": [], "services": {}}', "services: must be a list"),
            (b'{"categories": [], "life_events": []}', "services: is missing"),
        ],
    )
    def test_a_file_that_is_no_catalogue_is_refused_with_a_reason(self, content, expected):
        with pytest.raises(CatalogueDocumentInvalid) as raised:
            catalogue_document_parse(content)
        assert any(expected in error for error in raised.value.errors), raised.value.errors

    def test_a_file_too_large_is_refused_before_it_is_read(self):
        with pytest.raises(CatalogueDocumentInvalid, match="MB"):
            catalogue_document_parse(b" " * (MAX_DOCUMENT_BYTES + 1))

    def test_values_postgresql_cannot_store_are_refused(self, seeded):
        bad = copy.deepcopy(seeded)
        bad["services"][0]["description"] = "tekst\x00z zerem"
        bad["forms"][0]["json_schema"]["title"] = "\ud800"
        bad["services"][1]["fee"]["amount_grosze"] = 10**20
        bad["services"][2]["deadline"]["days"] = True
        joined = "\n".join(_errors(bad))
        for path in (
            "services[0].description:",
            "forms[0]:",
            "services[1].fee.amount_grosze:",
            "services[2].deadline.days:",
        ):
            assert path in joined, path

    def test_a_later_format_is_refused(self, seeded):
        assert _errors({**seeded, "format": "ratusz-catalogue/2"}) == [
            "format: must be ratusz-catalogue/1, the format this platform reads"
        ]

    def test_a_form_that_does_not_work_is_refused(self, seeded):
        bad = copy.deepcopy(seeded)
        bad["forms"][0]["json_schema"] = {"type": "object", "properties": {"a": {"type": "widget"}}}
        assert any(error.startswith("forms[0].json_schema:") for error in _errors(bad))

    def test_many_errors_are_cut_short(self, seeded):
        bad = copy.deepcopy(seeded)
        for card in bad["services"]:
            card["maturity_level"] = "wysoki"
        errors = _errors(bad)
        assert len(errors) == 51 and "more errors" in errors[-1]

    def test_an_export_is_valid(self, seeded):
        assert _errors(json.loads(catalogue_export_bytes(seeded))) == []


class TestNewOnly:
    """make run loads the seed with --new-only at every start: what operators changed in the console stays."""

    def test_a_card_changed_in_the_console_survives_and_a_missing_card_is_added(self, seeded, tmp_path, capsys):
        kept = StandardService.objects.get(slug=seeded["services"][0]["slug"])
        draft = service_draft_create(service=kept, changes={"short_description": "Opis zmieniony w konsoli."})
        service_version_publish(version=draft)
        grown = copy.deepcopy(seeded)
        grown["services"].append({**copy.deepcopy(seeded["services"][1]), "slug": "karta-dodana-do-ziarna"})
        path = tmp_path / "ziarno.json"
        path.write_bytes(catalogue_export_bytes(grown))

        call_command("load_standard_catalogue", str(path), "--new-only")

        assert "1 new, 0 updated" in capsys.readouterr().out
        kept.refresh_from_db()
        assert kept.published.short_description == "Opis zmieniony w konsoli."
        assert StandardService.objects.get(slug="karta-dodana-do-ziarna").published.number == 1

    def test_without_the_option_the_seed_versions_the_changed_card_again(self, seeded, capsys):
        kept = StandardService.objects.get(slug=seeded["services"][0]["slug"])
        draft = service_draft_create(service=kept, changes={"short_description": "Opis zmieniony w konsoli."})
        service_version_publish(version=draft)

        call_command("load_standard_catalogue")

        assert "0 new, 1 updated" in capsys.readouterr().out
        kept.refresh_from_db()
        assert kept.published.short_description == seeded["services"][0]["short_description"]
