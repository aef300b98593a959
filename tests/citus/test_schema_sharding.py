"""Units on Citus: each unit's schema a distributed schema placed whole on one worker, spread over the workers,
and a unit moved to another worker with its applications, receipts and files intact (docs/citus.md).

Skipped unless the test database has the citus extension: `make test-citus` runs them on a coordinator and
two workers on loopback (../shared/citus). `citus_schema_move` copies committed rows over other
connections, so these tests commit what they make, in units of their own, and remove it at the end.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from onboarding.actors import Actor
from onboarding.models import OperatorAction
from onboarding.services import unit_import, unit_offboard
from platform_core.file_storage import unit_storage
from shared_services.catalogue.services import form_definitions_read, seed_read, standard_catalogue_load
from shared_services.eforms.models import Attachment
from shared_services.inbox import upo
from shared_services.inbox.models import RegisterEntry
from shared_services.offer.services import offer_adopt_defaults
from tenants.citus import citus_installed
from tenants.models import Tenant, UnitKind, UnitStatus
from tenants.services import unit_create
from tests.support.committed_data import catalogue_truncate
from tests.support.letters import FORM_URL, LETTER, PDF, application_file

# Units of these tests' own (TERC codes of Kuyavian-Pomeranian gminas no other test uses).
EXTRA_UNITS = [
    {"name": "Gmina Chełmża", "code": "0415011", "kind": UnitKind.GMINA_WIEJSKA, "slug": "citus-chelmza"},
    {"name": "Gmina Czernikowo", "code": "0415021", "kind": UnitKind.GMINA_WIEJSKA, "slug": "citus-czernikowo"},
    {"name": "Gmina Lysomice", "code": "0415052", "kind": UnitKind.GMINA_WIEJSKA, "slug": "citus-lysomice"},
    {"name": "Gmina Zławieś Wielka", "code": "0415092", "kind": UnitKind.GMINA_WIEJSKA, "slug": "citus-zlawies"},
]


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    """Database access for the module, outside any test transaction: what a test writes is committed."""
    with django_db_blocker.unblock():
        if not citus_installed():
            pytest.skip("the test database has no Citus (make test-citus)")
        yield


@pytest.fixture(scope="module")
def units(committed):
    """Four more units, committed, with the whole catalogue adopted; removed with their schemas at the end."""
    standard_catalogue_load(seed=seed_read(), form_definitions=form_definitions_read())
    made = [unit_create(**unit) for unit in EXTRA_UNITS]
    for unit in made:
        with tenant_context(unit):
            offer_adopt_defaults(unit_kind=unit.kind)
    connection.set_schema_to_public()
    yield made
    with connection.cursor() as cursor:
        for unit in made:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{unit.schema_name}" CASCADE')
            unit_storage(unit.schema_name).delete_all()
        catalogue_truncate(cursor)
    OperatorAction.objects.filter(unit__in=made).delete()
    for unit in made:
        unit.domains.all().delete()
        unit.delete()


def file_with_scan(unit: Tenant) -> None:
    client = Client()
    scan = SimpleUploadedFile("skan.pdf", PDF)
    response = application_file(client, FORM_URL, {**LETTER, "zalacznik": scan}, HTTP_HOST=f"{unit.slug}.localhost")
    assert response.status_code == 302


def filed(unit: Tenant) -> tuple[list[RegisterEntry], dict[int, bytes]]:
    """The unit's register entries with their receipts, and the scans filed with them, read back."""
    with tenant_context(unit):
        entries = list(RegisterEntry.objects.select_related("receipt").order_by("id"))
        scans = {}
        for attachment in Attachment.objects.filter(submission__isnull=False):
            with attachment.file.open("rb") as stored:
                scans[attachment.submission_id] = stored.read()
    return entries, scans


def assert_receipt_holds(entry: RegisterEntry) -> None:
    verification = upo.receipt_verify(
        bytes(entry.receipt.signed_xml),
        {upo.SUBMISSION_DOCUMENT_NAME: bytes(entry.receipt.document_json), "skan.pdf": PDF},
    )
    assert verification.valid, verification.problem
    assert [status for _name, status in verification.documents] == [upo.MATCH, upo.MATCH]


