"""The printed documents' set-up, once: A4 with 20 mm margins, fpdf2 with a CJK font (PDF_FONT,
Debian's WenQuanYi Zen Hei by default), so the Chinese text is real text: it prints, copies and can be
searched. The register's death report, tracing's notices and letters, and the month's table all start
here."""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF

logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

FONT = "cjk"
MARGIN = 20
PAGE_WIDTH = 210 - 2 * MARGIN  # A4 portrait, inside the margins


def document(orientation="P"):
    """A new A4 document on its first page, the CJK font loaded as FONT."""
    font = settings.PDF_FONT
    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    try:
        pdf.add_font(FONT, "", font, collection_font_number=0)
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"PDF_FONT {font} not found: install a CJK font (make system-deps installs fonts-wqy-zenhei)."
        ) from None
    pdf.set_creator("Homeward")
    pdf.add_page()
    return pdf


def heading(pdf, title, subtitle, size=22):
    """The document's title, centred, with a line under it (the station, usually)."""
    pdf.set_font(FONT, size=size)
    pdf.cell(0, 12, str(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=12)
    pdf.cell(0, 8, str(subtitle), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6 if size >= 22 else 4)


def facts(pdf, rows, label_width=36, size=12):
    """Label and value rows, the label grey on the left, the value wrapping beside it."""
    for label, value in rows:
        pdf.set_x(pdf.l_margin)
        pdf.set_font(FONT, size=10)
        pdf.set_text_color(90, 90, 90)
        y = pdf.get_y()
        pdf.multi_cell(label_width, 7, str(label), align="L")
        pdf.set_xy(pdf.l_margin + label_width, y)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, size=size)
        pdf.multi_cell(0, 7, str(value), align="L", new_x="LMARGIN", new_y="NEXT")
