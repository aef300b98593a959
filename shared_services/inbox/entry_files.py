"""The files of register entries that are not applications (an answer's attachments, a letter's scan): storing
them, and sweeping those an intake killed before its commit left behind."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile

from shared_services.eforms.uploads import original_name, stray_files_remove

from .models import EntryFile, RegisterEntry
from .models.register import ENTRY_FILES_FOLDER

entry_files_storage = EntryFile._meta.get_field("file").storage


@dataclass(frozen=True)
class IncomingFile:
    """An uploaded file with the media type found in its content (eforms.uploads.check_attachment)."""

    upload: UploadedFile
    media_type: str


def entry_files_store(entry: RegisterEntry, files: list[IncomingFile], hashes: list[str]) -> list[str]:
    """Store the files of `entry`; returns the names written (for removal should the transaction fail)."""
    stored = [
        EntryFile.objects.create(
            entry=entry,
            file=incoming.upload,
            original_name=original_name(incoming.upload),
            media_type=incoming.media_type,
            size=incoming.upload.size,
            sha256=sha256,
        )
        for incoming, sha256 in zip(files, hashes, strict=True)
    ]
    return [entry_file.file.name for entry_file in stored]


def entry_files_orphans_remove(*, older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Remove the current unit's files of answers and letters that no row points at (see the module's note)."""
    return stray_files_remove(
        storage=entry_files_storage,
        folder=ENTRY_FILES_FOLDER,
        referenced=set(EntryFile.objects.values_list("file", flat=True)),
        older_than=older_than,
    )
