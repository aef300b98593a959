"""Tables the office downloads into its spreadsheets (the payment report, the register): CSV as Polish Excel
opens it (UTF-8 with a BOM, semicolons, decimal commas) and XLSX. Both are written row by row into the file
they are given, the XLSX through openpyxl's write-only workbook, so a long period does not sit in memory.

Text that a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return) is made
harmless (CSV injection): in CSV it gets an apostrophe in front, in XLSX it is stored as text. Only text is
treated so; numbers and dates are written as what they are. Here, not in one app, because apps on different
layers export tables."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT, DATE_FORMAT, MONEY_FORMAT = "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd", "0.00"
# Excel keeps 15 significant digits: longer whole numbers (e.g. a gateway's order ids) go in as text.
_LARGEST_EXACT_INT = 2**53


def text_defused(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet runs as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_value(value) -> str:
    if isinstance(value, str):
        return text_defused(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return "" if value is None else str(value)


def csv_write(out: BinaryIO, headings: Sequence[str], rows: Iterable[Sequence]) -> None:
    """`headings`, then `rows` (text, numbers, Decimal amounts, naive dates and times), into the binary `out`."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow([_csv_value(heading) for heading in headings])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    text.flush()
    text.detach()  # `out` stays open for the caller


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST_EXACT_INT:
        value = str(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    return cell


def xlsx_write(
    out: BinaryIO,
    *,
    title: str,
    headings: Sequence[str],
    rows: Iterable[Sequence],
    sum_columns: Sequence[int] = (),
) -> None:
    """One sheet named `title`: `headings`, `rows` (naive datetimes: openpyxl refuses aware ones), and when
    there are rows and `sum_columns` (1-based), a last row "Total" adding those columns up with formulas."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])  # Excel's limit for a sheet's name
    sheet.append([_xlsx_cell(sheet, heading) for heading in headings])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    if count and sum_columns:
        total = [_xlsx_cell(sheet, _("Total"))] + [None] * (max(sum_columns) - 1)
        for column in sum_columns:
            letter = get_column_letter(column)
            formula = WriteOnlyCell(sheet, value=f"=SUM({letter}2:{letter}{count + 1})")
            formula.number_format = MONEY_FORMAT
            total[column - 1] = formula
        sheet.append(total)
    book.save(out)
