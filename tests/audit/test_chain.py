"""The unit's audit trail: a hash chain per unit schema in which changing, deleting, inserting or re-chaining
entries is detected, also when the last entries are deleted (through the chain's head)."""

import datetime
import hashlib
import json
import threading
import uuid
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from shared_services.audit.chain import entry_hash_compute, json_as_stored
from shared_services.audit.models import ZERO_HASH, AppendOnlyError, AuditEntry, AuditHead
from shared_services.audit.selectors import audit_check, audit_entries
from shared_services.audit.services import audit_batch, audit_record
from tenants.models import Tenant
from tests.conftest import UNIT_A, UNIT_B

pytestmark = pytest.mark.django_db


def record_three():
    audit_record(
        actor="anna@torun.example (clerk)",
        action="case.register",
        target="case:12",
        after={"status": "registered", "register": "15/2026"},
    )
    audit_record(
        actor="anna@torun.example (clerk)",
        action="case.assign",
        target="case:12",
        before={"assignee": None},
        after={"assignee": "jan@torun.example"},
    )
    return audit_record(
        actor="system",
        action="case.close",
        target="case:12",
        before={"status": "registered"},
        after={"status": "closed"},
    )


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_chain_of_entries_is_intact_and_linked(unit_a, in_unit):
    with in_unit(unit_a):
        last = record_three()
        entries = list(AuditEntry.objects.order_by("sequence"))
        assert [entry.sequence for entry in entries] == [1, 2, 3]
        assert entries[0].previous_hash == ZERO_HASH
        assert [entry.previous_hash for entry in entries[1:]] == [entry.entry_hash for entry in entries[:2]]
        assert all(len(entry.entry_hash) == 64 and int(entry.entry_hash, 16) >= 0 for entry in entries)
        head = AuditHead.objects.get()
        assert (head.last_sequence, head.last_hash) == (3, last.entry_hash)
        assert audit_check() == []


def test_the_hash_is_sha256_of_the_documented_canonical_json(unit_a, in_unit):
    with in_unit(unit_a):
        entry = audit_record(
            actor="system",
            action="register.open",
            target="register:15/2026",
            after={"rok": 2026, "nazwa": "Dziennik podawczy"},
        )
        entry = AuditEntry.objects.get(pk=entry.pk)
        when = entry.recorded_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        canonical = (
            '{"action":"register.open","actor":"system","after":{"nazwa":"Dziennik podawczy","rok":2026},'
            f'"before":null,"previous_hash":"{ZERO_HASH}","recorded_at":"{when}","sequence":1,'
            '"target":"register:15/2026"}'
        )
        assert entry.entry_hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_a_rolled_back_entry_gives_its_number_back(unit_a, in_unit):
    with in_unit(unit_a):
        audit_record(actor="system", action="a", target="t")
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(actor="system", action="b", target="t")
            raise RuntimeError
        assert audit_record(actor="system", action="c", target="t").sequence == 2
        assert audit_check() == []


def test_a_batchs_entries_are_appended_together_when_it_ends_and_not_at_all_when_it_fails(unit_a, in_unit):
    with in_unit(unit_a):
        audit_record(actor="system", action="a", target="t")
        with transaction.atomic(), audit_batch():
            first = audit_record(actor="system", action="b", target="t")
            with audit_batch():  # a nested block belongs to the outer one
                second = audit_record(actor="system", action="c", target="t")
            assert first.pk is None and second.pk is None  # nothing written, the chain's head not locked yet
            assert first.recorded_at is None  # stamped when appended, under the chain's lock
            assert AuditHead.objects.get().last_sequence == 1
        assert (first.sequence, second.sequence) == (2, 3) and second.previous_hash == first.entry_hash
        assert first.recorded_at <= second.recorded_at  # stamped as appended, under the chain's lock
        with pytest.raises(RuntimeError), transaction.atomic(), audit_batch():
            audit_record(actor="system", action="d", target="t")
            raise RuntimeError
        assert list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True)) == ["a", "b", "c"]
        assert audit_record(actor="system", action="e", target="t").sequence == 4
        assert audit_check() == []


