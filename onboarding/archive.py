"""Unit export archives: everything a unit has (its schema's rows and its files) in one ZIP file.

No unit's schema is dropped before `export_unit_archive` has written its archive; `import_unit_archive`
brings an offboarded unit back from one. The format (`ratusz-unit-archive`, version 1) is described in
the `README.txt` every archive carries (`_README` below) and in the project README:

    manifest.json        registry fields, migrations, tables, and SHA-256 + size of every other member
    README.txt           the format, in Polish and English
    data/<table>.csv     one PostgreSQL `COPY … (FORMAT csv, HEADER true)` per table of the unit's schema
    files/<path>         the unit's files (MEDIA_ROOT/<schema>/, or `<schema>/` in the object store), relative
                         paths preserved

Rows are written as PostgreSQL prints them with TimeZone UTC and DateStyle ISO, so that any PostgreSQL
reads them back unchanged. An archive is loaded only into a schema at the same migration state as the
one it came from: anything else is refused, not guessed at.

Archives are kept in the `exports` storage (UNIT_EXPORT_ROOT, or the object store: platform_core/file_storage.py),
and a unit's files are read and restored through its storage (`unit_storage`): the same code for a disk and for S3.
"""

import datetime as dt
import hashlib
import json
import os
import posixpath
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import django
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists
from psycopg2 import Error as PsycopgError
from psycopg2 import sql

from platform_core.file_storage import (
    NotARegularFile,
    StagedFile,
    exports_storage,
    files_in,
    place_of,
    staging_folder,
    unit_storage,
)
from platform_core.public_references import dangling_public_references
from shared_services.inbox.models import PAYLOAD_SECRETS
from tenants.codes import schema_name_for_code, validate_unit_code
from tenants.models import Domain, Tenant, UnitStatus, slug_validator
from tenants.services import unit_create, unit_set_status

FORMAT_NAME = "ratusz-unit-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
README = "README.txt"
DATA_PREFIX = "data/"
FILES_PREFIX = "files/"

_CHUNK = 1024 * 1024
_MANIFEST_MAX_BYTES = 64 * 1024 * 1024
# How PostgreSQL prints (and reads) values in the CSV files, whatever the server's defaults.
_SESSION_FORMATS = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "3",
    "bytea_output": "hex",
}

_README = """\
Archiwum jednostki platformy Ratusz (format ratusz-unit-archive, wersja 1)
==========================================================================

Archiwum zawiera wszystko, co jednostka miała na platformie:

  manifest.json     opis archiwum (JSON): dane jednostki z rejestru (nazwa, kod TERC, rodzaj, subdomena,
                    jednostka nadrzędna, status, daty, schemat, domeny), chwila utworzenia archiwum,
                    zastosowane migracje schematu, lista tabel (kolumny, liczba wierszy, plik) oraz
                    skrót SHA-256 i rozmiar każdego innego pliku archiwum;
  data/<tabela>.csv wiersze każdej tabeli schematu jednostki: CSV (UTF-8, przecinek, cudzysłów "),
                    pierwszy wiersz to nazwy kolumn; wartości tak, jak wypisuje je PostgreSQL
                    (COPY … FORMAT csv, strefa czasowa UTC, daty ISO);
  files/…           pliki jednostki (folder MEDIA_ROOT/<schemat>/ albo prefiks <schemat>/ w magazynie
                    obiektów S3) z zachowaniem ścieżek.

Przywracanie: manage.py import_unit <archiwum>. Jednostka nie może być wtedy aktywna na platformie
(tylko wycofana, "offboarded", albo nieobecna w rejestrze). Lista migracji w archiwum musi być równa
liście migracji nowego schematu, inaczej wczytanie jest odrzucane: archiwum wczytuje wydanie platformy,
które je zapisało (lub inne w tym samym stanie migracji), a nowsze wydanie dostaje dane przez migrację
(manage.py migrate_schemas) po wczytaniu. Zmieniony, brakujący lub dodatkowy plik w archiwum również
powoduje odrzucenie.

Unit archive of the Ratusz platform (format ratusz-unit-archive, version 1)
==========================================================================

The archive holds everything the unit had on the platform:

  manifest.json     the description (JSON): the unit's registry fields (name, TERC code, kind, subdomain,
                    parent unit, status, dates, schema, domains), when the archive was written, the
                    schema's applied migrations, every table (columns, row count, member name), and the
                    SHA-256 and size of every other member;
  data/<table>.csv  the rows of every table of the unit's schema: CSV (UTF-8, comma, " quoting), the
                    first line holds the column names; values as PostgreSQL prints them
                    (COPY … FORMAT csv, time zone UTC, ISO dates);
  files/…           the unit's files (folder MEDIA_ROOT/<schema>/, or prefix <schema>/ in the S3 object
                    store), relative paths preserved.

To restore: manage.py import_unit <archive>. The unit must not be active on the platform then (only
offboarded, or absent from the registry). The archive's migration list must equal the new schema's,
otherwise loading is refused: an archive is loaded by the release that wrote it (or another at the same
migration state), and reaches a newer release by migrating after the import (manage.py
migrate_schemas). A changed, missing or extra member is refused too.
"""


