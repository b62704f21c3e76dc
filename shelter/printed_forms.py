"""The five standard forms of a stay, printed from the file as Chinese PDFs whatever the screen language
(lib.pdf): the registration and application form (求助登记表), the handover form (交接单), the record of
services (服务记录), the departure form (离站登记表) and the return-home record (返乡记录), which
carries the letter back to the station that referred the person.

Each form prints only what the file holds: an empty field is a blank line to fill in by hand, never a
made-up value. A form that needs a record the stay does not have (the departure) is not offered.
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf.fonts import FontFace

from lib.pdf import FONT, PAGE_WIDTH, document, facts, heading

from .models import BroughtBy, DepartureKind

HOME = (DepartureKind.FAMILY, DepartureKind.ESCORTED, DepartureKind.TICKET)
BLANK = "＿＿＿＿＿＿"

# slug: title; the order of the file page's links.
FORMS = {
    "registration": gettext_lazy("Registration and application form"),
    "handover": gettext_lazy("Handover form"),
    "services": gettext_lazy("Record of services"),
    "departure": gettext_lazy("Departure form"),
    "return-home": gettext_lazy("Return-home record"),
}


def available(stay):
    """The forms this stay can print: the departure's two only once it has departed (the return-home
    record for a departure home)."""
    departure = getattr(stay, "departure", None)
    return [slug for slug in FORMS if slug not in ("departure", "return-home")
            or (departure is not None and (slug == "departure" or departure.kind in HOME))]


def referred(stay):
    """The referring station's name, when another station referred the person (else "")."""
    return stay.brought_by_name or _("the referring station") if stay.brought_by == BroughtBy.STATION else ""


def pdf_of(slug, stay):
    """The form's PDF bytes. KeyError for a form the stay cannot print (see available)."""
    if slug not in available(stay):
        raise KeyError(slug)
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        pdf = document()
        title = str(FORMS[slug])
        pdf.set_title(title)
        heading(pdf, title, stay.station.name, size=20)  # the station of this stay, wherever the file is now
        pdf.set_font(FONT, size=10)
        pdf.cell(0, 6, _("File number: %(file)s") % {"file": stay.person.file_no}, align="R",
                 new_x="LMARGIN", new_y="NEXT")
        BUILDERS[slug](pdf, stay)
        return bytes(pdf.output())


