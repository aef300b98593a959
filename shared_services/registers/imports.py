"""Reading a register's records from a CSV or XLSX file, checked in full before anything is written.

Every row is checked as if a clerk had typed it into the register's form (eforms.filling.ApplicationForm): the
same fields, the same Polish messages, the same JSON Schema. The first row names the columns, by a field's name
(`numer`) or its title (`Numer uchwały`), in any order and letter case; a file with a column no field has, or
without a required field's column, is refused as a whole. Lines are numbered as a spreadsheet shows them (the
header is line 1)."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from shared_services.catalogue.models import StandardRegisterVersion
from shared_services.eforms.filling import ApplicationForm

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_SHOWN_ERRORS = 200
TRUE_WORDS = {"tak", "t", "true", "1", "x", "prawda", "yes"}
FALSE_WORDS = {"nie", "n", "false", "0", "", "fałsz", "no"}


class ImportFileError(Exception):
    """The file as a whole cannot be read as this register's records (its message says why, for the clerk)."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str  # the column's title, or "" for the whole row
    message: str


@dataclass
class ImportCheck:
    documents: list[dict]
    errors: list[RowError]
    rows: int


def records_file_check(upload, definition: StandardRegisterVersion) -> ImportCheck:
    """Read and check the uploaded file (a Django UploadedFile) against `definition`; raises ImportFileError."""
    if upload.size > MAX_IMPORT_BYTES:
        raise ImportFileError(_("The file is too large: at most %(limit)s MB.") % {"limit": MAX_IMPORT_BYTES // 2**20})
    name = (upload.name or "").lower()
    content = upload.read(MAX_IMPORT_BYTES + 1)
    if name.endswith(".csv"):
        table = _csv_table(content)
    elif name.endswith(".xlsx"):
        table = _xlsx_table(content)
    else:
        raise ImportFileError(_("Send a CSV or XLSX file."))
    if not table:
        raise ImportFileError(_("The file is empty."))
    header, rows = table[0], table[1:]
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportFileError(_("The file has more than %(limit)s rows.") % {"limit": MAX_IMPORT_ROWS})
    columns = _columns(header, definition)
    documents, errors = [], []
    for line, cells in enumerate(rows, start=2):
        if not any(str(cell).strip() for cell in cells):
            continue  # blank lines at the end of a sheet
        document, row_errors = _row_check(line, cells, columns, definition)
        if row_errors:
            errors += row_errors
        else:
            documents.append(document)
    if not documents and not errors:
        raise ImportFileError(_("The file has no records, only its header."))
    return ImportCheck(documents=documents, errors=errors, rows=len(documents) + len({e.line for e in errors}))


def _csv_table(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not in UTF-8: save it as “CSV UTF-8”.")) from None
    if "\x00" in text:
        raise ImportFileError(_("This is not a CSV file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be read: %(problem)s.") % {"problem": error}) from error


def _xlsx_table(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(_("This is not an XLSX file that can be read.")) from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append([_cell_text(value) for value in row])
            if len(table) > MAX_IMPORT_ROWS + 1:
                raise ImportFileError(_("The file has more than %(limit)s rows.") % {"limit": MAX_IMPORT_ROWS})
        return table
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, float):
        return format(Decimal(str(value)), "f")
    return str(value)


def _folded(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _columns(header: list[str], definition: StandardRegisterVersion) -> list[str | None]:
    """The field each column holds, by name or title; refuses unknown and repeated columns, missing required."""
    properties = definition.properties
    known = {}
    for name, spec in properties.items():
        known[_folded(name)] = name
        known[_folded(spec.get("title", name))] = name
    columns, unknown = [], []
    for title in header:
        if not str(title).strip():
            columns.append(None)
            continue
        name = known.get(_folded(title))
        if name is None:
            unknown.append(str(title))
        columns.append(name)
    if unknown:
        raise ImportFileError(
            _("The register has no field for the columns: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    named = [name for name in columns if name]
    if len(named) != len(set(named)):
        raise ImportFileError(_("A field has two columns in the file."))
    missing = [
        properties[name].get("title", name) for name in definition.json_schema.get("required", []) if name not in named
    ]
    if missing:
        raise ImportFileError(
            _("The file lacks the columns of required fields: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return columns


def _row_check(line: int, cells: list[str], columns: list[str | None], definition) -> tuple[dict, list[RowError]]:
    properties = definition.properties
    posted, errors = {}, []
    for name, cell in zip(columns, cells, strict=False):
        if name is None:
            continue
        text = str(cell).strip()
        if properties[name].get("type") == "boolean":
            word = text.casefold()
            if word not in TRUE_WORDS | FALSE_WORDS:
                errors.append(RowError(line, properties[name].get("title", name), _("Write “tak” or “nie”.")))
                continue
            if word in TRUE_WORDS:
                posted[name] = "on"
            continue
        if properties[name].get("type") in ("integer", "number") and not properties[name].get("x-money"):
            text = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")  # Polish files: 53,0321
        posted[name] = text
    form = ApplicationForm(data=posted, definition=definition)
    if not form.is_valid():
        for name, messages in form.errors.items():
            field = properties.get(name, {}).get("title", name) if name != "__all__" else ""
            errors += [RowError(line, field, message) for message in messages]
    if len(cells) > len(columns) and any(str(cell).strip() for cell in cells[len(columns) :]):
        errors.append(RowError(line, "", _("The row has more cells than the header has columns.")))
    return ({} if errors else form.document()), errors
