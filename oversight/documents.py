"""The month's statistics table as a printable PDF (landscape A4, set up like every other: lib.pdf), and a
data query's letter to the department the data came from (PDF, in the documents' language) with its
sheet of disputed items (XLSX)."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lib.pdf import FONT, document, facts, heading

from . import exports


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


def query_headers():
    return [_("No."), _("file number"), _("name"), _("ID number"), _("date of birth"), _("line of your list"),
            _("your list says"), _("what is doubtful")]


def query_rows(query, what):
    """The disputed items as rows: `what` {problem pk: what is doubtful, worded} (oversight.problem_text)."""
    rows = []
    for n, item in enumerate(query.items, start=1):
        said = item.get("source_values") or {}
        rows.append([n, item.get("file_no", ""), item.get("name", ""), item.get("id_number", ""),
                     item.get("birth_date", ""), item.get("line", ""),
                     " ".join(str(v) for v in (said.get("name"), said.get("id_number"), said.get("birth_date")) if v),
                     what.get(item.get("problem"), "")])
    return rows


def query_items_xlsx(query, what):
    """The sheet of a query's disputed items, sent with its letter, in the documents' language."""
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        return exports.to_xlsx(_("Disputed items"), [str(h) for h in query_headers()], query_rows(query, what))


def query_letter_pdf(query):
    """The letter that sends doubtful data back to its source (数据核查函): to whom, what is doubtful in the
    station's words, the items in short (the full list in the sheet), whom to answer."""
    station = query.station
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        pdf = document()
        title = _("Request to verify data")
        pdf.set_title(title)
        heading(pdf, title, _("Reference number: %(ref)s") % {"ref": query.reference})
        pdf.set_font(FONT, size=12)
        pdf.multi_cell(0, 7, f"{query.department_name}：", align="L")
        pdf.ln(2)
        pdf.multi_cell(0, 7, _(
            "In checking our station's records against data from your department, we found %(count)s item(s) we "
            "doubt, listed below and in the attached sheet. So that doubtful data is corrected at its source, we "
            "ask you to check them and let us know the result, quoting the reference number above."
        ) % {"count": len(query.items)}, align="L")
        pdf.ln(3)
        facts(pdf, [(_("What is doubtful"), query.question)])
        pdf.ln(3)
        pdf.set_font(FONT, size=10)
        widths = (12, 42, 30, 46, 40)
        for label, width in zip((_("No."), _("file number"), _("name"), _("ID number"), _("line of your list")),
                                widths, strict=True):
            pdf.cell(width, 7, str(label), border=1, align="C")
        pdf.ln()
        for n, item in enumerate(query.items, start=1):
            for value, width in zip((n, item.get("file_no", ""), item.get("name", ""), item.get("id_number", ""),
                                     item.get("line", "")), widths, strict=True):
                pdf.cell(width, 7, str(value), border=1)
            pdf.ln()
        pdf.ln(4)
        pdf.set_font(FONT, size=12)
        pdf.multi_cell(0, 7, _("Contact: %(station)s, telephone %(phone)s, %(address)s.") % {
            "station": station.name, "phone": station.phone or "-", "address": station.address or "-"}, align="L")
        pdf.ln(10)
        for line in (station.name, _("(seal)"), timezone.localtime(query.sent_at).strftime("%Y-%m-%d")):
            pdf.cell(0, 8, line, align="R", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