class ArchiveError(ValueError):
    """An archive cannot be written, or cannot (or may not) be loaded; the message says why."""


# Tables whose rows never leave the platform: live sessions would let whoever holds the archive act as the
# people signed in. The table itself is exported (empty), so an import finds every table it expects.
EXPORTED_WITHOUT_ROWS = {"django_session"}
# Columns exported through an SQL expression of the same type, which leaves their secrets out: the outbox's
# work waiting or failed keeps its payload, less the access code a receipt's e-mail would tell (with it, whoever
# holds the archive could follow the filer's case on the portal).
_REDACTED_COLUMNS = {
    ("inbox_outboxmessage", "payload"): sql.SQL("{column} - {secrets}::text[]").format(
        column=sql.Identifier("payload"), secrets=sql.Literal(list(PAYLOAD_SECRETS))
    ),
}


def _error(message: str, **params: Any) -> ArchiveError:
    return ArchiveError(message % params)


# --- Export --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredArchive:
    """An archive written to the exports storage: `key` is its name there (e.g. `office-exports/<code>/….zip`)."""

    key: str
    size: int

    @property
    def name(self) -> str:
        return PurePosixPath(self.key).name


def export_unit_archive(
    *, unit: Tenant, folder: str = "", progress: Callable[[int, int], None] | None = None
) -> StoredArchive:
    """Write everything `unit` has (its schema's rows and its files) to a ZIP archive in the exports storage.

    The archive is written under a temporary name on this machine's disk (in the export folder itself when the
    exports storage is a disk), read back and checked exactly as `import_unit_archive` checks it, flushed, and only
    then saved as `folder/<code>-<slug>-<UTC timestamp>.zip`: an archive with that name is always complete (an
    object store's PUT is all or nothing; on a disk the file is linked into place, see ArchiveFileSystemStorage).
    The tables are read in one REPEATABLE READ transaction, or in the caller's transaction when there is one.
    `progress(done, total)` is told after each table and file written (inside that transaction: it must not write
    to the database).
    """
    storage = exports_storage()
    created_at = timezone.now()
    stem = f"{unit.code}-{unit.slug}-{created_at:%Y%m%dT%H%M%SZ}"
    handle, temporary = tempfile.mkstemp(dir=staging_folder(storage, folder), prefix=f".{stem}-", suffix=".partial")
    temporary = Path(temporary)
    try:
        with os.fdopen(handle, "w+b") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                _write_archive(archive, unit=unit, created_at=created_at, progress=progress or _no_progress)
            raw.flush()
            os.fsync(raw.fileno())
        read_archive_manifest(archive=temporary)
        with StagedFile(temporary) as staged:
            key = storage.save(_unused_name(storage, folder, stem), staged)
        return StoredArchive(key=key, size=storage.size(key))
    finally:
        temporary.unlink(missing_ok=True)  # saved (linked or uploaded) or failed: the staged copy goes


def _no_progress(done: int, total: int) -> None:
    pass


