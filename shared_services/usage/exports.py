"""The indicators of a period as a table to download, CSV or XLSX (platform_core.spreadsheets)."""

import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse
from django.utils.translation import gettext as _

from platform_core.spreadsheets import csv_write, xlsx_write

from .selectors import Period, Totals

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SPOOL_BYTES = 1024 * 1024


def totals_headings() -> list[str]:
    return [
        _("Applications filed electronically"),
        _("Letters registered on paper or by e-mail"),
        _("Filed electronically (%)"),
        _("Cases closed"),
        _("Closed after the deadline"),
        _("Fees paid online"),
        _("Amount paid online (PLN)"),
    ]


def totals_cells(totals: Totals) -> list:
    return [
        totals.applications,
        totals.letters,
        totals.electronic_share,
        totals.closed,
        totals.closed_late,
        totals.payments,
        totals.paid,
    ]


def table_response(
    *, file_format: str, name: str, period: Period, headings: Sequence[str], rows: Iterable[Sequence]
) -> FileResponse:
    """`rows` written into a temporary file (on disk past a megabyte) and sent as `<name>-<period>.<format>`."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response sends and closes it)
    if file_format == "csv":
        csv_write(out, headings, rows)
    else:
        xlsx_write(out, title=_("Usage indicators"), headings=headings, rows=rows)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"{name}-{period.key}.{file_format}", content_type=FORMATS[file_format]
    )
