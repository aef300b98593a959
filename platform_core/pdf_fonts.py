"""The fonts of every PDF the platform prints (receipts, letters, case files), registered once per process.

DejaVu Sans, vendored in `fonts/` with its licence: ReportLab's own Vera fonts lack ą, ę, ń, ś, ź and ż, and
system fonts are not there in every container. Here, not in one app, because apps on different layers print.
"""

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


@cache
def pdf_fonts_register() -> None:
    # ReportLab's font registry is global to the process; registering once is enough.
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    # So that <b> in a paragraph picks DejaVu's bold instead of falling back to Helvetica.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