def placements() -> dict[str, set[int]]:
    """Each distributed schema with the ports of the nodes that hold its tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relnamespace::regnamespace::text, s.nodeport FROM citus_shards s"
            " JOIN pg_class c ON c.oid = s.table_name WHERE s.citus_table_type = 'schema'"
        )
        found: dict[str, set[int]] = {}
        for schema, port in cursor.fetchall():
            found.setdefault(schema, set()).add(port)
        return found


def worker_ports() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nodeport FROM pg_dist_node WHERE shouldhaveshards AND noderole = 'primary'")
        return {port for (port,) in cursor.fetchall()}


def test_every_units_schema_is_distributed_whole_on_one_worker_and_the_units_spread(units):
    schemas = set(Tenant.objects.exclude(status=UnitStatus.OFFBOARDED).values_list("schema_name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name::text FROM citus_schemas")
        distributed = {schema for (schema,) in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [units[0].schema_name],
        )
        unit_tables = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM citus_shards s JOIN pg_class c ON c.oid = s.table_name"
            " WHERE c.relnamespace = %s::regnamespace",
            [units[0].schema_name],
        )
        unit_shards = cursor.fetchone()[0]
    assert schemas - {"public"} <= distributed  # every unit's schema; and nothing else:
    assert distributed <= schemas  # not public, not the template
    assert unit_shards == unit_tables > 30  # every table of the unit, one shard each
    where = placements()
    assert all(len(where[schema]) == 1 for schema in schemas - {"public"})  # a unit is whole on one node
    workers = worker_ports()
    assert len(workers) == 2
    assert {port for schema in schemas - {"public"} for port in where[schema]} == workers  # units on both


def test_a_unit_moved_to_another_worker_keeps_its_applications_receipts_and_files(units, settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    unit = units[0]
    file_with_scan(unit)
    entries, scans = filed(unit)
    assert [entry.label for entry in entries] == [f"1/{entries[0].year}"]
    (before,) = placements()[unit.schema_name]
    (target,) = worker_ports() - {before}

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citus_schema_move(%s::regnamespace, '127.0.0.1', %s, shard_transfer_mode => 'block_writes')",
            [unit.schema_name, target],
        )
    assert placements()[unit.schema_name] == {target}

    moved, moved_scans = filed(unit)
    assert [(e.label, e.receipt.receipt_id, bytes(e.receipt.signed_xml)) for e in moved] == [
        (e.label, e.receipt.receipt_id, bytes(e.receipt.signed_xml)) for e in entries
    ]
    assert moved_scans == scans == {moved[0].submission_id: PDF}  # the file, found from the moved row
    assert_receipt_holds(moved[0])
    # The unit goes on working where it now lives: the next application takes the next register number.
    file_with_scan(unit)
    assert [entry.label for entry in filed(unit)[0]] == [f"1/{entries[0].year}", f"2/{entries[0].year}"]


def test_an_offboarded_unit_comes_back_from_its_archive_as_a_distributed_schema(units, settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    settings.UNIT_EXPORT_ROOT = tmp_path / "exports"
    unit = units[1]
    file_with_scan(unit)
    entries, scans = filed(unit)
    operator = Actor(label="operator-test", ip_address="192.0.2.10")

    archive = settings.UNIT_EXPORT_ROOT / unit_offboard(unit=unit, confirmation=unit.slug, actor=operator).key
    assert unit.schema_name not in placements()  # dropped on its worker too
    unit = unit_import(archive=archive, actor=operator)

    assert len(placements()[unit.schema_name]) == 1  # a distributed schema again, on one worker
    back, back_scans = filed(unit)
    assert [(e.label, bytes(e.receipt.signed_xml)) for e in back] == [
        (e.label, bytes(e.receipt.signed_xml)) for e in entries
    ]
    assert back_scans == scans
    assert_receipt_holds(back[0])
