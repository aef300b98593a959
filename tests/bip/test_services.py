"""The publishing core: every item carries the act's metadata, a change makes a version and earlier versions
stay readable, withdrawing leaves the item's trace with its reason, scheduled items wait for their time, and
every write is in the unit's audit chain."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.audit.selectors import audit_check, audit_entries
from shared_services.bip.models import ChangeKind, Editor, Section
from shared_services.bip.seed_data import standard_sections
from shared_services.bip.selectors import (
    change_register,
    public_version,
    public_versions,
    publication_search,
    published_publications,
    visible_version,
    withheld_statements,
)
from shared_services.bip.services import (
    bip_seed,
    editor_remove,
    publication_change,
    publication_draft_discard,
    publication_draft_publish,
    publication_for_source_save,
    publication_schedule_cancel,
    publication_withdraw,
    section_ensure,
    section_move,
    section_save,
)
from tests.bip.conftest import item_publish

pytestmark = pytest.mark.django_db


def test_a_published_item_carries_the_metadata_of_the_act(bip_a):
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
        version = visible_version(publication)
        assert version.publisher == bip_a.name
        assert version.produced_by == "Jan Kowalski, Wydział Organizacyjny"
        assert version.entered_by == "Anna Redaktorska"
        assert version.produced_on == date(2026, 11, 30)
        assert version.published_at is not None and version.kind == ChangeKind.CREATED
        assert version.changed_by == "kierownik"
        assert [entry.action for entry in audit_entries(target=f"bip_publication:{publication.pk}")] == ["bip.publish"]
        assert audit_check() == []


def test_a_change_makes_a_new_version_and_the_earlier_one_stays_readable(bip_a):
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
        publication_change(
            actor="kierownik",
            publication=publication,
            change_note="Poprawiono datę wejścia w życie",
            body="Treść po zmianie.",
            entered_by="Piotr Nowak",
        )
        register = list(public_versions(publication))
        assert [(v.number, v.kind) for v in register] == [(2, ChangeKind.CHANGED), (1, ChangeKind.CREATED)]
        assert register[0].body == "Treść po zmianie." and register[0].entered_by == "Piotr Nowak"
        assert register[0].produced_by == "Jan Kowalski, Wydział Organizacyjny"  # carried over
        assert public_version(publication, 1).body == "Treść zarządzenia."
        assert visible_version(publication).number == 2
        actions = [entry.action for entry in audit_entries(target=f"bip_publication:{publication.pk}")]
        assert sorted(actions) == ["bip.change", "bip.publish"]
        with pytest.raises(ValidationError) as refused:
            publication_change(actor="kierownik", publication=publication, change_note=" ", title="X")
        assert "change_note" in refused.value.message_dict
        assert publication.versions.count() == 2


def test_a_withdrawn_item_keeps_its_trace_with_the_reason(bip_a):
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
        publication_withdraw(
            actor="kierownik",
            publication=publication,
            reason="Uchylone przez wojewodę",
            entered_by="Anna Redaktorska",
            withheld_scope="Dane osobowe stron",
            withheld_basis="art. 5 ust. 2 ustawy o dostępie do informacji publicznej",
            withheld_by="Wójt Gminy",
        )
        assert not published_publications().filter(pk=publication.pk).exists()
        register = list(public_versions(publication))
        assert register[0].kind == ChangeKind.WITHDRAWN and register[0].withdrawal_reason == "Uchylone przez wojewodę"
        assert register[0].withheld_basis.startswith("art. 5")
        assert public_version(publication, 1).body == "Treść zarządzenia."
        assert [v.kind for v in change_register()[:2]] == [ChangeKind.WITHDRAWN, ChangeKind.CREATED]
        with pytest.raises(ValidationError):
            publication_change(actor="x", publication=publication, change_note="again", title="X")
        with pytest.raises(ValidationError):
            publication_withdraw(actor="x", publication=publication, reason="again", entered_by="x")


def test_withdrawing_needs_a_reason(bip_a):
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
        with pytest.raises(ValidationError):
            publication_withdraw(actor="x", publication=publication, reason="  ", entered_by="x")
        publication.refresh_from_db()
        assert not publication.withdrawn


def test_a_scheduled_item_is_invisible_before_its_time_and_visible_after(bip_a):
    with tenant_context(bip_a):
        now = timezone.now()
        later = now + timedelta(days=2)
        publication = item_publish(bip_a, published_at=later)
        assert not published_publications(now=now).filter(pk=publication.pk).exists()
        assert visible_version(publication, now=now) is None
        assert not change_register(now=now).filter(publication=publication).exists()
        assert not publication_search(query="regulaminu", now=now).exists()
        after = later + timedelta(minutes=1)
        assert published_publications(now=after).filter(pk=publication.pk).exists()
        assert publication_search(query="regulaminu", now=after).exists()
        with pytest.raises(ValidationError):
            publication_change(actor="x", publication=publication, change_note="n", title="Y", now=now)
        publication_schedule_cancel(actor="x", publication=publication, now=now)
        assert visible_version(publication, now=after) is None  # back to a draft


def test_a_draft_is_never_public_until_published(bip_a):
    with tenant_context(bip_a):
        publication = item_publish(bip_a, draft=True)
        assert not published_publications().filter(pk=publication.pk).exists()
        assert not change_register().filter(publication=publication).exists()
        publication_draft_publish(actor="x", publication=publication)
        assert published_publications().filter(pk=publication.pk).exists()


def test_publication_time_cannot_be_in_the_past(bip_a):
    with tenant_context(bip_a):
        with pytest.raises(ValidationError):
            item_publish(bip_a, published_at=timezone.now() - timedelta(days=1))


def test_search_finds_only_published_items_by_every_word(bip_a):
    with tenant_context(bip_a):
        item_publish(bip_a, title="Uchwała budżetowa na rok 2027")
        item_publish(bip_a, title="Ogłoszenie o naborze", draft=True)
        assert [p.shown_title for p in publication_search(query="budżetowa 2027")] == ["Uchwała budżetowa na rok 2027"]
        assert not publication_search(query="naborze").exists()
        assert not publication_search(query="budżetowa naborze").exists()


def test_a_source_record_is_published_once_and_changed_only_when_its_content_differs(bip_a):
    with tenant_context(bip_a):
        section = section_ensure(key="rejestr-uchwal", title="Rejestr uchwał", title_en="Resolutions")
        content = {
            "title": "Uchwała XII/123/2026",
            "produced_by": "Rada Gminy",
            "produced_on": date(2026, 11, 20),
            "entered_by": "Anna Redaktorska",
            "data": {"numer": "XII/123/2026"},
        }
        first = publication_for_source_save(
            actor="a", source_app="registers", source_key="uchwaly/1", section=section, **content
        )
        again = publication_for_source_save(
            actor="a", source_app="registers", source_key="uchwaly/1", section=section, **content
        )
        assert again.pk == first.pk and again.versions.count() == 1
        content["data"] = {"numer": "XII/123/2026", "status": "obowiązuje"}
        publication_for_source_save(
            actor="a", source_app="registers", source_key="uchwaly/1", section=section, **content
        )
        assert first.versions.count() == 2
        assert section_ensure(key="rejestr-uchwal", title="Inny").title == "Rejestr uchwał"


def test_the_standard_menu_differs_by_kind_and_the_unit_extends_it(bip_a):
    gmina = {s["key"] for s in standard_sections("gmina_wiejska")}
    powiat = {s["key"] for s in standard_sections("powiat")}
    assert {"rada", "informacja-nieudostepniona", "deklaracja-dostepnosci", "petycje"} <= gmina
    assert "rada-powiatu" in powiat and "rada" not in powiat
    titles = {
        kind: {s["key"]: s["title"] for s in standard_sections(kind)} for kind in ("gmina_wiejska", "gmina_miejska")
    }
    assert titles["gmina_wiejska"]["rada"] == "Rada Gminy" and titles["gmina_miejska"]["rada"] == "Rada Miasta"
    with tenant_context(bip_a):
        assert bip_seed(unit_kind=bip_a.kind, unit_name=bip_a.name) == 0  # seeding again adds nothing
        own = section_save(actor="a", key="sport", title="Sport i rekreacja")
        assert list(Section.objects.values_list("key", flat=True))[-1] == "sport"
        section_move(actor="a", section=own, up=True)
        assert list(Section.objects.values_list("key", flat=True))[-2] == "sport"
        section_save(actor="a", section=Section.objects.get(key="wladze"), title="Organy gminy")
        assert Section.objects.get(key="wladze").title == "Organy gminy"
        with pytest.raises(ValidationError):
            section_save(actor="a", key="sport", title="Duplikat")


def test_the_last_editor_cannot_be_removed(bip_a):
    with tenant_context(bip_a):
        with pytest.raises(ValidationError):
            editor_remove(actor="a", editor=Editor.objects.get())


def test_one_units_items_are_not_in_another_units_bip(bip_a, bip_b):
    with tenant_context(bip_a):
        item_publish(bip_a, title="Tylko w Toruniu")
    with tenant_context(bip_b):
        assert not publication_search(query="Toruniu").exists()


def test_a_draft_is_discarded_not_withdrawn_and_leaves_no_public_trace(bip_a):
    with tenant_context(bip_a):
        publication = item_publish(bip_a, title="Projekt", draft=True)
        with pytest.raises(ValidationError):
            publication_withdraw(actor="x", publication=publication, reason="r", entered_by="x")
        publication_draft_discard(actor="x", publication=publication)
        assert not change_register().exists()
        actions = audit_entries(target=f"bip_publication:{publication.pk}").order_by("sequence")
        assert [entry.action for entry in actions] == ["bip.draft", "bip.draft_discard"]
        published = item_publish(bip_a)
        with pytest.raises(ValidationError):
            publication_draft_discard(actor="x", publication=published)


def test_withheld_information_is_stated_once_per_item_from_its_visible_version(bip_a):
    withheld = {"withheld_scope": "Dane osobowe", "withheld_basis": "art. 5 ust. 2", "withheld_by": "Sekretarz"}
    with tenant_context(bip_a):
        publication = item_publish(bip_a, **withheld)
        publication_change(actor="x", publication=publication, change_note="Poprawka", body="Nowa")
        item_publish(bip_a, title="Bez wyłączeń")
        statements = withheld_statements()
        assert [(s.publication_id, s.number) for s in statements] == [(publication.pk, 2)]
