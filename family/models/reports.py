"""Family reports: a family looking for a missing relative, and the photos they bring.

A report is taken at the counter, or by phone through staff, by the station that then handles it. It
follows its own workflow (open -> candidate found -> confirmed -> reunited, or closed at any point
before reunion), with every step in the transition log. The search for the missing person among the
residents (family.finding) runs on every new report, photo or resident portrait, and proposes
Candidates (family.models.candidates) that a person confirms or rejects. Taking a report and adding
photos are tracing.services.

Privacy: the reporter's contact details (name, phone, ID number) are shown only to staff of the
station handling the report (`shows_contact_to`). A station where a candidate lives sees the rest of
the report, since it has to judge the match, but not how to reach the family: it calls the handling
station.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from face.fields import EmbeddingField
from face.images import extension
from face.verdicts import messages_for
from lib import idcard
from lib.dates import in_register_years, years_between
from lib.phones import validate_phones
from lib.text import SingleLineFields
from shelter.models import ID_NUMBER_MESSAGES, Person, Sex, Station, StationQuerySet, Stay, check_identity_fields

from ..matching import Description, split_names


class ReportState(models.TextChoices):
    OPEN = "open", pgettext_lazy("family report", "open")
    CANDIDATE_FOUND = "candidate_found", _("candidate found")
    CONFIRMED = "confirmed", _("confirmed: family found")
    REUNITED = "reunited", _("reunited")
    CLOSED = "closed", _("closed")


# A report is searched for (and its candidates may be reviewed) in these states.
SEARCHING_STATES = [ReportState.OPEN, ReportState.CANDIDATE_FOUND]


class ReportedVia(models.TextChoices):
    COUNTER = "counter", _("at the counter")
    PHONE = "phone", _("by phone")
    PARTNER = "partner", _("by a partner system")  # the partner API (exchange): never chosen at the desk


class FamilyReportQuerySet(StationQuerySet):
    station_path = "station"

    def searching(self):
        return self.filter(state__in=SEARCHING_STATES)

    def visible_to(self, user):
        """Reports the user's station handles, and reports with a candidate living at the user's
        station (the station that has to judge the match)."""
        if user.sees_all_stations:
            return self
        if not user.station_id:
            return self.none()
        shared = FamilyReport.objects.filter(candidates__person__station=user.station_id).values("pk")
        return self.filter(models.Q(station=user.station_id) | models.Q(pk__in=shared))


def check_id_number(value, field, errors):
    """The normalised ID number, or the value unchanged with the message in `errors` under `field`."""
    if not value:
        return value
    try:
        return idcard.validate(value)
    except idcard.IdNumberError as e:
        errors[field] = ID_NUMBER_MESSAGES[e.code]
        return value


class FamilyReport(ConcurrentTransitionMixin, SingleLineFields, models.Model):
    station = models.ForeignKey(Station, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+")
    reported_via = models.CharField(_("how reported"), max_length=10, choices=ReportedVia.choices, default=ReportedVia.COUNTER)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # Who reports: visible only to the handling station (shows_contact_to).
    reporter_name = models.CharField(_("reporter's name"), max_length=60)
    reporter_relation = models.CharField(_("relation to the missing person"), max_length=30,
                                         help_text=_("e.g. son, daughter, wife, neighbour"))
    reporter_phone = models.CharField(_("reporter's phone"), max_length=40, validators=[validate_phones])
    reporter_id_number = models.CharField(_("reporter's ID number"), max_length=18, blank=True,
                                          help_text=_("18 characters; the last may be X."))
    # The missing person.
    name = models.CharField(_("missing person's name"), max_length=60, blank=True)
    aliases = models.CharField(_("other names"), max_length=200, blank=True,
                               help_text=_("Nicknames, childhood names, separated by commas."))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[in_register_years])
    age_min = models.PositiveSmallIntegerField(_("age now, from"), null=True, blank=True,
                                               help_text=_("If the date of birth is not known."))
    age_max = models.PositiveSmallIntegerField(_("age now, to"), null=True, blank=True)
    id_number = models.CharField(_("missing person's ID number"), max_length=18, blank=True)
    native_place = models.CharField(_("home place"), max_length=100, blank=True,
                                    help_text=_("Province, city, county, village, as far as known."))
    dialect = models.CharField(_("dialect or accent"), max_length=60, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    last_seen_on = models.DateField(_("last seen on"), null=True, blank=True, validators=[in_register_years])
    last_seen_place = models.CharField(_("last seen at"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True,
                                   help_text=_("Build, hair, marks, scars, clothing when last seen."))
    health = models.TextField(_("health or mental condition"), blank=True,
                              help_text=_("e.g. dementia, mental illness, needs medicine."))

    state = FSMField(_("state"), default=ReportState.OPEN, choices=ReportState.choices, protected=True, db_index=True)
    matched_person = models.ForeignKey(Person, verbose_name=_("found in file"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="family_reports")
    matched_stay = models.ForeignKey(Stay, null=True, blank=True, on_delete=models.PROTECT, related_name="family_reports")
    confirmed_at = models.DateTimeField(pgettext_lazy("report", "confirmed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    searched_at = models.DateTimeField(_("last searched"), null=True, blank=True)
    # A search asked for and not yet started (lib.queue): the catch-up runs what the queue lost.
    search_requested_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    search_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                            on_delete=models.PROTECT, related_name="+")
    submit_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = FamilyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("family report")
        verbose_name_plural = _("family reports")
        ordering = ["-reported_at"]
        permissions = [
            ("search_faces", _("Can search faces (family reports, duplicate files)")),
            ("review_candidate", _("Can confirm or reject a candidate for a family report")),
            ("close_report", _("Can record a reunion or close a family report")),
        ]

    def __str__(self):
        return f"{self.reference} {self.name or self.get_sex_display()}"

    def get_absolute_url(self):
        return reverse("family:report", args=[self.pk])

    @property
    def reference(self):
        """What staff of two stations say on the phone: station code and number."""
        return f"{self.station.code}-R{self.pk:05d}" if self.pk else ""

    @property
    def is_searching(self):
        return self.state in SEARCHING_STATES

    @property
    def search_pending(self):
        """The search is asked for and not yet finished (or a new report was never searched)."""
        return self.is_searching and (self.search_requested_at is not None or self.searched_at is None)

    def shows_contact_to(self, user):
        """The reporter's contact details are for the staff of the station handling the report only."""
        return bool(user.station_id) and user.station_id == self.station_id

    def clean(self):
        """The missing person is described by the rules of a resident's file; and the reporter's ID number."""
        errors = check_identity_fields(self)
        self.reporter_id_number = check_id_number(self.reporter_id_number, "reporter_id_number", errors)
        if self.last_seen_on and self.last_seen_on > timezone.localdate():
            errors["last_seen_on"] = _("This date is in the future.")
        if errors:
            raise ValidationError(errors)

    def age_range(self, on=None):
        """(youngest, oldest) in whole years: from the date of birth, else the age given, grown by the
        years since the report (a report stays open for years)."""
        on = on or timezone.localdate()
        if self.date_of_birth:
            years = years_between(self.date_of_birth, on)
            return years, years
        if self.age_min is None and self.age_max is None:
            return None, None
        grown = max(0, years_between(timezone.localtime(self.reported_at).date(), on))
        youngest = self.age_min if self.age_min is not None else self.age_max
        oldest = self.age_max if self.age_max is not None else self.age_min
        return youngest + grown, oldest + grown

    def as_description(self):
        youngest, oldest = self.age_range()
        return Description(
            names=split_names(self.name, self.aliases), sex=self.sex, age_min=youngest, age_max=oldest,
            height_cm=self.height_cm, place=self.native_place, dialect=self.dialect,
        )

    def search_photos(self):
        """The photos a face search uses: the encoded ones that passed the check; if none did, the
        encoded poor ones (a poor photo is searched when it is the best the family has)."""
        encoded = [p for p in self.photos.all() if p.encoding is not None]
        good = [p for p in encoded if p.accepted]
        return good or encoded

    # --- Workflow. People's steps run through lib.workflow.apply(); the search's own steps (propose,
    # reopen) and the confirmation made with a candidate are called by the code that causes them.

    @transition(field=state, source=ReportState.OPEN, target=ReportState.CANDIDATE_FOUND,
                custom={"label": _("Candidate found")})
    def propose(self, by=None, reason=""):
        """The search proposed a first candidate."""

    @transition(field=state, source=ReportState.CANDIDATE_FOUND, target=ReportState.OPEN,
                custom={"label": _("Every candidate rejected")})
    def reopen(self, by=None, reason=""):
        """Every candidate was rejected: the search goes on."""

    @transition(field=state, source=SEARCHING_STATES, target=ReportState.CONFIRMED,
                permission="family.review_candidate", custom={"label": _("Match confirmed")})
    def confirm_match(self, candidate, by=None, reason=""):
        """A candidate was confirmed (Candidate.confirm): the report is linked to the person and stay."""
        self.matched_person_id = candidate.person_id
        self.matched_stay_id = candidate.stay_id
        self.confirmed_at = timezone.now()

    @transition(field=state, source=ReportState.CONFIRMED, target=ReportState.CANDIDATE_FOUND,
                permission="shelter.second_check", custom={"label": _("Match undone: the second check did not agree")})
    def undo_match(self, by=None, reason=""):
        """The match confirmed by the report's taker, awaiting a second check, was not agreed by it
        (family.services.match_checked): no longer linked to the person, its candidate to be judged again."""
        self.matched_person_id = None
        self.matched_stay_id = None
        self.confirmed_at = None

    @transition(field=state, source=ReportState.CONFIRMED, target=ReportState.REUNITED,
                permission="family.close_report", custom={"label": _("Record the reunion")})
    def reunite(self, by=None, reason="", at=None):
        self.closed_at = at or timezone.now()

    @transition(field=state, source=[*SEARCHING_STATES, ReportState.CONFIRMED], target=ReportState.CLOSED,
                permission="family.close_report", custom={"label": _("Close the report")})
    def close(self, by=None, reason="", at=None):
        """Withdrawn by the family, found elsewhere, or a confirmation that proved wrong."""
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Give the reason for closing the report.")})
        self.closed_at = at or timezone.now()


