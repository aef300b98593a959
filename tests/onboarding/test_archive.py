"""Unit export archives (onboarding/archive.py): export, offboard, import gives back the same unit."""

import csv
import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_exists

from onboarding.archive import ArchiveError, export_unit_archive, import_unit_archive
from shared_services.branding.models import UnitBranding
from shared_services.branding.services import branding_update
from tenants.models import Domain, Tenant, UnitStatus
from tenants.services import unit_set_status

pytestmark = pytest.mark.django_db

TORUN_TAGLINE = 'Gród Kopernika, "piernik"\ni przecinek'
LUBICZ_MARKERS = [b"Tylko dla Lubicza", b"lubiczanka", b"plik Lubicza", b"lubicz-only"]


@pytest.fixture(autouse=True)
def in_english():
    """Messages are matched in English, whatever the Polish catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.UNIT_EXPORT_ROOT = tmp_path / "exports"
    settings.MEDIA_ROOT = tmp_path / "media"
    # django-tenants' storage caches MEDIA_ROOT/%s and forgets it only when this setting changes (its
    # _clear_cached_properties passes the settings object on instead of the setting's name).
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


@pytest.fixture
def torun(unit_a, in_unit):
    with in_unit(unit_a):
        branding_update(tagline=TORUN_TAGLINE)
        anna = User.objects.create_user("anna", "anna@torun.example", "hasło")
        User.objects.create_user("jan", "jan@torun.example", "hasło")
        User.objects.create_user("usunięty").delete()  # the sequence stands past the highest remaining id
        clerks = Group.objects.create(name="Urzędnicy")
        clerks.permissions.set(Permission.objects.filter(codename__startswith="view_")[:3])
        anna.groups.add(clerks)
        default_storage.save("uchwały/uchwała nr 1.txt", ContentFile("Uchwała Rady Miasta Torunia".encode()))
        default_storage.save("skany/2024/obraz.bin", ContentFile(bytes(range(256)) * 64))
    return unit_a


@pytest.fixture
def lubicz(unit_b, in_unit):
    with in_unit(unit_b):
        branding_update(tagline="Tylko dla Lubicza")
        User.objects.create_user("lubiczanka")
        default_storage.save("lubicz-only.txt", ContentFile(b"plik Lubicza"))
    return unit_b


def exported(unit: Tenant) -> Path:
    """Export `unit` to the exports storage (UNIT_EXPORT_ROOT here) and return the archive's file."""
    return Path(settings.UNIT_EXPORT_ROOT) / export_unit_archive(unit=unit).key


