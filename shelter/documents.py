"""The death report as a printable PDF, in Chinese whatever the screen language: the register's own
document (it needs nothing above shelter), drawn like tracing's documents with fpdf2 in a CJK font
(REGISTER_PDF_FONT, by default the same font as TRACING_PDF_FONT), so the text is real text."""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

FONT = "cjk"


def death_report_pdf(death, by=None):
    stay, person = death.stay, death.stay.person
    station = person.station
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        pdf = _document()
        pdf.set_title(_("Death report"))
        pdf.set_font(FONT, size=20)
        pdf.cell(0, 12, _("Death report"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=12)
        pdf.cell(0, 8, station.name, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        youngest, oldest = person.age_range(timezone.localtime(death.died_at).date())
        age = "-" if youngest is None else str(youngest) if youngest == oldest else f"{youngest}-{oldest}"
        _section(pdf, _("The person"), [
            (_("File number"), person.file_no),
            (_("Name"), person.name or _("unknown (unidentified)")),
            (_("Sex"), person.get_sex_display()),
            (_("Age"), age),
            (_("Resident ID number"), person.id_number or "-"),
            (_("Native place"), person.native_place or "-"),
            (_("Arrived"), timezone.localtime(stay.arrived_at).strftime("%Y-%m-%d %H:%M")),
            (_("Where found"), stay.found_place),
            (_("Identity"), stay.get_identity_display()),
        ])
        _section(pdf, _("The death"), [
            (_("Time of death"), timezone.localtime(death.died_at).strftime("%Y-%m-%d %H:%M")),
            (_("Place of death"), death.place),
            (_("Cause as stated"), death.cause),
            (_("Notes"), death.notes or "-"),
        ])
        _section(pdf, _("Proof"), [
            (_("Proof"), death.get_proof_kind_display()),
            (_("Document"), death.proof.name.rsplit("/", 1)[-1] if death.proof else "-"),
            (_("Entered"), timezone.localtime(death.entered_at).strftime("%Y-%m-%d %H:%M")),
        ])
        sendings = [(s.get_recipient_kind_display(), f"{s.recipient} · {timezone.localtime(s.sent_at):%Y-%m-%d %H:%M}"
                     + (f" · {s.method}" if s.method else "") + (f" · {s.reference}" if s.reference else ""))
                    for s in death.sendings.all()]
        if sendings:
            _section(pdf, _("Sent to"), sendings)
        pdf.ln(6)
        reported = timezone.localtime(death.reported_at).strftime("%Y-%m-%d %H:%M") if death.reported_at else "-"
        pdf.set_font(FONT, size=11)
        pdf.multi_cell(0, 7, _("Reported in the system on %(time)s by %(by)s.") % {
            "time": reported, "by": _name(death.entered_by)}, align="L")
        pdf.ln(8)
        for line in (station.name, _("(seal)"), timezone.localdate().strftime("%Y-%m-%d")):
            pdf.cell(0, 8, line, align="R", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def _name(user):
    if user is None:
        return "-"
    return user.get_full_name() or user.username


def _document():
    font = settings.REGISTER_PDF_FONT
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    try:
        pdf.add_font(FONT, "", font, collection_font_number=0)
    except FileNotFoundError:
        raise ImproperlyConfigured(f"REGISTER_PDF_FONT {font} not found: install a CJK font (fonts-wqy-zenhei).") from None
    pdf.set_creator("Homeward")
    pdf.add_page()
    return pdf


def _section(pdf, title, facts):
    pdf.set_font(FONT, size=13)
    pdf.cell(0, 9, str(title), new_x="LMARGIN", new_y="NEXT")
    for label, value in facts:
        pdf.set_x(pdf.l_margin)
        pdf.set_font(FONT, size=10)
        pdf.set_text_color(90, 90, 90)
        y = pdf.get_y()
        pdf.multi_cell(36, 7, str(label), align="L")
        pdf.set_xy(pdf.l_margin + 36, y)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, size=11)
        pdf.multi_cell(0, 7, str(value), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
