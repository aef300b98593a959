"""The unit's payment report for its accounting: CSV (UTF-8 with BOM, semicolons, as Polish spreadsheets
open it) or XLSX, one row per payment received in the period, amounts in złoty from grosze with Decimal."""

import csv
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .registry import provider_get

HEADER_KEYS = ("paid_at", "order_id", "register_number", "service", "amount", "refunded", "provider", "session_id")


def zloty(grosze: int) -> Decimal:
    return (Decimal(grosze) / 100).quantize(Decimal("0.01"))


def _headers() -> list[str]:
    return [
        _("Paid at"),
        _("Order id"),
        _("Register number"),
        _("Service"),
        _("Amount (PLN)"),
        _("Refunded (PLN)"),
        _("Provider"),
        _("Session"),
    ]


def _rows(payments):
    for payment in payments:
        entry = getattr(payment.submission, "register_entry", None)
        yield [
            timezone.localtime(payment.paid_at).replace(tzinfo=None),
            payment.order_id or "",
            entry.label if entry else "",
            payment.description,
            zloty(payment.amount_grosze),
            zloty(payment.refunded_grosze),
            _provider_name(payment.provider),
            payment.paid_session_id,
        ]


def _provider_name(key: str) -> str:
    try:
        return str(provider_get(key).name)
    except LookupError:
        return key


def report_csv(payments) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(_headers())
    for row in _rows(payments):
        writer.writerow(
            [
                value.strftime("%Y-%m-%d %H:%M:%S")
                if hasattr(value, "strftime")
                else (format(value, "f").replace(".", ",") if isinstance(value, Decimal) else value)
                for value in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(payments) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Payments")[:31]
    sheet.append(_headers())
    count = 0
    for row in _rows(payments):
        sheet.append([str(value) if isinstance(value, int) and value > 2**53 else value for value in row])
        count += 1
        sheet.cell(row=count + 1, column=1).number_format = "yyyy-mm-dd hh:mm:ss"
        for column in (5, 6):
            sheet.cell(row=count + 1, column=column).number_format = "0.00"
    if count:
        sheet.append([_("Total"), "", "", "", f"=SUM(E2:E{count + 1})", f"=SUM(F2:F{count + 1})"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
