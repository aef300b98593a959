"""A unit's registers: adopted by kind, records entered against the definition, published to BIP with the act's
metadata and versions, withdrawn with their trace kept, and proposed by a closed case of a linked service."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from shared_services.audit.selectors import audit_entries
from shared_services.bip.models import Publication
from shared_services.bip.renderers import data_render
from shared_services.bip.selectors import public_versions, published_publications
from shared_services.catalogue.models import RegisterListing
from shared_services.eforms.filling import ApplicationForm
from shared_services.identity.access import StaffRole
from shared_services.inbox.case_services import case_close
from shared_services.registers.models import Record, RecordStatus, Register
from shared_services.registers.selectors import published_records, register_definition
from shared_services.registers.services import (
    record_change,
    record_create,
    record_discard,
    record_publish,
    record_withdraw,
    registers_adopt_defaults,
)
from tests.registers.conftest import RESOLUTION, resolution_publish
from tests.support.accounts import staff_account
from tests.support.cases import cases_filed

pytestmark = pytest.mark.django_db
PERMIT_SERVICE = "standard:zezwolenie-na-sprzedaz-napojow-alkoholowych"


def test_a_unit_keeps_the_registers_of_its_kind(standard_registers, unit_a, unit_b, django_assert_max_num_queries):
    with tenant_context(unit_b):  # a rural gmina
        with django_assert_max_num_queries(6):  # per unit, whatever the number of registers: 2,807 units are cheap
            assert registers_adopt_defaults(unit_kind=unit_b.kind) >= 12
        assert registers_adopt_defaults(unit_kind=unit_b.kind) == 0  # idempotent
        assert {"zezwolenia-alkohol", "przystanki", "uchwaly-rady"} <= set(
            Register.objects.values_list("slug", flat=True)
        )
    with tenant_context(unit_a):
        registers_adopt_defaults(unit_kind="powiat")
        slugs = set(Register.objects.values_list("slug", flat=True))
        assert "uchwaly-rady" in slugs and "przystanki" not in slugs


def test_a_record_is_checked_by_the_registers_form_in_polish(registers_a):
    with tenant_context(registers_a):
        definition = register_definition(Register.objects.get(slug="rejestr-umow"))
        form = ApplicationForm(
            {
                "numer": "RI.272.1.2026",
                "data_zawarcia": "2026-02-30",
                "wykonawca": "Budimex",
                "nip": "123",
                "przedmiot": "Remont drogi",
                "kwota": "dużo",
                "tryb": "pzp",
            },
            definition=definition,
        )
        assert not form.is_valid()
        assert set(form.errors) == {"data_zawarcia", "nip", "kwota"}
        assert "NIP" in str(form.errors["nip"]) or "nieprawid" in str(form.errors["nip"]).lower()


def test_publishing_makes_a_bip_item_with_the_acts_metadata_and_versions(registers_a):
    with tenant_context(registers_a):
        record = resolution_publish()
        assert record.status == RecordStatus.PUBLISHED
        publication = Publication.objects.get(pk=record.publication_id)
        assert publication.source_app == "registers" and publication.section.key == "rejestr-uchwaly-rady"
        first = publication.versions.get()
        assert first.title == "Rejestr uchwał rady: XII/123/2026"
        assert (first.produced_by, first.produced_on, first.entered_by) == (
            "Rada Miasta",
            date(2026, 3, 26),
            "Anna Redaktorska",
        )
        assert first.published_at is not None and first.publisher
        assert "w sprawie uchwalenia budżetu" in data_render("registers", first.data, "pl")
        assert list(published_records(record.register)) == [record]

        record_change(
            record=record,
            data={**RESOLUTION, "status": "uchylona"},
            produced_by="Rada Miasta",
            produced_on=date(2026, 3, 26),
            actor="kierownik",
            entered_by="Anna Redaktorska",
        )
        versions = sorted(public_versions(publication), key=lambda version: version.number)
        assert [v.kind for v in versions] == ["created", "changed"]
        assert "obowiązuje" in data_render("registers", versions[0].data, "pl")  # the earlier version stays readable
        assert "uchylona" in data_render("registers", versions[1].data, "pl")
        listing = RegisterListing.objects.get(unit=registers_a, register_id=record.register_id)
        assert listing.record_count == 1


def test_a_withdrawn_record_keeps_its_trace_and_leaves_the_open_data(registers_a):
    with tenant_context(registers_a):
        record = resolution_publish()
        record_withdraw(record=record, reason="Uchwała stwierdzona nieważną", actor="kierownik", entered_by="A. R.")
        record.refresh_from_db()
        assert record.status == RecordStatus.WITHDRAWN
        publication = Publication.objects.get(pk=record.publication_id)
        assert publication.withdrawn
        assert sorted(v.kind for v in public_versions(publication)) == ["created", "withdrawn"]
        assert not published_records(record.register).exists()
        assert not published_publications().filter(pk=publication.pk).exists()
        assert RegisterListing.objects.get(unit=registers_a, register_id=record.register_id).record_count == 0
        with pytest.raises(ValidationError):
            record_change(
                record=record, data=RESOLUTION, produced_by="x", produced_on=date(2026, 1, 1), actor="k", entered_by="k"
            )
        actions = {e.action for e in audit_entries(target=f"register_record:uchwaly-rady/{record.number}")}
        assert {"registers.create", "registers.publish", "registers.withdraw"} <= actions


def test_drafts_are_numbered_not_public_and_may_be_discarded(registers_a):
    with tenant_context(registers_a):
        register = Register.objects.get(slug="uchwaly-rady")
        first = record_create(
            register=register, data=RESOLUTION, produced_by="Rada", produced_on=date(2026, 1, 1), actor="k"
        )
        second = record_create(
            register=register, data=RESOLUTION, produced_by="Rada", produced_on=date(2026, 1, 1), actor="k"
        )
        assert (first.number, second.number) == (1, 2)
        assert not published_records(register).exists() and not Publication.objects.exists()
        record_discard(record=first, actor="k")
        assert list(Record.objects.values_list("number", flat=True)) == [2]
        published = record_publish(record=second, actor="k", entered_by="k")
        with pytest.raises(ValidationError):
            record_discard(record=published, actor="k")


def _permit_case(unit):
    case = cases_filed(
        1,
        data={
            "nazwa_przedsiebiorcy": "Delikatesy Pod Ratuszem sp. z o.o.",
            "nip": "5260250274",
            "adres_punktu": "ul. Szeroka 12, Lubicz",
            "rodzaj_zezwolenia": "B",
            "miejsce_spozycia": "poza",
            "email": "biuro@delikatesy.example",
        },
    )[0]
    case.register_entry.submission.service_key = PERMIT_SERVICE
    case.register_entry.submission.save(update_fields=["service_key"])
    return case


def test_closing_a_permit_case_proposes_a_record_prefilled_and_unpublished(registers_b):
    admin = staff_account(registers_b, "sekretarz", StaffRole.UNIT_ADMIN)
    with tenant_context(registers_b):
        case = _permit_case(registers_b)
        case_close(user=admin, case=case, resolution="Wydano zezwolenie SO.7340.12.2026.")
        proposal = Record.objects.get(source_case=case)
        assert proposal.status == RecordStatus.PROPOSED and proposal.register.slug == "zezwolenia-alkohol"
        assert proposal.data == {
            "przedsiebiorca": "Delikatesy Pod Ratuszem sp. z o.o.",
            "nip": "5260250274",
            "adres_punktu": "ul. Szeroka 12, Lubicz",
            "rodzaj": "B",
            "miejsce_spozycia": "poza",
        }  # the e-mail address is not taken over
        assert not Publication.objects.exists()
        with pytest.raises(ValidationError):  # a proposal is reviewed (saved by a clerk) before it is published
            record_publish(record=proposal, actor="k", entered_by="k")
        completed = {
            **proposal.data,
            "numer": "SO.7340.12.2026",
            "data_wydania": "2026-12-01",
            "wazne_od": "2026-12-15",
            "wazne_do": "2030-12-14",
        }
        record_change(
            record=proposal,
            data=completed,
            produced_by="Wójt Gminy",
            produced_on=date(2026, 12, 1),
            actor="k",
            entered_by="k",
        )
        record_publish(record=proposal, actor="k", entered_by="k")
        assert Publication.objects.count() == 1


def test_a_case_of_another_service_proposes_nothing(registers_b):
    admin = staff_account(registers_b, "sekretarz", StaffRole.UNIT_ADMIN)
    with tenant_context(registers_b):
        case = cases_filed(1)[0]
        case_close(user=admin, case=case, resolution="Załatwiono.")
        assert not Record.objects.exists()