def schema_rows(schema: str) -> dict[str, list[tuple]]:
    """Every row of every table of `schema`, in full."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        tables = sorted(name for (name,) in cursor.fetchall())
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{schema}"."{table}"')
            rows[table] = sorted(cursor.fetchall(), key=repr)
        return rows


def media_files(schema: str, media_root: Path) -> dict[str, bytes]:
    folder = media_root / schema
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def offboard(unit: Tenant, media_root: Path, *, forget_row: bool = False) -> None:
    """What offboarding does after the export: the status (first: saving a unit recreates a missing schema),
    the schema, the domains and the files go."""
    unit_set_status(unit=unit, status=UnitStatus.OFFBOARDED)
    connection.check_constraints()  # DROP refuses tables with foreign-key checks pending (rows of this test)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{unit.schema_name}" CASCADE')
    Domain.objects.filter(tenant=unit).delete()
    shutil.rmtree(media_root / unit.schema_name, ignore_errors=True)
    if forget_row:
        Tenant.objects.filter(pk=unit.pk).delete()
    assert not schema_exists(unit.schema_name)


def rewrite(archive: Path, *, change=None, add=None) -> Path:
    """A copy of `archive` with members changed (change(name, data) -> bytes, or None to leave it out) or added."""
    target = archive.with_name("tampered.zip")
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            data = change(info.filename, data) if change else data
            if data is not None:
                copy.writestr(info.filename, data)
        for name, data in (add or {}).items():
            copy.writestr(name, data)
    return target


def manifest_of(archive: Path) -> dict:
    with zipfile.ZipFile(archive) as zf:
        return json.loads(zf.read("manifest.json"))


def assert_nothing_restored(unit: Tenant, media_root: Path) -> None:
    unit.refresh_from_db()
    assert unit.status == UnitStatus.OFFBOARDED
    assert not schema_exists(unit.schema_name)
    assert not Domain.objects.filter(tenant=unit).exists()
    assert not (media_root / unit.schema_name).exists()
    assert not list(media_root.glob(".import*"))  # no unpacked files left beside the media folders


def test_round_trip_gives_back_the_same_rows_and_files(torun, folders, in_unit):
    media_root = folders / "media"
    rows_before = schema_rows(torun.schema_name)
    files_before = media_files(torun.schema_name, media_root)
    assert len(files_before) == 2 and rows_before["auth_user"] and rows_before["auth_user_groups"]
    with in_unit(torun):
        highest_user_id = User.objects.order_by("-id").first().id + 1  # the deleted user had this id

    archive = exported(torun)
    offboard(torun, media_root)
    unit = import_unit_archive(archive=archive)

    assert unit.pk == torun.pk
    assert unit.status == UnitStatus.ACTIVE
    assert unit.domains.get(is_primary=True).domain == unit.primary_host
    assert schema_rows(unit.schema_name) == rows_before
    assert media_files(unit.schema_name, media_root) == files_before
    with in_unit(unit):
        assert UnitBranding.objects.get().tagline == TORUN_TAGLINE
        assert User.objects.get(username="anna").check_password("hasło")
        assert list(User.objects.get(username="anna").groups.values_list("name", flat=True)) == ["Urzędnicy"]
        # Fresh ids: past the loaded rows, and never an id a deleted row had.
        assert User.objects.create_user("nowy").id > highest_user_id
        assert Group.objects.create(name="Nowa").id > max(row[0] for row in rows_before["auth_group"])
        assert default_storage.open("uchwały/uchwała nr 1.txt").read() == "Uchwała Rady Miasta Torunia".encode()


def test_import_registers_a_unit_the_registry_no_longer_has(torun, folders):
    rows_before = schema_rows(torun.schema_name)
    archive = exported(torun)
    offboard(torun, folders / "media", forget_row=True)

    unit = import_unit_archive(archive=archive)

    assert (unit.code, unit.name, unit.slug, unit.kind) == (torun.code, torun.name, torun.slug, torun.kind)
    assert unit.pk != torun.pk and unit.status == UnitStatus.ACTIVE
    assert schema_rows(unit.schema_name) == rows_before


def test_manifest_lists_every_table_with_its_rows_and_every_member_with_its_digest(torun):
    archive = exported(torun)

    assert re.fullmatch(r"0463011-torun-\d{8}T\d{6}Z\.zip", archive.name)
    assert [path.name for path in archive.parent.iterdir()] == [archive.name]  # no temporary file left
    manifest = manifest_of(archive)
    assert (manifest["format"], manifest["version"]) == ("ratusz-unit-archive", 1)
    assert manifest["unit"]["code"] == "0463011" and manifest["unit"]["schema_name"] == torun.schema_name
    assert manifest["unit"]["primary_domain"] == torun.primary_host

    rows = schema_rows(torun.schema_name)
    assert {table["name"]: table["rows"] for table in manifest["tables"]} == {name: len(r) for name, r in rows.items()}
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{torun.schema_name}".django_migrations ORDER BY app, name')
        assert [[m["app"], m["name"]] for m in manifest["migrations"]] == [list(row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = 'auth_user' "
            "ORDER BY ordinal_position",
            [torun.schema_name],
        )
        user_columns = [name for (name,) in cursor.fetchall()]
    assert next(t for t in manifest["tables"] if t["name"] == "auth_user")["columns"] == user_columns

    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        assert names == set(manifest["members"]) | {"manifest.json"}
        assert {
            "README.txt",
            "data/auth_user.csv",
            "files/uchwały/uchwała nr 1.txt",
            "files/skany/2024/obraz.bin",
        } <= names
        for name, described in manifest["members"].items():
            data = zf.read(name)
            assert described == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        branding = list(csv.DictReader(io.StringIO(zf.read(f"data/{UnitBranding._meta.db_table}.csv").decode())))
        assert [row["tagline"] for row in branding] == [TORUN_TAGLINE]
        readme = zf.read("README.txt").decode()
        assert "manage.py import_unit" in readme and "Przywracanie" in readme


def test_export_holds_nothing_of_another_unit(torun, lubicz):
    def everything_in(archive):
        with zipfile.ZipFile(archive) as zf:
            return b"\n".join([name.encode() for name in zf.namelist()] + [zf.read(name) for name in zf.namelist()])

    of_torun, of_lubicz = (
        everything_in(exported(torun)),
        everything_in(exported(lubicz)),
    )

    assert "Urzędnicy".encode() in of_torun and "Urzędnicy".encode() not in of_lubicz
    for marker in LUBICZ_MARKERS:
        assert marker in of_lubicz  # the markers are findable...
        assert marker not in of_torun  # ...and Toruń's archive has none of them


@pytest.mark.parametrize(
    "tamper, member",
    [
        (
            dict(change=lambda name, data: data.replace(b"anna", b"anny", 1) if name == "data/auth_user.csv" else data),
            "data/auth_user.csv",
        ),
        (
            dict(change=lambda name, data: None if name == "files/skany/2024/obraz.bin" else data),
            "files/skany/2024/obraz.bin",
        ),
        (dict(add={"data/extra.csv": b"id\n1\n"}), "data/extra.csv"),
        (dict(add={"files/podrzucony.txt": b"?"}), "files/podrzucony.txt"),
    ],
    ids=["changed-byte", "missing-member", "extra-data-member", "extra-file"],
)
def test_a_tampered_archive_is_refused_naming_the_member(torun, folders, tamper, member):
    archive = rewrite(exported(torun), **tamper)
    offboard(torun, folders / "media")

    with pytest.raises(ArchiveError, match=re.escape(member)):
        import_unit_archive(archive=archive)
    assert_nothing_restored(torun, folders / "media")


def test_damaged_compressed_bytes_are_refused_naming_the_member(torun, folders):
    archive = exported(torun)
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("data/auth_permission.csv")
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    offboard(torun, folders / "media")

    with pytest.raises(ArchiveError, match=re.escape("data/auth_permission.csv")):
        import_unit_archive(archive=archive)
    assert_nothing_restored(torun, folders / "media")


def test_a_member_name_leading_out_of_the_media_folder_is_refused(torun, folders):
    archive = exported(torun)
    evil = b"evil"

    def add_to_manifest(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["members"]["files/../../evil.txt"] = {"sha256": hashlib.sha256(evil).hexdigest(), "size": len(evil)}
        return json.dumps(manifest).encode()

    tampered = rewrite(archive, change=add_to_manifest, add={"files/../../evil.txt": evil})
    offboard(torun, folders / "media")

    with pytest.raises(ArchiveError, match=re.escape("files/../../evil.txt")):
        import_unit_archive(archive=tampered)
    assert not list(folders.rglob("evil.txt"))
    assert_nothing_restored(torun, folders / "media")


def test_another_format_version_is_refused(torun, folders):
    def bump(name, data):
        return json.dumps({**json.loads(data), "version": 2}).encode() if name == "manifest.json" else data

    archive = rewrite(exported(torun), change=bump)
    offboard(torun, folders / "media")

    with pytest.raises(ArchiveError, match="version 2"):
        import_unit_archive(archive=archive)


def test_importing_over_an_active_unit_is_refused(torun, in_unit):
    archive = exported(torun)
    with in_unit(torun):
        branding_update(tagline="Zmienione po eksporcie")

    with pytest.raises(ArchiveError, match=r"0463011.*only an offboarded unit can be restored"):
        import_unit_archive(archive=archive)
    with in_unit(torun):
        assert UnitBranding.objects.get().tagline == "Zmienione po eksporcie"


def test_an_archive_from_another_migration_state_is_refused(torun, folders):
    def other_migrations(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"] = [
            m for m in manifest["migrations"] if m != {"app": "auth", "name": "0012_alter_user_first_name_max_length"}
        ]
        manifest["migrations"].append({"app": "branding", "name": "0099_from_the_future"})
        return json.dumps(manifest).encode()

    archive = rewrite(exported(torun), change=other_migrations)
    offboard(torun, folders / "media")

    with pytest.raises(ArchiveError) as refused:
        import_unit_archive(archive=archive)
    assert "branding.0099_from_the_future" in str(refused.value)
    assert "auth.0012_alter_user_first_name_max_length" in str(refused.value)
    assert_nothing_restored(torun, folders / "media")  # the schema made for loading was rolled back


def test_a_file_that_is_a_link_stops_the_export_and_leaves_no_archive(torun, folders):
    (folders / "media" / torun.schema_name / "link").symlink_to(folders / "media" / "jst_0415042")

    with pytest.raises(ArchiveError, match=r"link.* is not a regular file"):
        exported(torun)
    assert list((folders / "exports").iterdir()) == []


def test_commands_export_and_import(torun, folders):
    out = io.StringIO()
    call_command("export_unit", "0463011", stdout=out)
    path = Path(out.getvalue().split(" (")[0])
    assert path.is_file() and path.parent == folders / "exports"
    assert f"{path.stat().st_size} bytes" in out.getvalue()
    rows_before = schema_rows(torun.schema_name)
    offboard(torun, folders / "media")

    out = io.StringIO()
    call_command("import_unit", str(path), stdout=out)
    assert "Restored" in out.getvalue() and torun.schema_name in out.getvalue() and "2 files" in out.getvalue()
    assert schema_rows(torun.schema_name) == rows_before

    with pytest.raises(CommandError, match=r"0463011.*offboarded"):
        call_command("import_unit", str(path))
    with pytest.raises(CommandError, match="Cannot read the archive"):
        call_command("import_unit", str(folders / "no-such-archive.zip"))
    with pytest.raises(CommandError, match="9999999"):
        call_command("export_unit", "9999999")


def test_live_sessions_never_leave_in_an_archive(torun, in_unit):
    from django.contrib.sessions.backends.db import SessionStore

    with in_unit(torun):
        session = SessionStore()
        session["_auth_user_id"] = "1"
        session.create()
    archive = exported(torun)
    with zipfile.ZipFile(archive) as zipped:
        rows = list(csv.reader(io.StringIO(zipped.read("data/django_session.csv").decode())))
    assert rows == [["session_key", "session_data", "expire_date"]]
    assert session.session_key not in zipfile.ZipFile(archive).read("data/django_session.csv").decode()


def test_access_codes_waiting_in_the_outbox_never_leave_in_an_archive(torun, in_unit):
    from shared_services.inbox.models import OutboxMessage, OutboxStatus
    from shared_services.inbox.outbox import outbox_add

    with in_unit(torun):
        for status in (OutboxStatus.PENDING, OutboxStatus.FAILED):
            outbox_add(
                kind="receipt_email",
                key=f"receipt_email:{status}",
                payload={"receipt_id": f"receipt-{status}", "access_code": f"SECR-ETCO-DE{status[:2].upper()}"},
            )
        OutboxMessage.objects.filter(key="receipt_email:failed").update(status=OutboxStatus.FAILED)
    archive = exported(torun)
    with zipfile.ZipFile(archive) as zipped:
        assert not any(b"SECR-ETCO" in zipped.read(name) for name in zipped.namelist())
        rows = list(csv.DictReader(io.StringIO(zipped.read("data/inbox_outboxmessage.csv").decode())))
    # The work itself is kept: restored, the unit still sends its receipts (without the code).
    assert sorted(json.loads(row["payload"])["receipt_id"] for row in rows) == ["receipt-failed", "receipt-pending"]


def test_an_archive_naming_catalogue_rows_this_platform_lacks_is_refused(torun, folders):
    # Unit tables name catalogue rows without foreign keys (platform_core/public_references.py): the import checks.
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{torun.schema_name}".offer_adoptedservice (standard_service_id, enabled, department, room, '
            "office_hours, contact, local_notes, adopted_at) VALUES (987654321, true, '', '', '', '', '', now())"
        )
    archive = exported(torun)
    offboard(torun, folders / "media")

    with pytest.raises(ArchiveError) as refused:
        import_unit_archive(archive=archive)
    assert "regional catalogue this platform does not have: offer_adoptedservice.standard_service_id: 987654321" in (
        str(refused.value)
    )
    assert_nothing_restored(torun, folders / "media")