def test_a_batch_belongs_to_its_transaction_and_its_unit(unit_a, unit_b, in_unit):
    with in_unit(unit_a):
        with transaction.atomic():
            with audit_batch():
                kept = audit_record(actor="system", action="a", target="t")
                with tenant_context(unit_b):  # another unit's entry goes to its own chain, at once
                    elsewhere = audit_record(actor="system", action="b", target="t")
                    assert elsewhere.pk is not None and elsewhere.sequence == 1
                assert kept.pk is None
            with pytest.raises(RuntimeError), audit_batch():  # a failed batch dooms the whole transaction
                raise RuntimeError
            assert transaction.get_rollback()
            transaction.set_rollback(False)  # only so the test can look; an action would have ended here
        assert list(AuditEntry.objects.values_list("action", flat=True)) == ["a"]
    with in_unit(unit_b):
        assert list(AuditEntry.objects.values_list("action", flat=True)) == ["b"]


def test_dates_decimals_uuids_and_numbers_survive_the_round_trip(unit_a, in_unit):
    value = {
        "date": datetime.date(2026, 3, 1),
        "when": datetime.datetime(2026, 3, 1, 9, 15, 2, 123456, tzinfo=datetime.UTC),
        "fee": Decimal("12.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "floats": [1.5, 0.1, 1e16, 1.5e-7, -0.0, 1e300, 2.0],
        "pair": (1, 2),
        5: "integer key",
        "text": 'Zażółć gęślą jaźń "cudzysłów" \\ \n',
        "nested": {"b": [None, True, False], "a": {}},
    }
    with in_unit(unit_a):
        written = audit_record(
            actor="system", action="fee.change", target="service:7", before=value, after=[value, "x"]
        )
        read = AuditEntry.objects.get(pk=written.pk)
        assert read.before == written.before and read.after == written.after
        assert read.before["fee"] == "12.50" and read.before["date"] == "2026-03-01"
        assert read.before["floats"][2] == 10**16
        assert read.recorded_at == written.recorded_at
        assert (
            entry_hash_compute(
                sequence=read.sequence,
                recorded_at=read.recorded_at,
                actor=read.actor,
                action=read.action,
                target=read.target,
                before=read.before,
                after=read.after,
                previous_hash=read.previous_hash,
            )
            == written.entry_hash
        )
        assert audit_check() == []


def test_json_as_stored_matches_what_postgresql_returns():
    samples = [1e16, 1.5e-7, -0.0, 1e-300, 123456789.125, 1.7976931348623157e308, 5e-324, 0.1 + 0.2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::jsonb::text", [json.dumps(samples)])
        assert json.loads(cursor.fetchone()[0]) == json_as_stored(samples)


def test_the_orm_refuses_to_change_or_delete_entries(unit_a, in_unit):
    with in_unit(unit_a):
        entry = audit_record(actor="system", action="a", target="t")
        entry.action = "b"
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).update(action="b")
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().delete()
        assert audit_check() == []


def test_a_changed_entry_is_named(unit_a, in_unit, english):
    with in_unit(unit_a):
        record_three()
        sql(
            "UPDATE audit_auditentry SET after = %s::jsonb WHERE sequence = 2",
            ['{"assignee": "mallory@torun.example"}'],
        )
        assert audit_check() == ["Entry 2 was changed: its content does not match its hash."]


def test_a_changed_actor_or_time_is_detected(unit_a, in_unit, english):
    with in_unit(unit_a):
        record_three()
        sql("UPDATE audit_auditentry SET actor = 'system' WHERE sequence = 1")
        sql("UPDATE audit_auditentry SET recorded_at = recorded_at + interval '1 microsecond' WHERE sequence = 3")
        assert audit_check() == [
            "Entry 1 was changed: its content does not match its hash.",
            "Entry 3 was changed: its content does not match its hash.",
        ]


def test_a_deleted_middle_entry_is_detected(unit_a, in_unit, english):
    with in_unit(unit_a):
        record_three()
        audit_record(actor="system", action="d", target="t")
        sql("DELETE FROM audit_auditentry WHERE sequence IN (2, 3)")
        assert audit_check() == ["Entries 2 to 3 are missing (deleted)."]
        sql("DELETE FROM audit_auditentry WHERE sequence = 1")
        assert audit_check() == ["Entries 1 to 3 are missing (deleted)."]


def test_deleting_the_last_entries_is_detected_through_the_head(unit_a, in_unit, english):
    with in_unit(unit_a):
        record_three()
        sql("DELETE FROM audit_auditentry WHERE sequence = 3")
        assert audit_check() == ["Entry 3 is missing (deleted)."]
        sql("DELETE FROM audit_auditentry")
        assert audit_check() == ["Entries 1 to 3 are missing (deleted)."]
        sql("DELETE FROM audit_audithead")
        assert audit_check() == []  # nothing left to check against: an empty trail


def test_a_deleted_head_is_reported(unit_a, in_unit, english):
    with in_unit(unit_a):
        record_three()
        sql("DELETE FROM audit_audithead")
        assert audit_check() == [
            "The chain's head record is missing although the chain has entries, so deleting "
            "its last entries could not be detected."
        ]


def test_swapped_entries_are_detected(unit_a, in_unit, english):
    with in_unit(unit_a):
        record_three()
        sql("UPDATE audit_auditentry SET sequence = 1000 WHERE sequence = 2")
        sql("UPDATE audit_auditentry SET sequence = 2 WHERE sequence = 3")
        sql("UPDATE audit_auditentry SET sequence = 3 WHERE sequence = 1000")
        problems = audit_check()
        assert "Entry 2 was changed: its content does not match its hash." in problems
        assert "Entry 3 was changed: its content does not match its hash." in problems


def forge(entry_id, **changes):
    """Change an entry and give it a hash that matches its new content, as a careful forger would."""
    entry = AuditEntry.objects.get(pk=entry_id)
    for field, value in changes.items():
        setattr(entry, field, value)
    fields = {
        name: getattr(entry, name)
        for name in ("sequence", "recorded_at", "actor", "action", "target", "before", "after", "previous_hash")
    }
    sql(
        "UPDATE audit_auditentry SET after = %s::jsonb, previous_hash = %s, entry_hash = %s WHERE id = %s",
        [json.dumps(entry.after), entry.previous_hash, entry_hash_compute(**fields), entry_id],
    )


def test_a_changed_and_rehashed_entry_breaks_the_link_to_the_next(unit_a, in_unit, english):
    with in_unit(unit_a):
        record_three()
        forge(AuditEntry.objects.get(sequence=2).pk, after={"assignee": "mallory@torun.example"})
        assert audit_check() == [
            "Entry 3 does not follow entry 2: its previous hash is not that entry's hash "
            "(entries were changed, inserted or re-chained)."
        ]


def test_a_rehashed_last_entry_is_caught_by_the_head(unit_a, in_unit, english):
    with in_unit(unit_a):
        record_three()
        forge(AuditEntry.objects.get(sequence=3).pk, after={"status": "reopened"})
        assert audit_check() == [
            "The last entry, 3, is not the one the chain's head records (it was replaced or its hash changed)."
        ]


def test_a_rechained_first_entry_is_detected(unit_a, in_unit, english):
    with in_unit(unit_a):
        record_three()
        forge(AuditEntry.objects.get(sequence=1).pk, previous_hash="f" * 64)
        assert audit_check() == [
            "Entry 1 does not start the chain: its previous hash is not the starting value (entries were "
            "inserted or the chain was rebuilt).",
            "Entry 2 does not follow entry 1: its previous hash is not that entry's hash (entries were changed, "
            "inserted or re-chained).",
        ]


def test_entries_added_behind_the_trails_back_are_detected(unit_a, in_unit, english):
    with in_unit(unit_a):
        last = record_three()
        fields = {
            "sequence": 4,
            "recorded_at": last.recorded_at,
            "actor": "system",
            "action": "case.delete",
            "target": "case:12",
            "before": None,
            "after": None,
            "previous_hash": last.entry_hash,
        }
        AuditEntry.objects.create(**fields, entry_hash=entry_hash_compute(**fields))
        assert audit_check() == [
            "Entries after 3 were added outside the audit trail: the chain's head records entry 3 as the last."
        ]


def test_units_have_separate_chains(unit_a, unit_b, in_unit, english):
    with in_unit(unit_a):
        record_three()
    with in_unit(unit_b):
        audit_record(
            actor="wojt@lubicz.example (admin)",
            action="branding.update",
            target="branding",
            before={"tagline": ""},
            after={"tagline": "Gmina Lubicz"},
        )
        entries = list(audit_entries())
        assert [(entry.sequence, entry.action) for entry in entries] == [(1, "branding.update")]
        assert entries[0].previous_hash == ZERO_HASH
    with in_unit(unit_a):
        assert [entry.sequence for entry in audit_entries()] == [3, 2, 1]
        assert [entry.action for entry in audit_entries(target="case:12")][:1] == ["case.close"]
        assert list(audit_entries(target="branding")) == []
        sql("UPDATE audit_auditentry SET target = 'case:13' WHERE sequence = 1")
        assert audit_check() == ["Entry 1 was changed: its content does not match its hash."]
    with in_unit(unit_b):
        assert audit_check() == []


def test_the_command_reports_intact_units(unit_a, unit_b, in_unit, english):
    with in_unit(unit_a):
        record_three()
    out = StringIO()
    call_command("check_audit", UNIT_A["code"], UNIT_B["code"], stdout=out)
    assert out.getvalue().splitlines() == [
        f"{UNIT_B['code']} {UNIT_B['name']}: intact (0 entries)",
        f"{UNIT_A['code']} {UNIT_A['name']}: intact (3 entries)",
    ]
    out = StringIO()
    call_command("check_audit", stdout=out)  # every unit with a schema
    assert f"{UNIT_A['code']} {UNIT_A['name']}: intact (3 entries)" in out.getvalue().splitlines()


def test_the_command_fails_with_the_problems(unit_a, unit_b, in_unit, english):
    with in_unit(unit_a):
        record_three()
        sql("DELETE FROM audit_auditentry WHERE sequence = 2")
        sql("UPDATE audit_auditentry SET action = 'case.reopen' WHERE sequence = 3")
    with in_unit(unit_b):
        record_three()
    out = StringIO()
    with pytest.raises(CommandError, match=r"problems in 1 unit\(s\)") as raised:
        call_command("check_audit", UNIT_A["code"], UNIT_B["code"], stdout=out)
    assert raised.value.returncode == 1
    assert out.getvalue().splitlines() == [
        f"{UNIT_B['code']} {UNIT_B['name']}: intact (3 entries)",
        f"{UNIT_A['code']} {UNIT_A['name']}: problems found:",
        "  - Entry 2 is missing (deleted).",
        "  - Entry 3 was changed: its content does not match its hash.",
    ]


def test_the_command_refuses_unknown_units(db, english):
    with pytest.raises(CommandError, match="No such unit with a schema: 9999999"):
        call_command("check_audit", "9999999", stdout=StringIO())


# Concurrency needs real, separate connections and committed rows: the entries are recorded by threads
# outside the test's transaction, and the fixture deletes them (from a thread of its own) afterwards.
PER_THREAD = 50


def in_own_connection(work, errors):
    try:
        work()
    except Exception as error:  # reported by the test, not lost in the thread
        errors.append(error)
    finally:
        connection.close()


def run_threads(*works):
    errors = []
    threads = [threading.Thread(target=in_own_connection, args=(work, errors)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.fixture
def committed_trail(django_db_blocker):
    unit = Tenant.objects.get(code=UNIT_B["code"])

    def clean():
        with tenant_context(unit):
            sql("DELETE FROM audit_auditentry")
            sql("DELETE FROM audit_audithead")

    with django_db_blocker.unblock():
        run_threads(clean)
        yield unit
        run_threads(clean)


def test_concurrent_entries_are_numbered_without_gaps(committed_trail):
    unit = committed_trail

    def record(name):
        def work():
            with tenant_context(unit):
                for index in range(PER_THREAD):
                    audit_record(
                        actor=f"{name}@lubicz.example (clerk)",
                        action="case.note",
                        target=f"case:{index}",
                        after={"thread": name, "index": index},
                    )

        return work

    run_threads(record("anna"), record("jan"))
    with tenant_context(unit):  # the test's own connection sees the committed rows
        assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
            range(1, 2 * PER_THREAD + 1)
        )
        assert AuditEntry.objects.filter(actor="anna@lubicz.example (clerk)").count() == PER_THREAD
        assert AuditHead.objects.get().last_sequence == 2 * PER_THREAD
        assert audit_check() == []
