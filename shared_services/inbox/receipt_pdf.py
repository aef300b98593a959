"""The official receipt's readable copy: one A4 page in PDF with a QR code leading to its verification.

The PDF has no evidential value of its own (the signed XML is the evidence; biznes.gov.pl says the same of
ePUAP's printouts), and it says so. Its texts are Polish whatever the resident's interface language: it
is an official document of a Polish office.

The font is DejaVu Sans, with Polish letters (platform_core/pdf_fonts.py).
"""

import io
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from platform_core.pdf_fonts import FONT, FONT_BOLD, pdf_fonts_register

from .upo import SUBMISSION_DOCUMENT_NAME, ReceiptFacts

TITLE = "Urzędowe poświadczenie odbioru (UPO)"


def receipt_pdf(facts: ReceiptFacts, verify_url: str, register_number: str) -> bytes:
    """The receipt as a one-page A4 PDF (a long list of attachments may run onto a second page), with the
    register number the application got (from the register: the signed receipt does not name it)."""
    pdf_fonts_register()
    styles = _styles()
    buffer = io.BytesIO()
    # invariant: the same receipt gives the same bytes (no creation date or random document id inside).
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=True,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"UPO {register_number} — {facts.addressee_name}",
        author=facts.addressee_name,
        subject=TITLE,
        keywords=[facts.receipt_id, register_number],
        creator="Ratusz",
        initialFontName=FONT,  # else the page starts in Helvetica, which is not embedded
    )
    document.build(
        [
            Paragraph(TITLE, styles["title"]),
            Paragraph(_text(facts.addressee_name), styles["subtitle"]),
            Spacer(0, 4 * mm),
            _facts_table(facts, register_number, styles),
            Spacer(0, 5 * mm),
            _verification_block(verify_url, styles),
            Spacer(0, 5 * mm),
            Paragraph(
                "Dowodem doręczenia jest podpisany elektronicznie plik XML tego poświadczenia. Ten wydruk jest jego "
                "czytelną kopią i sam nie ma mocy dowodowej. Autentyczność poświadczenia sprawdzisz, przesyłając "
                "plik XML na stronie weryfikacji (adres i kod QR powyżej); możesz tam też sprawdzić, czy Twój "
                f"wniosek ({SUBMISSION_DOCUMENT_NAME}) i załączniki są tymi, które zostały doręczone.",
                styles["note"],
            ),
        ]
    )
    return buffer.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=12, leading=15),
        "label": ParagraphStyle("label", parent=body, fontName=FONT_BOLD),
        "body": body,
        "hash": ParagraphStyle("hash", parent=body, fontSize=8, leading=10),
        "note": ParagraphStyle("note", parent=body, fontSize=9, leading=12, textColor=colors.HexColor("#333333")),
    }


def _text(value: str) -> str:
    # Paragraphs read a little markup; names typed by residents must print as typed, not be interpreted.
    return escape(value)


def _moment(value) -> str:
    local = value.astimezone(ZoneInfo(settings.TIME_ZONE))
    offset = local.strftime("%z")
    return f"{local:%d.%m.%Y}, godz. {local:%H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def _facts_table(facts: ReceiptFacts, register_number: str, styles) -> Table:
    sender = _text(facts.sender_name) + (f"<br/>{_text(facts.sender_email)}" if facts.sender_email else "")
    attachments = (
        "<br/>".join(f"{_text(name)}<br/><font size=7.5>{sha256}</font>" for name, sha256 in facts.attachments)
        or "brak"
    )
    rows = [
        ("Adresat", f"{_text(facts.addressee_name)}<br/>TERC: {_text(facts.addressee_terc)}"),
        ("Nadawca", sender),
        ("Usługa", _text(facts.service_name)),
        ("Data wpływu", _moment(facts.received_at)),
        ("Data wytworzenia poświadczenia", _moment(facts.produced_at)),
        ("Numer w rejestrze (nadany po podpisaniu, nie jest częścią pliku XML)", _text(register_number)),
        ("Identyfikator dokumentu", _text(facts.document_id)),
        ("Identyfikator poświadczenia", _text(facts.receipt_id)),
        (
            "Skrót SHA-256 wniosku",
            f"<font size=7.5>{facts.document_sha256}</font><br/><font size=8>(plik {SUBMISSION_DOCUMENT_NAME})</font>",
        ),
        ("Załączniki (nazwa i skrót SHA-256)", attachments),
    ]
    table = Table(
        [[Paragraph(label, styles["label"]), Paragraph(value, styles["body"])] for label, value in rows],
        colWidths=[48 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#bbbbbb")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _verification_block(verify_url: str, styles) -> Table:
    text = Paragraph(
        f"<b>Weryfikacja poświadczenia</b><br/>Zeskanuj kod QR albo wejdź na stronę:<br/>"
        f'<link href="{escape(verify_url, {chr(34): "&quot;"})}">{_text(verify_url)}</link>',
        styles["body"],
    )
    table = Table([[QrCode(verify_url, size=32 * mm), text]], colWidths=[38 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


class QrCode(Flowable):
    """A QR code drawn as vector squares: sharp at any zoom and print size, and no image library needed."""

    def __init__(self, data: str, *, size: float):
        super().__init__()
        self.matrix = [list(row) for row in segno.make(data, error="m").matrix_iter(border=4)]
        self.width = self.height = size

    def draw(self):
        module = self.width / len(self.matrix)
        self.canv.setFillColor(colors.black)
        for row_number, row in enumerate(self.matrix):
            y = self.height - (row_number + 1) * module  # PDF's y axis points up; the matrix's rows go down
            for column_number, dark in enumerate(row):
                if dark:
                    self.canv.rect(column_number * module, y, module, module, stroke=0, fill=1)
