"""Where files live: units' files (attachments, receipts' PDFs, letters, coats of arms) and export archives.

Two backends behind Django's storage API, chosen by `STORAGE_BACKEND` (settings.py):

- `filesystem` (the default of `make run` and `make test`): a unit's files in MEDIA_ROOT/<schema>/, archives
  in UNIT_EXPORT_ROOT;
- `s3`: an S3-compatible object store (AWS S3, MinIO, Ceph RGW) through django-storages, with the same layout
  as keys: `[AWS_LOCATION/]<schema>/…` for a unit's files and `UNIT_EXPORT_PREFIX/…` for archives. Objects are
  private (no ACL is set; the bucket's own policy must refuse anonymous reads) and are uploaded with a SHA-256
  checksum that the store verifies before it accepts them (AWS_S3_CHECKSUM_ALGORITHM).

Files are served only by the platform's views, after their permission checks, streamed through the web process:
never by a public or presigned URL (docs/operations.md, "Object storage", says why).

A unit's storage is `default_storage` inside the unit's schema (the prefix follows the connection's schema, as
django-tenants' storage does); `unit_storage(schema)` is the same storage fixed to one unit, for the work on a
unit from outside its schema (export, import, offboarding). Both classes below accept `schema`.
"""

import errno
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection
from django_tenants.files.storage import TenantFileSystemStorage
from storages.backends.s3 import S3Storage

EXPORTS = "exports"  # the alias of the export archives' storage in settings.STORAGES


class NotARegularFile(SuspiciousFileOperation):
    """A unit's folder holds a link or another special file (`path`)."""

    def __init__(self, path: str):
        super().__init__(f"{path} is not a regular file or folder (a link?); replace it by a copy or move it away.")
        self.path = path


class UnitFileSystemStorage(TenantFileSystemStorage):
    """django-tenants' MEDIA_ROOT/<schema>/ storage; with `schema`, fixed to that unit whatever the connection's.

    A link or other special file in a unit's folder is refused when listed: following it could take in another
    unit's files (the export walks the folder), and skipping it would lose it without a word.
    """

    def __init__(self, *args, schema: str | None = None, **kwargs):
        self.schema = schema
        super().__init__(*args, **kwargs)

    @property
    def base_location(self):
        if self.schema is None:
            return super().base_location
        # What django_tenants.utils.parse_tenant_config_path does with the connection's schema, with this one.
        relative = self.relative_media_root
        folder = relative % self.schema if "%s" in relative else os.path.join(relative, self.schema)
        return self._value_or_setting(self._location, folder)

    def listdir(self, path):
        directories, files = super().listdir(path)
        for name in directories + files:
            full = os.path.join(self.path(path), name)
            if os.path.islink(full) or not (os.path.isdir(full) or os.path.isfile(full)):
                raise NotARegularFile(full)
        return directories, files

    def delete_all(self) -> None:
        """Delete every file of the unit (its folder)."""
        shutil.rmtree(self.location, ignore_errors=True)


class UnitS3Storage(S3Storage):
    """Keys `[location/]<schema>/<name>` in the bucket, the schema being the connection's or the one given."""

    def __init__(self, *, schema: str | None = None, **settings_):
        self.schema = schema
        super().__init__(**settings_)

    # django-storages sets `location` from its settings in __init__; the unit's schema is added on every use.
    @property
    def location(self):
        schema = self.schema or connection.schema_name
        return posixpath.join(self._base_location, schema) if self._base_location else schema

    @location.setter
    def location(self, value):
        self._base_location = value.strip("/")

    def delete_all(self) -> None:
        """Delete every object under the unit's prefix, a thousand per request (versions stay, if kept)."""
        self.bucket.objects.filter(Prefix=f"{self.location}/").delete()


def unit_storage(schema: str) -> Storage:
    """The storage of one unit's files (the configured backend, fixed to `schema`)."""
    default = settings.STORAGES["default"]
    return storages.create_storage(
        {"BACKEND": default["BACKEND"], "OPTIONS": {**default.get("OPTIONS", {}), "schema": schema}}
    )


def exports_storage() -> Storage:
    """Where export archives are kept (STORAGES["exports"])."""
    return storages[EXPORTS]


def files_in(storage: Storage, folder: str = "") -> Iterator[str]:
    """The names of every file under `folder` of `storage`, folders walked depth first, in a stable order."""
    directories, files = storage.listdir(folder)
    entries = [(name, True) for name in directories] + [(name, False) for name in files]
    for name, is_directory in sorted(entries):
        path = posixpath.join(folder, name) if folder else name
        if is_directory:
            yield from files_in(storage, path)
        else:
            yield path


def place_of(storage: Storage, name: str = "") -> str:
    """Where `name` of `storage` is, for people to read: a path on this machine, or `s3://bucket/key`."""
    if (folder := local_folder(storage)) is not None:
        return str(folder / name) if name else str(folder)
    return f"s3://{storage.bucket_name}/{storage._normalize_name(name) if name else storage.location + '/'}"


def local_folder(storage: Storage, folder: str = "") -> Path | None:
    """The folder on this machine's disk that `folder` of `storage` is, or None for an object store."""
    try:
        return Path(storage.path(folder))
    except NotImplementedError:
        return None


class ArchiveFileSystemStorage(FileSystemStorage):
    """Export archives in UNIT_EXPORT_ROOT, written so that an archive's name always means a complete file.

    An object store's PUT has that property by itself: the object appears whole or not at all. On a disk, the
    content is staged under a temporary name in the target folder, flushed, linked under its final name (which
    never replaces a file) and the folder flushed: a crash leaves at most a `.partial` file, never a truncated
    archive under a real name.
    """

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.UNIT_EXPORT_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def _save(self, name, content):
        target = Path(self.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(content.temporary_file_path()) if hasattr(content, "temporary_file_path") else None
        own_copy = staged is None or staged.parent != target.parent
        if own_copy:
            descriptor, staged_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-", suffix=".partial")
            staged = Path(staged_name)
            with os.fdopen(descriptor, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk)
        try:
            with staged.open("rb+") as written:
                os.fsync(written.fileno())
            while True:
                try:
                    os.link(staged, target)
                    staged.unlink()
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    target = Path(self.path(name))
                except OSError as error:
                    if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                        raise
                    # A file system without hard links: a rename is as atomic, checked against replacing first.
                    if target.exists():
                        name = self.get_available_name(name)
                        target = Path(self.path(name))
                        continue
                    os.rename(staged, target)
                    break
        except BaseException:
            if own_copy:
                staged.unlink(missing_ok=True)
            raise
        fsync_folder(target.parent)
        return name


class StagedFile(File):
    """A finished file on the local disk handed to a storage's save(): ArchiveFileSystemStorage links it in place
    of copying when it is in the target folder; other storages read it."""

    def __init__(self, path: Path):
        super().__init__(path.open("rb"), name=path.name)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def staging_folder(storage: Storage, folder: str = "") -> Path:
    """Where to write a file before it is saved to `folder` of `storage`: that folder itself on a disk (saving
    is then a link), else a folder of this machine's temporary space (an emptyDir in the Helm chart)."""
    path = local_folder(storage, folder) or Path(tempfile.gettempdir(), "ratusz-staging", folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
