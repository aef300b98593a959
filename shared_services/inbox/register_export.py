"""The register of incoming correspondence (rejestr przesyłek wpływających) for a period, to download: PDF (an
office's printout, in Polish, with the unit and the period in its title), CSV or XLSX (platform_core.spreadsheets),
with the register's columns: number, date received, sender, subject, channel, znak sprawy and department.

Bounded memory whatever the period: entries are read from a server-side cursor in chunks and written row by row
into a temporary file that moves to disk past a megabyte (the PDF drawn page by page, pdf_tables.py; the XLSX
through openpyxl's write-only workbook), which is then sent."""

import tempfile
from dataclasses import astuple, dataclass
from datetime import date, datetime

from django import forms
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from platform_core.spreadsheets import csv_write, xlsx_write

from .pdf_tables import PdfTable
from .selectors import register_entries_between

FORMATS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Kept in memory up to this size, then in a file on disk.
SPOOL_BYTES = 1024 * 1024
_CHUNK = 500


class RegisterPeriodForm(forms.Form):
    """The period and the format of the download; the field names are the address's `od`, `do` and `format`."""

    od = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),  # ISO, as a date input needs
        error_messages={"required": gettext_lazy("Give the first day of the period.")},
    )
    do = forms.DateField(
        label=gettext_lazy("To"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),  # ISO, as a date input needs
        help_text=gettext_lazy("At most a year after the first day."),
        error_messages={"required": gettext_lazy("Give the last day of the period.")},
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("pdf", gettext_lazy("PDF, to print")),
            ("csv", gettext_lazy("CSV, for a spreadsheet")),
            ("xlsx", gettext_lazy("XLSX, for Excel")),
        ],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose PDF, CSV or XLSX.")},
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("od"), cleaned.get("do")
        if since and until:
            if until < since:
                self.add_error("do", _("The end of the period is before its start."))
            # Compared as (year, month, day) so that the last day of year 9999 does not overflow.
            elif (until.year, until.month, until.day) >= (since.year + 1, since.month, since.day):
                self.add_error("do", _("The period may be at most a year long."))
        return cleaned


@dataclass(frozen=True)
class RegisterRow:
    number: str
    received: datetime  # local time, without a zone (spreadsheets keep none)
    sender: str
    subject: str
    channel: str
    sign: str
    department: str


def register_headings() -> list[str]:
    return [
        _("No."),
        _("Received"),
        _("Sender"),
        _("Subject"),
        _("How it came"),
        _("Case sign"),
        _("Department"),
    ]


def register_rows(since: date, until: date):
    """The entries received from `since` to `until` (inclusive, local days), in the register's order, read in
    chunks."""
    for entry in register_entries_between(since, until).iterator(chunk_size=_CHUNK):
        case = entry.owning_case
        yield RegisterRow(
            number=entry.label,
            received=timezone.localtime(entry.received_at).replace(tzinfo=None, microsecond=0),
            sender=entry.sender_name,
            subject=entry.subject,
            channel=entry.get_channel_display(),
            sign=case.sign if case else "",
            department=case.department.name if case and case.department else "",
        )


def register_file(since: date, until: date, file_format: str):
    """The register for the period in `file_format` (pdf, csv or xlsx), as a temporary file at its start."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response sends and closes it)
    try:
        if file_format == "pdf":
            _register_pdf(since, until, out)
        else:
            table = (astuple(row) for row in register_rows(since, until))
            if file_format == "csv":
                csv_write(out, register_headings(), table)
            else:
                xlsx_write(
                    out, title=_("Register of incoming correspondence"), headings=register_headings(), rows=table
                )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def register_file_name(since: date, until: date, file_format: str) -> str:
    return f"rejestr-{connection.tenant.slug}-{since:%Y%m%d}-{until:%Y%m%d}.{file_format}"


def _register_pdf(since: date, until: date, out) -> None:
    with translation.override("pl"):
        unit = connection.tenant.name
        title = _("Register of incoming correspondence")
        period = _("Period: from %(since)s to %(until)s") % {"since": since.isoformat(), "until": until.isoformat()}
        columns = list(zip(register_headings(), (1.1, 1.6, 2.6, 3.6, 1.4, 2.0, 2.2), strict=True))
        printed = _("Printed on %(day)s") % {"day": timezone.localdate().isoformat()}
        with PdfTable(
            out, title=f"{title} — {unit}", facts=[period, printed], columns=columns, author=unit, wide=True
        ) as table:
            for row in register_rows(since, until):
                received = row.received.strftime("%Y-%m-%d %H:%M")
                table.row([row.number, received, row.sender, row.subject, row.channel, row.sign, row.department])
