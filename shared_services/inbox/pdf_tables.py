"""Long tables printed to A4 PDF (the case file, the register for a period): a heading on the first page, then
the table row by row, its header repeated on every page, long texts wrapped (a cell taller than a page goes on
over the next), and "Strona N z M" at the foot of each page.

Rows are drawn as they come and forgotten, straight onto the canvas (no platypus story held in memory), so a
year of the register takes the memory of one page; the total of pages is a form drawn once at the end, which
every page's foot already refers to. The font is DejaVu Sans, with Polish letters (platform_core/pdf_fonts.py).
"""

from collections.abc import Sequence
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from platform_core.pdf_fonts import FONT, FONT_BOLD, pdf_fonts_register

MARGIN, PADDING = 15 * mm, 1.5 * mm
_PAGE_TOTAL_FORM = "pages-total"
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
_HEAD = ParagraphStyle("head", parent=_CELL, fontName=FONT_BOLD)
_TITLE = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=14, leading=18, spaceAfter=2 * mm)
_LINE = ParagraphStyle("line", fontName=FONT, fontSize=10, leading=13)
_GRID, _HEAD_BACKGROUND = colors.HexColor("#555555"), colors.HexColor("#e6e6e6")


def paragraph_text(text: str) -> str:
    """Plain text as a paragraph's markup: escaped, its line breaks kept."""
    return escape(text).replace("\n", "<br/>")


class PdfTable:
    """`with PdfTable(out, ...) as table: table.row([...])`: the PDF is written to `out` when the block ends.

    `columns` are (heading, share of the page's width); `heading` the first page's title and then lines of
    facts, as plain text; `wide` turns the page to landscape. Texts are Polish: it is an office's document."""

    def __init__(
        self,
        out: BinaryIO,
        *,
        title: str,
        facts: Sequence[str] = (),
        columns: Sequence[tuple[str, float]],
        author: str,
        wide: bool = False,
    ):
        pdf_fonts_register()
        self._page_size = landscape(A4) if wide else A4
        self._canvas = Canvas(out, pagesize=self._page_size, invariant=True, initialFontName=FONT)
        self._canvas.setTitle(title)
        self._canvas.setAuthor(author)
        self._canvas.setCreator("Ratusz")
        width = self._page_size[0] - 2 * MARGIN
        total_share = sum(share for _, share in columns)
        self._widths = [width * share / total_share for _, share in columns]
        self._headings = [heading for heading, _ in columns]
        self._page = 0
        self._y = 0.0
        self._page_start(first=(title, facts))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self._finish()

    def row(self, cells: Sequence[str]) -> None:
        """One row of plain texts; a row that does not fit on the page starts the next one."""
        self._row([Paragraph(paragraph_text(text), _CELL) for text in cells])

    def _row(self, paragraphs: list, fresh_page_tried: bool = False) -> None:
        room = self._y - MARGIN - 2 * PADDING
        heights = self._heights(paragraphs, room)
        if max(heights) <= room:
            self._draw(paragraphs, max(heights))
            return
        if not fresh_page_tried:
            self._page_start()
            self._row(paragraphs, fresh_page_tried=True)
            return
        # Taller than a whole page: what fits here, the rest of each cell on the next page.
        here, rest = [], []
        for paragraph, width, height in zip(paragraphs, self._widths, heights, strict=True):
            parts = [paragraph] if height <= room else paragraph.split(width - 2 * PADDING, room)
            here.append(parts[0] if parts else Paragraph("", _CELL))
            rest.append(parts[1] if len(parts) > 1 else Paragraph("", _CELL))
        self._draw(here, max(self._heights(here, room)))
        self._page_start()
        self._row(rest, fresh_page_tried=True)

    def _heights(self, paragraphs: list, room: float) -> list[float]:
        """Each cell's height, its paragraph wrapped to the column (one paragraph per column, or an error)."""
        return [
            paragraph.wrap(width - 2 * PADDING, room)[1]
            for paragraph, width in zip(paragraphs, self._widths, strict=True)
        ]

    def _draw(self, paragraphs: list, height: float) -> None:
        canvas, x, row_height = self._canvas, MARGIN, height + 2 * PADDING
        canvas.setStrokeColor(_GRID)
        canvas.setLineWidth(0.5)
        for paragraph, width in zip(paragraphs, self._widths, strict=True):
            canvas.rect(x, self._y - row_height, width, row_height, stroke=1, fill=0)
            paragraph.wrap(width - 2 * PADDING, height)
            paragraph.drawOn(canvas, x + PADDING, self._y - PADDING - paragraph.height)
            x += width
        self._y -= row_height

    def _page_start(self, first: tuple[str, Sequence[str]] | None = None) -> None:
        canvas = self._canvas
        if self._page:
            canvas.showPage()
        self._page += 1
        self._y = self._page_size[1] - MARGIN
        if first:
            title, facts = first
            for text, style in [(title, _TITLE), *((line, _LINE) for line in facts)]:
                paragraph = Paragraph(paragraph_text(text), style)
                paragraph.wrap(self._page_size[0] - 2 * MARGIN, self._y)
                paragraph.drawOn(canvas, MARGIN, self._y - paragraph.height)
                self._y -= paragraph.height + style.spaceAfter
            self._y -= 3 * mm
        self._foot()
        canvas.setFillColor(_HEAD_BACKGROUND)
        head = [Paragraph(paragraph_text(heading), _HEAD) for heading in self._headings]
        height = max(self._heights(head, self._y))
        canvas.rect(MARGIN, self._y - height - 2 * PADDING, sum(self._widths), height + 2 * PADDING, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        self._draw(head, height)

    def _foot(self) -> None:
        canvas = self._canvas
        text = f"Strona {self._page} z "
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, MARGIN / 2, text)
        canvas.saveState()
        canvas.translate(MARGIN + canvas.stringWidth(text, FONT, 8), MARGIN / 2)
        canvas.doForm(_PAGE_TOTAL_FORM)  # defined in _finish, once the number of pages is known
        canvas.restoreState()

    def _finish(self) -> None:
        canvas = self._canvas
        canvas.showPage()
        canvas.beginForm(_PAGE_TOTAL_FORM)
        canvas.setFont(FONT, 8)
        canvas.drawString(0, 0, str(self._page))
        canvas.endForm()
        canvas.save()