def _write_archive(archive: zipfile.ZipFile, *, unit: Tenant, created_at: dt.datetime, progress) -> None:
    schema = unit.schema_name
    members: dict[str, dict[str, Any]] = {}
    with _member_writer(archive, README, members) as out:
        out.write(_README.encode())
    tables = []
    storage = unit_storage(schema)
    files = _unit_files(storage)
    with _snapshot(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg2's own cursor, for COPY
        if not schema_exists(schema):
            raise _error(_("Unit %(code)s has no schema %(schema)s to export."), code=unit.code, schema=schema)
        _set_session_formats(cursor)
        migrations = _applied_migrations(cursor, schema)
        schema_tables = _schema_tables(cursor, schema)
        total = len(schema_tables) + len(files)
        copy = sql.SQL(
            "COPY (SELECT {columns} FROM {table} {rows} ORDER BY 1) TO STDOUT WITH (FORMAT csv, HEADER true)"
        )
        for table, columns in schema_tables.items():
            member = f"{DATA_PREFIX}{table}.csv"
            rows = sql.SQL("WHERE false" if table in EXPORTED_WITHOUT_ROWS else "")
            with _member_writer(archive, member, members) as out:
                cursor.copy_expert(
                    copy.format(
                        columns=_exported_columns(table, columns), table=sql.Identifier(schema, table), rows=rows
                    ),
                    out,
                )
            tables.append({"name": table, "columns": columns, "rows": cursor.rowcount, "member": member})
            progress(len(tables), total)
        sequences = [
            {"table": table, "column": column, "next_value": _sequence_next_value(cursor, sequence)}
            for table, column, sequence in _identity_sequences(cursor, schema)
        ]
    for number, relative in enumerate(files, len(tables) + 1):
        modified = storage.get_modified_time(relative)
        with _member_writer(archive, FILES_PREFIX + relative, members, modified=modified) as out:
            with storage.open(relative, "rb") as src:
                while chunk := src.read(_CHUNK):
                    out.write(chunk)
        progress(number, total)
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "created_at": created_at.isoformat(),
        "written_by": _versions(),
        "unit": _registry_fields(unit),
        "migrations": [{"app": app, "name": name} for app, name in migrations],
        "tables": tables,
        "sequences": sequences,
        "members": members,
    }
    archive.writestr(_zip_info(MANIFEST, created_at), json.dumps(manifest, ensure_ascii=False, indent=2).encode())


