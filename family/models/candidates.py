"""Candidates: residents the search proposes for a family report, and the person who confirms or
rejects each one.

A candidate keeps how it was scored (face distance, description score, their rank score, and the
field-by-field reasons) so the report page can say why it ranks where it does. It is reviewed by a
person at the station where the resident lives (that station has the file in front of it):
confirming links the report to the person and the stay, moves the tracing case to "family found"
and tells the staff in charge; rejecting keeps the pair rejected for good, so the search never
proposes it again.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from face.models import Portrait
from lib.text import listed
from shelter.models import FoundChannel, Notification, Person, StationQuerySet, Stay

from .reports import FamilyReport, ReportPhoto

# What an accepted clue did to a candidate (stored as codes and parameters, worded for the reader).
CLUE_REASONS = {
    ("place", "county"): _("ranked up: place clue %(value)s from the interview of %(on)s (the report's county)"),
    ("place", "city"): _("ranked up: place clue %(value)s from the interview of %(on)s (the report's city)"),
    ("place", "province"): _("ranked up: place clue %(value)s from the interview of %(on)s (the report's province)"),
    ("place", "elsewhere"): _("ranked down: place clue %(value)s from the interview of %(on)s (the report names "
                              "another province)"),
    ("accent", "accent"): _("ranked up: accent word %(value)s from the interview of %(on)s is spoken in the "
                            "report's province"),
    ("name", "missing"): _("ranked up: name clue %(value)s from the interview of %(on)s sounds like %(other)s, "
                           "the missing person"),
    ("name", "reporter"): _("ranked up: name clue %(value)s from the interview of %(on)s sounds like %(other)s, "
                            "who reported"),
}


def clue_reason(entry):
    kind = "place" if entry.get("kind") in ("place", "id_number") else entry.get("kind")
    key = (kind, entry.get("level") if kind in ("place", "accent") else entry.get("role"))
    message = CLUE_REASONS.get(key)
    if message is None:
        return entry.get("value", "")
    return message % {"value": entry.get("value", ""), "on": entry.get("on", ""), "other": entry.get("other", "")}


def undone_lines(params):
    """What a match undone by a second check did to the file ({"restored", "kept", "identity_kept"}), as
    sentences in the reader's language."""
    def labels(fields):
        return listed(Person._meta.get_field(f).verbose_name for f in fields)

    lines = []
    if params.get("restored"):
        lines.append(_("Put back on the file: %(fields)s.") % {"fields": labels(params["restored"])})
    if params.get("kept"):
        lines.append(_("Corrected on the file since the match, so left as it is: %(fields)s.") % {
            "fields": labels(params["kept"])})
    if params.get("identity_kept"):
        lines.append(_("The identity had already been checked on the family's confirmation: it stays confirmed "
                       "until someone looks at it again."))
    return lines


def sentences(lines):
    """Sentences one after the other: a space after each, but none after a Chinese full stop."""
    return "".join(f"{line}" if str(line).endswith("。") else f"{line} " for line in lines).strip()


class CandidateState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", pgettext_lazy("candidate", "confirmed")  # not an identity's 已核实
    REJECTED = "rejected", _("rejected")


class CandidateQuerySet(StationQuerySet):
    """for_user(): candidates living at the user's station, the ones that station may review."""

    station_path = "person__station"

    def proposed(self):
        return self.filter(state=CandidateState.PROPOSED)

    def shown_in_full_to(self, user):
        """Who sees a candidate in full (portrait, file, reasons): the station where the resident lives,
        which is the one to judge the match; any other station sees only "possible match at station Y"."""
        return self.for_user(user)