def _at(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else BLANK


def _or_blank(value):
    return value if value not in (None, "") else BLANK


def _section(pdf, title, rows=None):
    pdf.ln(2)
    pdf.set_font(FONT, size=13)
    pdf.cell(0, 9, str(title), new_x="LMARGIN", new_y="NEXT")
    if rows:
        facts(pdf, rows, size=11)


def _table(pdf, headers, rows, widths):
    """A ruled table (fpdf2's), its header row in grey; an empty one prints one blank row to fill in."""
    pdf.set_font(FONT, size=10)
    heads = FontFace(emphasis="", fill_color=(230, 230, 230))
    with pdf.table(col_widths=widths, width=PAGE_WIDTH, line_height=7, text_align="LEFT",
                   headings_style=heads) as table:
        for row in [headers, *(rows or [[""] * len(headers)])]:
            line = table.row()
            for value in row:
                line.cell(str(value))


def _signatures(pdf, *who):
    pdf.ln(8)
    pdf.set_font(FONT, size=11)
    for label in who:
        pdf.cell(PAGE_WIDTH / 2, 9, f"{label}：{BLANK}", new_x="RIGHT" if label != who[-1] else "LMARGIN",
                 new_y="TOP" if label != who[-1] else "NEXT")
    pdf.cell(0, 9, _("Date: %(date)s") % {"date": BLANK}, align="R", new_x="LMARGIN", new_y="NEXT")


def _person_rows(person, stay):
    youngest, oldest = person.age_range(timezone.localtime(stay.arrived_at).date())
    age = BLANK if youngest is None else str(youngest) if youngest == oldest else f"{youngest}–{oldest}"
    fingerprints = person.get_fingerprints_display() if person.fingerprints else BLANK
    if person.fingerprints_reference:
        fingerprints += f"（{person.fingerprints_reference}）"
    if person.fingerprints_not_taken_reason:
        fingerprints += f"：{person.fingerprints_not_taken_reason}"
    return [
        (_("Name"), person.name or _("unknown")),
        (_("Sex"), person.get_sex_display()),
        (_("Age"), age),
        (_("Resident ID number"), _or_blank(person.id_number)),
        (_("Ethnicity"), _or_blank(person.ethnicity)),
        (_("Native place"), _or_blank(person.native_place)),
        (_("Accent"), _or_blank(person.dialect)),
        (_("Relatives' phone"), _or_blank(person.relatives_phone)),
        (_("Height"), _("about %(cm)s cm") % {"cm": person.height_cm} if person.height_cm else BLANK),
        (_("Distinguishing features"), _or_blank("；".join(
            v for v in (person.hair, person.marks, person.scars, person.tattoos, person.disability) if v))),
        (_("Fingerprints"), fingerprints),
    ]


def _belongings(pdf, stay, counted_out=False):
    items = list(stay.belongings.order_by("pk"))
    if counted_out:
        rows = [[b.item, b.quantity, b.counted_out_text if b.outcome else BLANK, b.notes] for b in items]
        _table(pdf, [_("Item"), _("Quantity"), _("Counted out"), _("Notes")], rows, [4, 1, 4, 3])
    else:
        _table(pdf, [_("Item"), _("Quantity"), _("Notes")], [[b.item, b.quantity, b.notes] for b in items],
               [5, 1, 5])


def registration(pdf, stay):
    person = stay.person
    _section(pdf, _("The person"), _person_rows(person, stay))
    _section(pdf, _("The arrival"), [
        (_("Arrived"), _at(stay.arrived_at)),
        (_("Where found"), _or_blank(stay.found_place)),
        (_("How they came to be stranded"), _or_blank(stay.found_circumstances)),
        (_("Brought by"), f"{stay.get_brought_by_display()} {stay.brought_by_name}".strip()),
        (_("Health at intake"), _or_blank(stay.health_at_intake)),
        (_("Mental state"), stay.get_mental_state_display()),
        (_("Clothing"), _or_blank(stay.clothing)),
        (_("Identity"), stay.get_identity_display()),
        (_("Staff in charge"), _or_blank(stay.staff_in_charge and (stay.staff_in_charge.get_full_name()
                                                                   or stay.staff_in_charge.username))),
    ])
    _section(pdf, _("Belongings counted in"))
    _belongings(pdf, stay)
    pdf.ln(4)
    pdf.set_font(FONT, size=11)
    pdf.multi_cell(0, 7, _("I ask the station for help and confirm that what is written above is what I said."),
                   align="L", new_x="LMARGIN", new_y="NEXT")
    _signatures(pdf, _("Applicant (signature or fingerprint)"), _("Registered by"))


def handover(pdf, stay):
    _section(pdf, _("Handed over"), [
        (_("Handed over by"), f"{stay.get_brought_by_display()} {stay.brought_by_name}".strip()),
        (_("Handover form number"), _or_blank(stay.handover_ref)),
        (_("Time of handover"), _at(stay.arrived_at)),
        (_("Where found"), _or_blank(stay.found_place)),
        (_("How they came to be stranded"), _or_blank(stay.found_circumstances)),
    ])
    _section(pdf, _("The person"), [
        (_("Name"), stay.person.name or _("unknown")),
        (_("Sex"), stay.person.get_sex_display()),
        (_("Health at intake"), _or_blank(stay.health_at_intake)),
        (_("Mental state"), stay.get_mental_state_display()),
        (_("Clothing"), _or_blank(stay.clothing)),
    ])
    _section(pdf, _("Belongings handed over with the person"))
    _belongings(pdf, stay)
    _signatures(pdf, _("Handed over by (signature)"), _("Received by (signature)"))


def services(pdf, stay):
    _section(pdf, _("The person"), [(_("Name"), stay.person.name or _("unknown")), (_("Arrived"), _at(stay.arrived_at))])
    _section(pdf, _("Services given"))
    rows = [[_at(s.given_at), s.get_kind_display(), s.notes, _or_blank(s.entered_by and s.entered_by.username)]
            for s in stay.services.select_related("entered_by").order_by("given_at", "pk")]
    _table(pdf, [_("When"), _("Service"), _("Notes"), _("Entered by")], rows, [3, 2, 5, 2])


def _departure_rows(departure):
    money = [(_("Ticket number"), _or_blank(departure.ticket_no)),
             (_("Ticket price (yuan)"), _or_blank(departure.ticket_amount)),
             (_("Travel allowance (yuan)"), _or_blank(departure.allowance)),
             (_("Receipt number"), _or_blank(departure.receipt_no)),
             (_("Paid out by"), _or_blank(departure.paid_out_by))]
    return [
        (_("Kind of departure"), departure.get_kind_display()),
        (_("Time of departure"), _at(departure.departed_at)),
        (_("Destination"), _or_blank(departure.destination)),
        (_("Received by"), _or_blank(departure.receiver_name)),
        (_("Relation to the person"), _or_blank(departure.receiver_relation)),
        (_("Receiver's ID number"), _or_blank(departure.receiver_id_number)),
        (_("Receiver's phone"), _or_blank(departure.receiver_phone)),
        (_("Escorting staff"), _or_blank(departure.escort_staff)),
        *money,
        (_("Notes"), _or_blank(departure.notes)),
    ]


def departure(pdf, stay):
    _section(pdf, _("The person"), [(_("Name"), stay.person.name or _("unknown")), (_("Arrived"), _at(stay.arrived_at))])
    _section(pdf, _("The departure"), _departure_rows(stay.departure))
    _section(pdf, _("Belongings counted out"))
    _belongings(pdf, stay, counted_out=True)
    _signatures(pdf, _("The person or who received them (signature)"), _("Staff"))


def return_home(pdf, stay):
    person, departure = stay.person, stay.departure
    rows = [(_("Name"), person.name or _("unknown")), (_("Arrived"), _at(stay.arrived_at))]
    if departure.found_channel:
        rows.append((_("How the family was found"), departure.get_found_channel_display()))
    _section(pdf, _("The person"), rows)
    _section(pdf, _("The return home"), _departure_rows(departure))
    _signatures(pdf, _("Received by (signature)"), _("Staff"))
    referrer = referred(stay)
    if not referrer:
        return
    pdf.add_page()
    pdf.set_font(FONT, size=18)
    pdf.cell(0, 12, _("Letter on the return home of a person you referred"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 7, _("Reference number: %(ref)s") % {"ref": departure.referrer_letter_no or BLANK}, align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, size=12)
    pdf.multi_cell(0, 7, f"{referrer}：", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 7, _(
        "The person you referred to our station on %(arrived)s (%(name)s, our file number %(file)s%(handover)s) left "
        "our care on %(departed)s: %(kind)s, to %(destination)s. We let you know for your records.") % {
        "arrived": timezone.localtime(stay.arrived_at).strftime("%Y-%m-%d"),
        "name": person.name or _("name unknown"), "file": person.file_no,
        "handover": _(", your reference %(ref)s") % {"ref": stay.handover_ref} if stay.handover_ref else "",
        "departed": timezone.localtime(departure.departed_at).strftime("%Y-%m-%d"), "kind": departure.get_kind_display(),
        "destination": departure.destination or departure.receiver_name or BLANK}, align="L",
        new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    station = stay.station
    for line in (station.name, _("(seal)"), timezone.localdate().strftime("%Y-%m-%d")):
        pdf.cell(0, 8, line, align="R", new_x="LMARGIN", new_y="NEXT")


BUILDERS = {"registration": registration, "handover": handover, "services": services, "departure": departure,
            "return-home": return_home}
