"""The death report as a printable PDF, in Chinese whatever the screen language: the register's own
document (it needs nothing above shelter), set up like every other (lib.pdf)."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lib.pdf import FONT, document, facts, heading


def death_report_pdf(death, by=None):
    stay, person = death.stay, death.stay.person
    station = person.station
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        pdf = document()
        pdf.set_title(_("Death report"))
        heading(pdf, _("Death report"), station.name, size=20)
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
            (_("Unnatural or unexplained death"), _("yes") if death.unnatural else _("no")),
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
        if death.report_due_at:
            sendings.insert(0, (_("To be reported by"), _when(death.report_due_at)))
        if sendings:
            _section(pdf, _("Sent to"), sendings)
        body = getattr(death, "body", None)
        if body is not None:
            _section(pdf, _("The body"), [
                (_("Kept at"), f"{body.kept_at} · {_when(body.kept_since)}"),
                (_("Police told"), f"{body.police_unit} · {_when(body.police_told_at)}"
                 + (f" · {body.police_reference}" if body.police_reference else "")),
                (_("Claim deadline"), _when(body.claim_due_at)),
                (_("State"), body.get_state_display()),
            ])
        pdf.ln(6)
        reported = timezone.localtime(death.reported_at).strftime("%Y-%m-%d %H:%M") if death.reported_at else "-"
        pdf.set_font(FONT, size=11)
        pdf.multi_cell(0, 7, _("Reported in the system on %(time)s by %(by)s.") % {
            "time": reported, "by": _name(death.entered_by)}, align="L")
        pdf.ln(8)
        for line in (station.name, _("(seal)"), timezone.localdate().strftime("%Y-%m-%d")):
            pdf.cell(0, 8, line, align="R", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def _when(at):
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "-"


def _name(user):
    if user is None:
        return "-"
    return user.get_full_name() or user.username


def _section(pdf, title, rows):
    pdf.set_font(FONT, size=13)
    pdf.cell(0, 9, str(title), new_x="LMARGIN", new_y="NEXT")
    facts(pdf, rows, size=11)
    pdf.ln(3)
