"""A letter printed on A4: the unit's letterhead (coat of arms, name, address, its colour's rule), place and
date, the znak sprawy, the addressee, the subject, the body and the signature block. Polish whatever the
reader's interface language, as an official document of a Polish office is."""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from platform_core.pdf_fonts import FONT, FONT_BOLD, pdf_fonts_register

from .letter import Letter, date_written

COAT_OF_ARMS_HEIGHT = 22 * mm


def letter_pdf(letter: Letter) -> bytes:
    pdf_fonts_register()
    styles = _styles()
    buffer = io.BytesIO()
    head = letter.letterhead
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=True,  # the same letter gives the same bytes
        leftMargin=25 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=20 * mm,
        title=f"{letter.subject} — {letter.sign}",
        author=head.name,
        subject=letter.subject,
        creator="Ratusz",
        initialFontName=FONT,
    )
    place = f"{head.place}, " if head.place else ""
    document.build(
        [
            _letterhead(letter, styles),
            Spacer(0, 6 * mm),
            Table(
                [
                    [
                        Paragraph(_text(f"Znak sprawy: {letter.sign}"), styles["body"]),
                        Paragraph(_text(f"{place}dnia {date_written(letter.date)}"), styles["right"]),
                    ]
                ],
                colWidths=["50%", "50%"],
                style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]),
            ),
            Spacer(0, 10 * mm),
            _addressee(letter, styles),
            Spacer(0, 10 * mm),
            Paragraph(_text(letter.subject), styles["subject"]),
            Spacer(0, 4 * mm),
            *[Paragraph(_lines(paragraph), styles["body"]) for paragraph in _paragraphs(letter.body)],
            Spacer(0, 12 * mm),
            KeepTogether(_signature(letter, styles)),
        ]
    )
    return buffer.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=15, spaceAfter=7)
    return {
        "body": body,
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "unit": ParagraphStyle("unit", parent=body, fontName=FONT_BOLD, fontSize=14, leading=18, spaceAfter=2),
        "contact": ParagraphStyle("contact", parent=body, fontSize=9, leading=12, spaceAfter=0),
        "addressee": ParagraphStyle("addressee", parent=body, spaceAfter=0),
        "subject": ParagraphStyle("subject", parent=body, fontName=FONT_BOLD),
        "signature": ParagraphStyle("signature", parent=body, spaceAfter=0, leftIndent=85 * mm),
    }


def _text(value: str) -> str:
    # Paragraphs read a little markup; what clerks and residents typed must print as typed.
    return escape(value)


def _lines(value: str) -> str:
    return "<br/>".join(_text(line) for line in value.splitlines())


def _paragraphs(body: str) -> list[str]:
    """Paragraphs are separated by an empty line; a single line break stays a line break."""
    paragraphs, current = [], []
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _letterhead(letter: Letter, styles) -> Table:
    head = letter.letterhead
    contact = [line.strip() for line in head.address.splitlines() if line.strip()]
    contact += [part for part in (f"tel. {head.phone}" if head.phone else "", head.email, head.website) if part]
    text = [
        Paragraph(_text(head.name), styles["unit"]),
        *[Paragraph(_text(line), styles["contact"]) for line in contact],
    ]
    image = _coat_of_arms(head.coat_of_arms)
    cells, widths = ([image, text], [COAT_OF_ARMS_HEIGHT + 4 * mm, None]) if image else ([text], [None])
    return Table(
        [cells],
        colWidths=widths,
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LINEBELOW", (0, 0), (-1, -1), 1.5, colors.HexColor(head.colour)),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        ),
    )


def _coat_of_arms(data: bytes | None) -> Image | None:
    """The coat of arms scaled to the letterhead's height; none if there is none or it cannot be read."""
    if not data:
        return None
    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
    except Exception:  # a damaged image must not stop the letter: it goes without its arms
        return None
    return Image(io.BytesIO(data), width=COAT_OF_ARMS_HEIGHT * width / height, height=COAT_OF_ARMS_HEIGHT)


def _addressee(letter: Letter, styles) -> Table:
    name, *address = [line for line in letter.addressee if line] or [""]
    lines = [Paragraph(f"<b>{_text(name)}</b>", styles["addressee"])]
    lines += [Paragraph(_text(line), styles["addressee"]) for line in address]
    return Table([["", lines]], colWidths=["50%", "50%"], style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))


def _signature(letter: Letter, styles) -> list:
    person = letter.signatory
    position = person.position[:1].upper() + person.position[1:]
    return [Paragraph(_text(line), styles["signature"]) for line in (person.name, position, person.department) if line]