def _registry_fields(unit: Tenant) -> dict[str, Any]:
    def moment(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    domains = list(unit.domains.order_by("-is_primary", "domain").values_list("domain", "is_primary"))
    return {
        "name": unit.name,
        "code": unit.code,
        "kind": unit.kind,
        "slug": unit.slug,
        "parent_code": unit.parent.code if unit.parent_id else None,
        "status": unit.status,
        "created_at": moment(unit.created_at),
        "activated_at": moment(unit.activated_at),
        "suspended_at": moment(unit.suspended_at),
        "offboarded_at": moment(unit.offboarded_at),
        "schema_name": unit.schema_name,
        "primary_domain": next((domain for domain, primary in domains if primary), None),
        "custom_domains": [domain for domain, primary in domains if not primary],
    }


def _versions() -> dict[str, str]:
    try:
        release = metadata.version("ratusz")
    except metadata.PackageNotFoundError:
        release = "unknown"
    return {"ratusz": release, "django": django.get_version(), "postgresql": str(connection.pg_version)}


@contextmanager
def _snapshot() -> Iterator[None]:
    """Every table read from one snapshot; a caller's transaction is used as it is."""
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if own_transaction:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class _HashingWriter:
    """A write-only stream that counts and hashes what passes through it."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self._stream.write(data)


@contextmanager
def _member_writer(
    archive: zipfile.ZipFile, name: str, members: dict, *, modified: dt.datetime | None = None
) -> Iterator[_HashingWriter]:
    """Stream one member into the archive and record its SHA-256 and size in `members`."""
    # force_zip64: the size of a table is not known before it is written, and may pass 4 GiB.
    with archive.open(_zip_info(name, modified or timezone.now()), "w", force_zip64=True) as stream:
        out = _HashingWriter(stream)
        yield out
    members[name] = {"sha256": out.sha256.hexdigest(), "size": out.size}


def _zip_info(name: str, moment: dt.datetime) -> zipfile.ZipInfo:
    utc = moment.astimezone(dt.UTC)
    info = zipfile.ZipInfo(name, date_time=max(utc.timetuple()[:6], (1980, 1, 1, 0, 0, 0)))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _unit_files(storage) -> list[str]:
    """The names of every file of the unit, in a stable order.

    A link or other special file stops the export (the unit's storage refuses to list it): following it could take
    in another unit's files, and leaving it out would lose it without a word.
    """
    try:
        return list(files_in(storage))
    except NotARegularFile as error:
        raise _error(
            _(
                "%(path)s is not a regular file or folder (a link?); replace it by a copy or move it away, "
                "then export again."
            ),
            path=error.path,
        ) from error


def _unused_name(storage, folder: str, stem: str) -> str:
    name, number = posixpath.join(folder, f"{stem}.zip"), 1
    while storage.exists(name):
        number += 1
        name = posixpath.join(folder, f"{stem}-{number}.zip")
    return name


# --- Reading and checking an archive -------------------------------------------------------------


def read_archive_manifest(*, archive: Path, verify_members: bool = True) -> dict[str, Any]:
    """Return the manifest of `archive` after checking it; raise `ArchiveError` naming what is wrong.

    Checks the format and version, the manifest's structure and member names, that the members are
    exactly those the manifest lists and (unless `verify_members` is false) each one's size and SHA-256.
    """
    with _open_archive(archive) as zf:
        return _checked_manifest(zf, verify_members=verify_members)


@contextmanager
def _open_archive(archive: Path) -> Iterator[zipfile.ZipFile]:
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as error:
        raise _error(_("Cannot read the archive %(path)s: %(error)s"), path=archive, error=error) from error
    with zf:
        yield zf


def _checked_manifest(zf: zipfile.ZipFile, *, verify_members: bool) -> dict[str, Any]:
    entries = [info for info in zf.infolist() if not info.is_dir()]
    names = [info.filename for info in entries]
    if duplicates := sorted({name for name in names if names.count(name) > 1}):
        raise _error(_("The archive holds more than one member named %(names)s."), names=", ".join(duplicates))
    manifest = _manifest_of(zf)
    members = manifest["members"]
    if extra := sorted(set(names) - set(members) - {MANIFEST}):
        raise _error(_("The archive holds members its manifest does not list: %(names)s."), names=", ".join(extra))
    if missing := sorted(set(members) - set(names)):
        raise _error(
            _("Members listed in the manifest are missing from the archive: %(names)s."), names=", ".join(missing)
        )
    if verify_members:
        for info in entries:
            if info.filename != MANIFEST:
                _verify_member(zf, info, members[info.filename])
    return manifest


def _manifest_of(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise _error(_("The archive has no %(member)s; it is not a unit archive."), member=MANIFEST) from None
    if info.file_size > _MANIFEST_MAX_BYTES:
        raise _error(_("%(member)s is implausibly large."), member=MANIFEST)
    try:
        manifest = json.loads(_read_member(zf, info))
    except ValueError as error:
        raise _error(_("%(member)s is not valid JSON: %(error)s"), member=MANIFEST, error=error) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise _error(_("This is not a unit archive (format %(format)s)."), format=FORMAT_NAME)
    if manifest.get("version") != FORMAT_VERSION:
        raise _error(
            _("Archive format version %(found)s is not supported; this release reads version %(supported)s."),
            found=manifest.get("version"),
            supported=FORMAT_VERSION,
        )
    try:
        _check_structure(manifest)
    except (KeyError, TypeError, AttributeError) as error:
        raise _error(
            _("%(member)s is incomplete or malformed (%(error)s)."),
            member=MANIFEST,
            error=f"{type(error).__name__}: {error}",
        ) from error
    return manifest


def _check_structure(manifest: dict[str, Any]) -> None:
    """Types and cross-references of the manifest; a missing key or a wrong type raises KeyError/TypeError."""

    def expect(value, kind, what):
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"{what} must be {kind.__name__}")
        return value

    unit = expect(manifest["unit"], dict, "unit")
    for field in ("name", "code", "kind", "slug", "schema_name"):
        expect(unit[field], str, f"unit.{field}")
    for migration in expect(manifest["migrations"], list, "migrations"):
        expect(migration["app"], str, "migrations[].app")
        expect(migration["name"], str, "migrations[].name")
    members = expect(manifest["members"], dict, "members")
    for name, description in members.items():
        _check_member_name(name)
        expect(description["sha256"], str, f"members[{name}].sha256")
        expect(description["size"], int, f"members[{name}].size")
    table_members = set()
    for table in expect(manifest["tables"], list, "tables"):
        expect(table["name"], str, "tables[].name")
        for column in expect(table["columns"], list, "tables[].columns"):
            expect(column, str, "tables[].columns[]")
        expect(table["rows"], int, "tables[].rows")
        member = expect(table["member"], str, "tables[].member")
        if not member.startswith(DATA_PREFIX) or member not in members or member in table_members:
            raise _error(
                _("Table %(table)s names member %(member)s, which is not one of the data members."),
                table=table["name"],
                member=member,
            )
        table_members.add(member)
    if orphans := sorted(name for name in members if name.startswith(DATA_PREFIX) and name not in table_members):
        raise _error(_("Data members belong to no table of the manifest: %(names)s."), names=", ".join(orphans))
    for sequence in expect(manifest["sequences"], list, "sequences"):
        expect(sequence["table"], str, "sequences[].table")
        expect(sequence["column"], str, "sequences[].column")
        expect(sequence["next_value"], int, "sequences[].next_value")


def _check_member_name(name: str) -> None:
    """Only README.txt, data/<table>.csv and files/<relative path>: never a path out of the target folder."""
    parts = name.split("/")
    allowed = (
        "\\" not in name
        and "\x00" not in name
        and all(part not in ("", ".", "..") for part in parts)
        and (name == README or (parts[0] in ("data", "files") and len(parts) >= 2))
        and (parts[0] != "data" or (len(parts) == 2 and name.endswith(".csv")))
    )
    if not allowed:
        raise _error(_("The manifest lists a member with a name the format does not allow: %(member)s."), member=name)


def _verify_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, expected: dict[str, Any]) -> None:
    if info.file_size != expected["size"]:
        raise _error(
            _("Member %(member)s has been changed: it has %(found)s bytes, the manifest says %(expected)s."),
            member=info.filename,
            found=info.file_size,
            expected=expected["size"],
        )
    digest = hashlib.sha256()
    with _reading(info.filename), zf.open(info) as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != expected["sha256"]:
        raise _error(
            _("Member %(member)s has been changed: its SHA-256 differs from the manifest's."), member=info.filename
        )


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with _reading(info.filename):
        return zf.read(info)


@contextmanager
def _reading(member: str) -> Iterator[None]:
    """A member whose compressed bytes were damaged fails its CRC or decompression: say which one."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise _error(_("Member %(member)s is damaged: %(error)s"), member=member, error=error) from error


# --- Import --------------------------------------------------------------------------------------


def import_unit_archive(*, archive: Path) -> Tenant:
    """Bring back the unit written to `archive` (a file on this machine) by `export_unit_archive`; return it, active.

    The archive is checked first (format, and every member against the manifest). The unit must be
    offboarded (its registry row is reused, with a new schema and primary domain) or absent (it is
    created with `unit_create`); its schema must not exist and its storage must hold no file. The files are
    written to the unit's storage first; then, in one transaction, the schema is created, its migration list
    compared with the archive's (a difference is refused), its tables emptied and loaded, and its sequences
    moved past the loaded ids. A failure leaves nothing behind: the files written are deleted again.
    """
    archive = Path(archive)
    with _open_archive(archive) as zf, schema_context(get_public_schema_name()):
        manifest = _checked_manifest(zf, verify_members=True)
        registry = manifest["unit"]
        existing, parent = _restorable(registry)
        storage = unit_storage(existing.schema_name if existing else schema_name_for_code(registry["code"]))
        if next(iter(_unit_files(storage)), None) is not None:
            raise _error(
                _("The media folder %(path)s already holds files; move them away first."), path=place_of(storage)
            )
        try:
            _restore_files(zf, manifest, storage)
            with transaction.atomic():
                unit = _recreate_unit(existing, registry, parent)
                _load_rows(zf, manifest, schema=unit.schema_name)
        except BaseException:
            storage.delete_all()
            raise
    return unit


def _restorable(registry: dict[str, Any]) -> tuple[Tenant | None, Tenant | None]:
    """The offboarded row to reuse (None: create one) and, for a new row, its parent; refuse anything else."""
    code = registry["code"]
    try:  # the code and slug name a schema and a folder: never trust them unchecked
        validate_unit_code(code)
        slug_validator(registry["slug"])
    except ValidationError as error:
        raise _error(_("The archive names an invalid unit: %(error)s"), error="; ".join(error.messages)) from error
    existing = Tenant.objects.filter(code=code).first()
    if existing and existing.status != UnitStatus.OFFBOARDED:
        raise _error(
            _(
                "Unit %(code)s (%(name)s) is on the platform with status “%(status)s”; only an offboarded unit can "
                "be restored from an archive. Offboard it first if this archive is to replace it."
            ),
            code=code,
            name=existing.name,
            status=existing.get_status_display(),
        )
    schema = existing.schema_name if existing else schema_name_for_code(code)
    if schema_exists(schema):
        raise _error(_("Schema %(schema)s still exists; an archive is loaded only into a new schema."), schema=schema)
    if existing:
        return existing, None
    if holder := Tenant.objects.filter(slug=registry["slug"]).first():
        raise _error(_("Subdomain %(slug)s now belongs to %(unit)s."), slug=registry["slug"], unit=holder)
    parent = None
    if parent_code := registry.get("parent_code"):
        parent = Tenant.objects.filter(code=parent_code).first()
        if parent is None:
            raise _error(_("The parent unit %(code)s is not in the registry; restore it first."), code=parent_code)
    return None, parent


def _recreate_unit(existing: Tenant | None, registry: dict[str, Any], parent: Tenant | None) -> Tenant:
    if existing is None:
        try:
            return unit_create(
                name=registry["name"],
                code=registry["code"],
                kind=registry["kind"],
                slug=registry["slug"],
                parent=parent,
            )
        except ValidationError as error:
            raise _error(
                _("The unit in the archive cannot be registered: %(error)s"), error="; ".join(error.messages)
            ) from error
    # Saving the row active again recreates its missing schema (django-tenants' TenantMixin.save does,
    # sending post_schema_sync); while it was offboarded, Tenant.create_schema refused to.
    unit = unit_set_status(unit=existing, status=UnitStatus.ACTIVE)
    if not unit.domains.filter(is_primary=True).exists():
        Domain.objects.create(domain=unit.primary_host, tenant=unit, is_primary=True)
    return unit


def _load_rows(zf: zipfile.ZipFile, manifest: dict[str, Any], *, schema: str) -> None:
    """Replace every table's rows in `schema` by the archive's, inside the caller's transaction."""
    tables = manifest["tables"]
    archived_next = {(entry["table"], entry["column"]): entry["next_value"] for entry in manifest["sequences"]}
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg2's own cursor, for COPY
        _set_session_formats(cursor)
        _refuse_other_migrations(
            [(m["app"], m["name"]) for m in manifest["migrations"]], _applied_migrations(cursor, schema)
        )
        _refuse_other_tables(tables, _schema_tables(cursor, schema))
        # Rows the schema's creation inserted may have foreign-key checks pending, which TRUNCATE refuses.
        connection.check_constraints()
        cursor.execute(
            sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(sql.Identifier(schema, table["name"]) for table in tables))
        )
        copy = sql.SQL("COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)")
        for table in tables:
            statement = copy.format(table=sql.Identifier(schema, table["name"]), columns=_column_list(table["columns"]))
            try:
                with _reading(table["member"]), zf.open(table["member"]) as src:
                    cursor.copy_expert(statement, src, size=_CHUNK)
            except PsycopgError as error:
                raise _error(
                    _("Loading %(member)s into table %(table)s failed: %(error)s"),
                    member=table["member"],
                    table=table["name"],
                    error=error,
                ) from error
            if cursor.rowcount != table["rows"]:
                raise _error(
                    _("%(member)s holds %(found)s rows, the manifest says %(expected)s."),
                    member=table["member"],
                    found=cursor.rowcount,
                    expected=table["rows"],
                )
        for table, column, sequence in _identity_sequences(cursor, schema):
            # Past the highest loaded id, and never below where the sequence stood when exported. Two statements:
            # on Citus the table is on a worker, where the unit's sequences keep a range of their own, while the
            # coordinator's sequence numbers the rows; one statement would set the worker's.
            cursor.execute(
                sql.SQL("SELECT max({column}) FROM {table}").format(
                    column=sql.Identifier(column), table=sql.Identifier(schema, table)
                )
            )
            highest = cursor.fetchone()[0] or 0
            cursor.execute(
                "SELECT setval(%s, GREATEST(%s, %s), false)",
                [sequence, highest + 1, archived_next.get((table, column), 1)],
            )
    try:
        connection.check_constraints()  # now, rather than at a commit that may be the caller's
    except DatabaseError as error:
        raise _error(_("The archive's rows break a constraint of the schema: %(error)s"), error=error) from error
    # A unit's tables refer to the public catalogue without foreign keys (platform_core/public_references.py).
    if dangling := dangling_public_references(schema):
        raise _error(
            _("The archive refers to rows of the regional catalogue this platform does not have: %(references)s"),
            references="; ".join(dangling),
        )


def _refuse_other_migrations(archived: list[tuple[str, str]], applied: list[tuple[str, str]]) -> None:
    only_archive, only_schema = sorted(set(archived) - set(applied)), sorted(set(applied) - set(archived))
    if only_archive or only_schema:

        def listing(pairs):
            return ", ".join(f"{app}.{name}" for app, name in pairs) or "—"

        raise _error(
            _(
                "The archive was written at another migration state than this release creates, and its rows cannot "
                "be loaded safely into a different table structure. Only in the archive: %(archive)s. Only in the "
                "new schema: %(schema)s. Import it with a release at the archive's migration state, then migrate."
            ),
            archive=listing(only_archive),
            schema=listing(only_schema),
        )


def _refuse_other_tables(archived: list[dict[str, Any]], current: dict[str, list[str]]) -> None:
    archived_columns = {table["name"]: set(table["columns"]) for table in archived}
    differences = sorted(set(archived_columns) ^ set(current)) + sorted(
        name for name in set(archived_columns) & set(current) if archived_columns[name] != set(current[name])
    )
    if differences:
        raise _error(_("The archive's tables differ from the new schema's: %(tables)s."), tables=", ".join(differences))


def _restore_files(zf: zipfile.ZipFile, manifest: dict[str, Any], storage) -> None:
    """Write the archive's files to the unit's (empty) storage under their own names."""
    for name in manifest["members"]:
        if not name.startswith(FILES_PREFIX):
            continue
        relative = name.removeprefix(FILES_PREFIX)
        with _reading(name), zf.open(name) as src:
            saved = storage.save(relative, File(src, name=relative))
        if saved != relative:  # the storage was empty a moment ago: somebody else is writing into it
            raise _error(
                _("The media folder %(path)s already holds files; move them away first."), path=place_of(storage)
            )


# --- Shared by export and import -----------------------------------------------------------------


def _set_session_formats(cursor) -> None:
    """Fix how values are printed and parsed, for the current transaction only."""
    for name, value in _SESSION_FORMATS.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _schema_tables(cursor, schema: str) -> dict[str, list[str]]:
    """Every base table of `schema` with its columns in order (generated columns left out: they are computed)."""
    cursor.execute(
        """
        SELECT c.table_name::text, array_agg(c.column_name::text ORDER BY c.ordinal_position)
        FROM information_schema.tables t
        JOIN information_schema.columns c ON c.table_schema = t.table_schema AND c.table_name = t.table_name
        WHERE t.table_schema = %s AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
        GROUP BY c.table_name ORDER BY c.table_name
        """,
        [schema],
    )
    return dict(cursor.fetchall())


def _applied_migrations(cursor, schema: str) -> list[tuple[str, str]]:
    cursor.execute(
        sql.SQL("SELECT app, name FROM {} ORDER BY app, name").format(sql.Identifier(schema, "django_migrations"))
    )
    return [tuple(row) for row in cursor.fetchall()]


def _identity_sequences(cursor, schema: str) -> list[tuple[str, str, str]]:
    """(table, column, sequence) for every identity or serial column of `schema`."""
    cursor.execute(
        """
        SELECT table_name, column_name, sequence FROM (
            SELECT c.table_name::text, c.column_name::text, pg_get_serial_sequence(
                       quote_ident(c.table_schema) || '.' || quote_ident(c.table_name), c.column_name) AS sequence
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = %s AND t.table_type = 'BASE TABLE'
        ) serial WHERE sequence IS NOT NULL ORDER BY 1, 2
        """,
        [schema],
    )
    return [tuple(row) for row in cursor.fetchall()]


def _sequence_next_value(cursor, sequence: str) -> int:
    """What the sequence would hand out next (`sequence` as pg_get_serial_sequence quotes it)."""
    cursor.execute(
        sql.SQL(
            "SELECT s.last_value + CASE WHEN s.is_called THEN p.seqincrement ELSE 0 END "
            "FROM {} s, pg_sequence p WHERE p.seqrelid = %s::regclass"
        ).format(sql.SQL(sequence)),
        [sequence],
    )
    return cursor.fetchone()[0]


def _exported_columns(table: str, columns: list[str]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(_REDACTED_COLUMNS[table, column], sql.Identifier(column))
        if (table, column) in _REDACTED_COLUMNS
        else sql.Identifier(column)
        for column in columns
    )


def _column_list(columns: list[str]) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(column) for column in columns)
