"""The printed documents: the tracing notice, the DNA request to the police and the letter listing an
interview's clues to the county's police, as PDF.

They are public documents in Chinese whatever the user's screen language (TRACING_DOCUMENT_LANGUAGE),
set up like every other (lib.pdf).
"""

import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from face.models import Portrait
from lib.pdf import FONT, document, facts, heading

from . import clues
from .models import Clue, ClueKind, ClueState


def notice_text(case):
    """The paragraph of the notice (also on the printable page)."""
    stay = case.stay
    if case.person_died:
        return _(
            "On %(date)s a person was found at %(place)s and taken into the care of %(station)s, where they died "
            "without their identity being known. We are looking for their family. Anyone who recognises this "
            "person is asked to contact the station on %(phone)s."
        ) % {
            "date": timezone.localtime(case.found_at).strftime("%Y-%m-%d"),
            "place": stay.found_place,
            "station": case.station.name,
            "phone": case.station.phone or "-",
        }
    return _(
        "On %(date)s a person was found at %(place)s and taken into the care of %(station)s. We are looking for "
        "their family. Anyone who recognises this person is asked to contact the station on %(phone)s."
    ) % {
        "date": timezone.localtime(case.found_at).strftime("%Y-%m-%d"),
        "place": stay.found_place,
        "station": case.station.name,
        "phone": case.station.phone or "-",
    }


def may_come_from(stay):
    """The places staff chose to show on the notice: accepted place clues of interviews marked for it (those
    of the stays the person was transferred from included)."""
    places = Clue.objects.filter(interview__stay__in=stay.handed_over(), interview__show_on_notice=True,
                                 state=ClueState.ACCEPTED, kind=ClueKind.PLACE).exclude(code="").order_by("position")
    return list(dict.fromkeys(c.normalised for c in places))


def may_come_from_text(stay):
    places = may_come_from(stay)
    return _("The person may come from %(places)s.") % {"places": "、".join(places)} if places else ""