class Candidate(ConcurrentTransitionMixin, models.Model):
    report = models.ForeignKey(FamilyReport, on_delete=models.PROTECT, related_name="candidates")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="family_candidates")
    stay = models.ForeignKey(Stay, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text="The person's latest stay when last scored.")
    portrait = models.ForeignKey(Portrait, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    photo = models.ForeignKey(ReportPhoto, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    face_distance = models.FloatField(_("face distance"), null=True, blank=True)
    description_score = models.FloatField(_("description score"), null=True, blank=True)
    score = models.FloatField(_("rank score"), db_index=True)
    # What the resident's accepted interview clues added to (or took from) the rank score: already in `score`.
    clue_score = models.FloatField(_("interview clues"), default=0.0)
    # {"fields": [{"field", "score", "reason": {language: text}}], "same_id_number": bool,
    #  "clues": [{"kind", "clue", "value", "on", "level", "delta", "other", "role"}] (family.finding.clue_effect)}
    reasons = models.JSONField(default=dict, blank=True)
    state = FSMField(_("state"), default=CandidateState.PROPOSED, choices=CandidateState.choices, protected=True)
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        # Equal scores (two faces both nearer than the score's cap): the nearer face first.
        ordering = ["-score", models.F("face_distance").asc(nulls_last=True), "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "person"], name="one_candidate_per_report_person")]

    def __str__(self):
        return f"{self.report.reference} · {self.person}"

    def get_absolute_url(self):
        return self.report.get_absolute_url() + f"#candidate-{self.pk}"

    def clue_reasons(self):
        """Why the resident's accepted interview clues moved this candidate, in the reader's language."""
        return [clue_reason(entry) for entry in (self.reasons or {}).get("clues", [])]

    def reviewable(self):
        return self.report.is_searching

    def _reviewed(self, by, reason):
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Give the reason for your decision.")})
        self.reviewed_by, self.reviewed_at, self.review_reason = by, timezone.now(), reason

    @transition(field=state, source=CandidateState.PROPOSED, target=CandidateState.CONFIRMED,
                permission="family.review_candidate", conditions=[reviewable],
                custom={"label": _("Confirm: this is the missing person")})
    def confirm(self, by=None, reason=""):
        """The family's missing relative is this resident: reviewed, on the person's latest stay (they may
        have arrived again since). What follows for other rows is family.services.confirm_candidate's: the
        report confirmed and linked, the stay's tracing case moved to "family found", the staff told."""
        self._reviewed(by, reason)
        self.stay = self.person.current_stay or self.stay

    @transition(field=state, source=CandidateState.CONFIRMED, target=CandidateState.PROPOSED,
                permission="shelter.second_check", custom={"label": _("Match undone: the second check did not agree")})
    def undo_confirmation(self, by=None, reason=""):
        """A match confirmed by the report's taker, awaiting a second check, that the second check did not
        agree with (family.services.match_checked): proposed again, for someone other than the report's
        taker to judge. Who confirmed it, and why, stays in the transition log."""
        self.reviewed_by, self.reviewed_at, self.review_reason = None, None, ""

    # The report's facts a confirmed match offers to copy onto the file, field by field: (file field, report
    # field). The reporter becomes the file's relatives' contact.
    FACTS = (("name", "name"), ("sex", "sex"), ("date_of_birth", "date_of_birth"), ("id_number", "id_number"),
             ("native_place", "native_place"), ("relatives_phone", "reporter_phone"))

    # Facts the report's station alone reads (FamilyReport.shows_contact_to): offered, not shown, elsewhere.
    PRIVATE_FACTS = ("id_number", "relatives_phone")

    def offered_facts(self):
        """[(file field, label, the report's value as shown, the file's now, private)] of the report's facts
        that are known and differ from the file's: what confirming the match offers to copy."""
        report, person = self.report, self.person
        rows = []
        for field, source in self.FACTS:
            value = getattr(report, source)
            if value in ("", None, "U") or value == getattr(person, field):
                continue
            shown = report.get_sex_display() if field == "sex" else value
            if field == "relatives_phone":
                shown = f"{value}（{report.reporter_relation} {report.reporter_name}）"
            now = person.get_sex_display() if field == "sex" else getattr(person, field)
            rows.append((field, Person._meta.get_field(field).verbose_name, shown, now or "–",
                         field in self.PRIVATE_FACTS))
        return rows

    def copy_facts(self, fields):
        """Set the chosen facts of the report on the file (unsaved; shelter.services.correct_file checks and
        saves it): {field: old value} of those changed."""
        report, person = self.report, self.person
        before = {}
        for field, source in self.FACTS:
            if field not in fields:
                continue
            value = getattr(report, source)
            if value in ("", None, "U") or value == getattr(person, field):
                continue
            before[field] = getattr(person, field)
            setattr(person, field, value)
        return before

    def default_channel(self):
        return FoundChannel.FACE if self.face_distance is not None else FoundChannel.FAMILY_REPORT

    def suggested_channel(self):
        """What the confirm form proposes for "how the family was found": the interview when the
        resident's own words (accepted clues) ranked this candidate up, else "as the search found it"
        (default_channel). Staff may choose another."""
        return FoundChannel.INTERVIEW if (self.clue_score or 0) > 0 else ""

    @transition(field=state, source=CandidateState.PROPOSED, target=CandidateState.REJECTED,
                permission="family.review_candidate", conditions=[reviewable],
                custom={"label": _("Reject: not the missing person")})
    def reject(self, by=None, reason=""):
        """Not the person; the pair is never proposed again (family.services.reject_candidate opens the
        report again when no candidate is left to review)."""
        self._reviewed(by, reason)

    def recipients(self):
        """The staff in charge of the resident's stay and the staff member who took the report; the
        resident's station's supervisors if neither is active."""
        return self.person.station.who_is_told(self.stay.staff_in_charge if self.stay else None, self.report.taken_by)

    def notify_undone(self, check, restored, kept, identity_kept=False):
        """The match is undone by a second check that did not agree (family.messages
        "match_undone"): the file's facts put back (`restored`) and those left as corrected since (`kept`),
        as field names, worded when read; `identity_kept`: the identity had been checked already on the
        family's confirmation, and stays confirmed until someone looks at it again."""
        report, person = self.report, self.person
        Notification.send(self.recipients(), kind="match_undone", params={
            "ref": report.reference, "name": person.name, "file": person.file_no, "by": str(check.checked_by or "-"),
            "reason": check.check_reason, "restored": list(restored), "kept": list(kept),
            "identity_kept": identity_kept},
            url=self.get_absolute_url(), station=person.station, reference=person.file_no)

    def notify_confirmed(self, by):
        """Worded in each reader's language (tracing.messages "family_confirmed")."""
        report, person = self.report, self.person
        Notification.send(self.recipients(), kind="family_confirmed", params={
            "ref": report.reference, "name": person.name, "file": person.file_no, "by": str(by or "-"),
            "relation": report.reporter_relation, "station": report.station.name, "reason": self.review_reason},
            url=self.get_absolute_url(), station=person.station, reference=person.file_no)
