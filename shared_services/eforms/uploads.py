"""Checking an attachment to a form by its content, not by its name.

The name and the browser's Content-Type are whatever the sender says; the first bytes of the file
(its magic number) are what a program opening it will go by. So the type is detected from the content
with `filetype`, and a file named .pdf that is in fact a program is rejected because a program is not
an accepted kind. A mismatch between name and content alone is no error: the content decides.

`filetype` knows binary formats by their signatures only. It does not recognise text formats
(XML, CSV, plain text, SVG), and it does not check that a file is well-formed beyond its first bytes.
"""

import hashlib
from contextlib import contextmanager
from datetime import timedelta

import filetype
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from platform_core.text import line_clean

# filetype itself looks at no more than the first 8 KiB.
HEAD_BYTES = 8192
MB = 1024 * 1024  # binary megabytes, as Windows and Django's filesizeformat show them

# Names residents know; any other media type is shown as is.
LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/rtf": "RTF",
    "application/zip": _("ZIP archive"),
    "application/x-msdownload": _("Windows program (EXE)"),
    "application/x-executable": _("program (ELF)"),
}


def check_attachment(uploaded_file, *, max_bytes: int, media_types: list[str]) -> str:
    """Return the media type detected in `uploaded_file`, or raise ValidationError.

    The file is left at position 0, so it can be saved after the check.
    """
    size = uploaded_file.size
    if not size:
        raise ValidationError(_("The file is empty."), code="attachment_empty")
    if size > max_bytes:
        # In tenths of a MB, the size rounded up and the limit down: a file just over the limit must not
        # read "The file is 10 MB; the limit is 10 MB."
        size_tenths = -(-size * 10 // MB)
        limit_tenths = max_bytes * 10 // MB
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            params={"size": _lazy_megabytes(size_tenths), "limit": _lazy_megabytes(limit_tenths)},
            code="attachment_size",
        )
    uploaded_file.seek(0)
    try:
        head = uploaded_file.read(HEAD_BYTES)
    finally:
        uploaded_file.seek(0)
    kind = filetype.guess(head)
    if kind is not None and kind.mime in media_types:
        return kind.mime
    allowed = _lazy_labels(media_types)
    if kind is None:
        raise ValidationError(
            _("The content of this file was not recognised; accepted here: %(allowed)s."),
            params={"allowed": allowed},
            code="attachment_type",
        )
    raise ValidationError(
        _("The content of this file is %(detected)s; accepted here: %(allowed)s."),
        params={"detected": _label(kind.mime), "allowed": allowed},
        code="attachment_type",
    )


def _label(media_type: str) -> str:
    return LABELS.get(media_type, media_type)


def _labels(media_types: list[str]) -> str:
    return ", ".join(str(_label(media_type)) for media_type in media_types)


def _megabytes(tenths: int) -> str:
    """'12.3' or '10' (no '.0'), with the decimal separator of the active language ('12,3' in Polish)."""
    if tenths % 10 == 0:
        return number_format(tenths // 10)
    return number_format(tenths / 10, decimal_pos=1)


# Parameters formatted when the message is, so that they follow the language the message is shown in.
_lazy_labels = lazy(_labels, str)
_lazy_megabytes = lazy(_megabytes, str)


def original_name(uploaded_file) -> str:
    """The file's name as the sender gave it, for people to read: one clean line (platform_core.text), so that
    "Jan\\u202egnp.exe" cannot pose as "Janexe.png", and within the 255 characters it is kept in."""
    return line_clean(uploaded_file.name)[:255]


def sha256_of(uploaded_file) -> str:
    """The SHA-256 of an uploaded file's content, read in chunks; the file is left at position 0."""
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


@contextmanager
def files_removed_on_failure(storage):
    """Yields a list for the names of the files written inside the block: should the block fail (its
    transaction rolls back the rows that point at them), they are deleted again."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            storage.delete(name)
        raise


def stray_files_remove(*, storage, folder: str, referenced: set[str], older_than: timedelta) -> list[str]:
    """Remove the files in `folder` that no row points at (`referenced`): written by an intake whose process was
    killed before it committed (a failed one removes its own). Only files older than `older_than`, so an intake
    still in progress keeps its files. Returns the names removed."""
    if not storage.exists(folder):
        return []
    cutoff = timezone.now() - older_than
    removed = []
    for name in storage.listdir(folder)[1]:
        path = f"{folder}/{name}"
        if path not in referenced and storage.get_modified_time(path) < cutoff:
            storage.delete(path)
            removed.append(path)
    return removed