def notice_pdf(case):
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        pdf = document()
        title = case.notice_title()
        pdf.set_title(str(title))
        heading(pdf, title, case.station.name)
        top = pdf.get_y()
        photo_width = 52
        if _portrait(pdf, case.stay.person, x=pdf.l_margin, y=top, w=photo_width):
            pdf.set_left_margin(pdf.l_margin + photo_width + 8)
        pdf.set_xy(pdf.l_margin, top)
        facts(pdf, case.notice_facts())
        pdf.set_left_margin(20)
        pdf.set_y(max(pdf.get_y(), top + photo_width * 4 / 3) + 6)
        pdf.set_font(FONT, size=12)
        pdf.multi_cell(0, 7, notice_text(case), align="L", new_x="LMARGIN", new_y="NEXT")
        if may_come_from_text(case.stay):
            # From the left margin: after the text above the cursor stood at the right margin, and a notice
            # with places answered 500 (issue 25's all-pages test found it).
            pdf.multi_cell(0, 7, may_come_from_text(case.stay), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(0, 6, _("Issued by %(station)s on %(date)s.") % {
            "station": case.station.name, "date": timezone.localdate().strftime("%Y-%m-%d")}, align="L")
        return bytes(pdf.output())


def dna_letter_pdf(referral):
    case = referral.case
    person = case.stay.person
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        pdf = document()
        pdf.set_title(_("Request for DNA sample collection"))
        heading(pdf, _("Request for DNA sample collection"), _("Reference number: %(ref)s") % {"ref": referral.reference_no})
        pdf.set_font(FONT, size=12)
        pdf.multi_cell(0, 7, f"{referral.police_unit}：", align="L")
        pdf.ln(2)
        for paragraph in dna_letter_text(referral):
            pdf.multi_cell(0, 7, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        top = pdf.get_y()
        if _portrait(pdf, person, x=pdf.w - pdf.r_margin - 40, y=top, w=40):
            pdf.set_right_margin(pdf.r_margin + 46)
        pdf.set_xy(pdf.l_margin, top)
        facts(pdf, case.notice_facts(with_station=False))
        pdf.set_right_margin(20)
        pdf.set_y(max(pdf.get_y(), top + 55) + 6)
        pdf.set_font(FONT, size=12)
        pdf.multi_cell(0, 7, _("Contact: %(station)s, telephone %(phone)s, %(address)s.") % {
            "station": case.station.name, "phone": case.station.phone or "-", "address": case.station.address or "-"},
            align="L")
        pdf.ln(10)
        for line in (case.station.name, _("(seal)"), timezone.localtime(referral.sent_at).strftime("%Y-%m-%d")):
            pdf.cell(0, 8, line, align="R", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def dna_letter_text(referral):
    """The paragraphs of the DNA request: only what is on the case. The quick identity queries recorded
    (each with its date and result), or why none was possible (the referral's no_query_reason); the notices
    only if one was published; then the request."""
    case = referral.case
    stay, person = case.stay, case.stay.person
    paragraphs = [_("On %(date)s our station took into its care a person found at %(place)s (file number "
                    "%(file)s).") % {"date": timezone.localtime(stay.arrived_at).strftime("%Y-%m-%d %H:%M"),
                                     "place": stay.found_place, "file": person.file_no}]
    queries = list(case.queries.filter(made_at__lte=referral.sent_at).order_by("made_at", "pk"))
    if queries:
        paragraphs.append(_("The quick identity queries made:"))
        paragraphs += [
            "· " + _("%(date)s %(kind)s: %(result)s") % {
                "date": timezone.localtime(q.made_at).strftime("%Y-%m-%d"), "kind": q.get_kind_display(),
                "result": q.get_result_display()} + (f"（{q.details}）" if q.details else "")
            for q in queries
        ]
    else:
        paragraphs.append(_("No quick identity query was possible: %(reason)s.") % {
            "reason": referral.no_query_reason.rstrip("。. ") or _("no reason recorded")})
    published = list(case.publications.filter(published_at__lte=referral.sent_at).order_by("published_at", "pk"))
    if published:
        paragraphs.append(_("Tracing notices published: %(notices)s.") % {"notices": "、".join(
            f"{p.get_channel_display()}（{timezone.localtime(p.published_at):%Y-%m-%d}）" for p in published)})
    paragraphs.append(_(
        "Their identity has not been established and their family has not been found. Under the rules on "
        "identifying people in the care of rescue stations, we ask you to collect a DNA sample from this person, "
        "compare it with the national DNA database for missing persons, and let us know the result."))
    return paragraphs


@dataclass
class ClueLetter:
    """The letter to the police of the most precise place the accepted clues name, listing them."""

    stay: object
    county: clues.Division
    clues: list

    @property
    def bureau(self):
        return _("%(place)s Public Security Bureau") % {"place": self.county.name}

    @property
    def civil_affairs(self):
        return _("%(place)s Civil Affairs Bureau") % {"place": self.county.name}


def clue_letter(stay):
    """The letter for the stay's accepted clues, or None when no accepted clue names a place."""
    accepted = list(Clue.objects.filter(interview__stay__in=stay.handed_over(), state=ClueState.ACCEPTED)
                    .select_related("interview").order_by("interview__held_at", "position"))
    codes = [c.code for c in accepted if c.kind in (ClueKind.PLACE, ClueKind.ID_NUMBER) and c.code]
    if not codes:
        return None
    code = max(codes, key=lambda c: (2 if c.endswith("0000") else 4 if c.endswith("00") else 6))
    return ClueLetter(stay, clues.gazetteer().division(code), accepted)


def clue_letter_pdf(letter):
    stay, person = letter.stay, letter.stay.person
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        pdf = document()
        title = _("Request for help in finding the family of a person in our care")
        pdf.set_title(title)
        heading(pdf, title, _("File number: %(file)s") % {"file": person.file_no})
        pdf.set_font(FONT, size=12)
        pdf.multi_cell(0, 7, f"{letter.bureau}：", align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.multi_cell(0, 7, _(
            "On %(date)s our station took into its care a person found at %(place)s (file number %(file)s), who "
            "cannot tell us clearly who they are. In interviews the person said the following, which points to "
            "your area. We ask you to check them against your household registers and let us know what you find."
        ) % {"date": timezone.localtime(stay.arrived_at).strftime("%Y-%m-%d"), "place": stay.found_place,
             "file": person.file_no}, align="L")
        pdf.ln(3)
        for clue in letter.clues:
            line = f"· {clue.get_kind_display()}：{clue.normalised or clue.value}"
            if clue.relation:  # whose name it is: the police look for the brother, not the person (issue 25)
                line += f"（{clue.relation}）"
            pdf.set_font(FONT, size=11)
            pdf.multi_cell(0, 7, line, align="L", new_x="LMARGIN", new_y="NEXT")
            if clue.sentence:
                pdf.set_font(FONT, size=9)
                pdf.set_text_color(90, 90, 90)
                pdf.multi_cell(0, 6, _("In the person's words: “%(sentence)s” (%(date)s)") % {
                    "sentence": clue.sentence,
                    "date": timezone.localtime(clue.interview.held_at).strftime("%Y-%m-%d")}, align="L",
                    new_x="LMARGIN", new_y="NEXT")
                pdf.set_text_color(0, 0, 0)
        pdf.ln(3)
        top = pdf.get_y()
        if _portrait(pdf, person, x=pdf.w - pdf.r_margin - 40, y=top, w=40):
            pdf.set_right_margin(pdf.r_margin + 46)
        pdf.set_font(FONT, size=12)
        pdf.set_xy(pdf.l_margin, top)
        pdf.multi_cell(0, 7, _("Contact: %(station)s, telephone %(phone)s, %(address)s.") % {
            "station": person.station.name, "phone": person.station.phone or "-", "address": person.station.address or "-"},
            align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 7, _("Copy to: %(office)s") % {"office": letter.civil_affairs}, align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_right_margin(20)
        pdf.set_y(max(pdf.get_y(), top + 55) + 6)
        for line in (person.station.name, _("(seal)"), timezone.localdate().strftime("%Y-%m-%d")):
            pdf.cell(0, 8, line, align="R", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def _portrait(pdf, person, x, y, w):
    """Draw the main portrait (3:4) if there is one; True if drawn."""
    portrait = Portrait.objects.main_for(person)
    if portrait is None or not portrait.image:
        return False
    try:
        with portrait.image.open("rb") as f:
            image = ImageOps.exif_transpose(Image.open(f))
            image = image.convert("RGB")
            image.thumbnail((600, 800))
            buf = io.BytesIO()
            image.save(buf, "JPEG", quality=85)
    except (OSError, ValueError):
        logging.getLogger(__name__).warning("portrait %s unreadable; notice printed without it", portrait.pk)
        return False
    buf.seek(0)
    pdf.image(buf, x=x, y=y, w=w, keep_aspect_ratio=True, h=w * 4 / 3)
    return True
