"""The month's statistics table as a printable PDF (landscape A4, set up like every other: lib.pdf)."""

from django.utils import timezone

from lib.pdf import FONT, document, heading


def month_table_pdf(title, subtitle, headers, sections):
    """The printable monthly table: `sections` [(section title, [(label, [values])])] under `headers`
    (the figure's column, then one per month and the total), landscape A4 in the CJK font."""
    pdf = document(orientation="L")
    pdf.set_title(title)
    heading(pdf, title, subtitle)
    label_w = 70
    value_w = min(24, (pdf.w - pdf.l_margin - pdf.r_margin - label_w) / max(len(headers) - 1, 1))

    def header_row():
        pdf.set_font(FONT, size=9)
        pdf.set_fill_color(221, 235, 247)
        pdf.cell(label_w, 7, str(headers[0]), border=1, fill=True)
        for h in headers[1:]:
            pdf.cell(value_w, 7, str(h), border=1, align="C", fill=True)
        pdf.ln()

    header_row()
    for section, rows in sections:
        if pdf.will_page_break(7 * (len(rows) + 1)):
            pdf.add_page()
            header_row()
        pdf.set_font(FONT, size=10)
        pdf.cell(label_w + value_w * (len(headers) - 1), 7, str(section), border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=9)
        for label, values in rows:
            pdf.cell(label_w, 6, "  " + str(label), border=1)
            for v in values:
                pdf.cell(value_w, 6, str(v), border=1, align="R")
            pdf.ln()
    pdf.ln(4)
    pdf.set_font(FONT, size=9)
    pdf.cell(0, 6, timezone.localtime().strftime("%Y-%m-%d %H:%M"), align="R")
    return bytes(pdf.output())