class ReportPhoto(models.Model):
    """A photo of the missing person brought by the family, with its quality verdict and encoding.

    Every readable photo is kept, including poor ones (flagged): an old, small or blurred photo may be
    all the family has. Only a file that is not a picture at all is refused (face.quality).
    """

    report = models.ForeignKey(FamilyReport, on_delete=models.PROTECT, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="family/%Y/%m/")
    uploaded_at = models.DateTimeField(_("added"), default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    accepted = models.BooleanField(_("quality accepted"), default=False)
    reasons = models.JSONField(_("quality reasons"), default=list, blank=True)
    measures = models.JSONField(_("quality measures"), default=dict, blank=True)
    # The serving face encoder's vector (face.reencoding), which one recorded in `encoder` (issue 24).
    encoding = EmbeddingField(null=True, blank=True, editable=False, dimensions=None)
    encoder = models.CharField(max_length=40, blank=True, default="", editable=False)
    encoded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When it was taken, as the family says: the year, or the person's age in it (issue 24). Face
    # evidence weakens across years (face_gap, family.finding.face_weight).
    taken_year = models.PositiveSmallIntegerField(_("year taken"), null=True, blank=True)
    age_in_photo = models.PositiveSmallIntegerField(_("age in the photo"), null=True, blank=True)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["-accepted", "uploaded_at", "pk"]

    def __str__(self):
        return f"{self.report.reference} #{self.pk}"

    @classmethod
    def add(cls, report, data, quality, by, taken_year=None, age_in_photo=None):
        """Store a checked photo (`quality`: its face.quality report, readable) with its verdict."""
        photo = cls(report=report, uploaded_by=by, accepted=quality.accepted, reasons=quality.reasons,
                    measures=quality.measures, taken_year=taken_year, age_in_photo=age_in_photo)
        photo.image.save(f"{uuid.uuid4().hex}.{extension(quality.format)}", ContentFile(data), save=False)
        photo.save()
        return photo

    @property
    def poor(self):
        return not self.accepted

    def years_old(self, on=None):
        """About how many years ago it was taken: from the year, else from the age in it and the person's
        age now (the report's); None when the family did not say."""
        on = on or timezone.localdate()
        if self.taken_year:
            return max(0, on.year - self.taken_year)
        if self.age_in_photo is not None:
            youngest, oldest = self.report.age_range(on)
            if youngest is not None:
                return max(0, round((youngest + oldest) / 2) - self.age_in_photo)
        return None

    @property
    def reason_messages(self):
        return messages_for(self.reasons, self.measures)

    def store_encoding(self, vector, encoder=""):
        """The encoding of the photo's main face, or None when it shows none (encoded_at then still says
        it was tried, and the page says the photo cannot be searched); `encoder` made it."""
        self.encoding, self.encoded_at, self.encoder = vector, timezone.now(), encoder
        ReportPhoto.objects.filter(pk=self.pk).update(encoding=vector, encoded_at=self.encoded_at, encoder=encoder)
        return vector is not None
