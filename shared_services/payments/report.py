"""The unit's payment report for its accounting: CSV (UTF-8 with BOM, semicolons, as Polish spreadsheets
open it) or XLSX, written by platform_core.spreadsheets; one row per payment received in the period, amounts in
złoty from grosze with Decimal."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.spreadsheets import csv_write, xlsx_write

from .registry import provider_of

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
            str(provider_of(payment.provider).name),
            payment.paid_session_id,
        ]


def report_csv(payments) -> bytes:
    out = io.BytesIO()
    csv_write(out, _headers(), _rows(payments))
    return out.getvalue()


def report_xlsx(payments) -> bytes:
    out = io.BytesIO()
    xlsx_write(out, title=_("Payments"), headings=_headers(), rows=_rows(payments), sum_columns=(5, 6))
    return out.getvalue()
