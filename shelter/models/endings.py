"""How a stay ends: a departure (with the money paid out and how the family was found) or a death, the
death report's sendings up the chain (a deadline), and the body while it waits to be claimed."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from lib import idcard
from lib.dates import in_register_years
from lib.scans import check_scan

from .ledger import DOCUMENT_EXTENSIONS, FUTURE_MESSAGE, LedgerEntry
from .people import ID_NUMBER_MESSAGES
from .stations import Station
from .stays import BroughtBy, Identity, Stay


class DepartureKind(models.TextChoices):
    FAMILY = "family", _("taken home by family")
    ESCORTED = "escorted", _("escorted home by staff")
    TICKET = "ticket", _("returned home alone with a ticket")
    TRANSFER = "transfer", _("transferred to an institution, hospital or station")
    LEFT = "left", _("left of their own accord")
    OTHER = "other", _("other")


class FoundChannel(models.TextChoices):
    """How the family was found: on "family found", a confirmed candidate and a departure with the family
    (tracing counts them by channel). "unknown" is for records made before the channel was asked."""

    NATIONAL_WEBSITE = "website", _("national rescue tracing website")
    TOUTIAO = "toutiao", _("Toutiao")
    OTHER_NOTICE = "notice", _("other notice (TV, newspaper, social media)")
    DNA = "dna", _("DNA match")
    FACE = "face", _("face match in the system")
    FAMILY_REPORT = "report", _("family report at a station")
    POLICE_CHECK = "police", _("police identity check")
    INTERVIEW = "interview", _("interview (the person's own account)")
    REMEMBERED = "remembered", _("the person remembered, or went home")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown (recorded before the channel was asked)")


# What a user may choose: "unknown" is only for records older than the question.
FOUND_CHANNEL_CHOICES = [(v, label) for v, label in FoundChannel.choices if v != FoundChannel.UNKNOWN]

MONEY = [MinValueValidator(0, message=_("An amount cannot be negative."))]


class Departure(LedgerEntry):
    """How a stay ended, when the person left alive. Each kind asks for what it needs (REQUIRED).

    Money paid out on departure (a ticket home, a travel allowance) records its amounts, the receipt
    number and who paid it out; the finance comparison (tracing) matches it by receipt number."""

    OCCURRED_FIELD = "departed_at"
    REQUIRED = {
        DepartureKind.FAMILY: ("receiver_name", "receiver_relation", "receiver_id_number", "found_channel"),
        DepartureKind.ESCORTED: ("destination", "escort_staff", "receiver_name"),
        DepartureKind.TICKET: ("destination", "ticket_no"),
        DepartureKind.TRANSFER: ("destination", "receiver_name"),
        DepartureKind.LEFT: ("notes",),
        DepartureKind.OTHER: ("notes",),
    }

    stay = models.OneToOneField(Stay, on_delete=models.PROTECT, related_name="departure")
    kind = models.CharField(_("kind of departure"), max_length=10, choices=DepartureKind.choices)
    departed_at = models.DateTimeField(_("time of departure"), default=timezone.now, validators=[in_register_years])
    # When the departure counts in the month's figures, ledgers and money (oversight): its time of
    # departure; for a transfer to a station using Homeward, the receiving station's acceptance (empty
    # while the person is in transfer: no departure yet). Set by Stay.depart / hand_over and
    # shelter.services.accept_transfer; the stay's ended_at, kept here so the figures need no join.
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True, editable=False)
    receiver_name = models.CharField(_("received by"), max_length=60, blank=True)
    receiver_relation = models.CharField(_("relation to the person"), max_length=30, blank=True)
    receiver_id_number = models.CharField(_("receiver's ID number"), max_length=18, blank=True)
    receiver_phone = models.CharField(_("receiver's phone"), max_length=40, blank=True)
    escort_staff = models.CharField(_("escorting staff"), max_length=100, blank=True)
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    ticket_no = models.CharField(_("ticket number"), max_length=60, blank=True)
    ticket_amount = models.DecimalField(_("ticket price (yuan)"), max_digits=8, decimal_places=2, null=True,
                                        blank=True, validators=MONEY)
    allowance = models.DecimalField(_("travel allowance (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True,
                                    validators=MONEY)
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True, db_index=True)
    paid_out_by = models.CharField(_("paid out by"), max_length=60, blank=True)
    # The money goes to the person (name and ID number on the file): the account it was paid into, the
    # finance office's 实发账户, compared with its sheet (oversight.finance); blank when paid in cash.
    payee_account = models.CharField(_("paid into account"), max_length=40, blank=True,
                                     help_text=_("The bank account the money was paid into; empty if paid in cash."))
    found_channel = models.CharField(_("how the family was found"), max_length=12, choices=FoundChannel.choices,
                                     blank=True)
    referrer_letter_no = models.CharField(
        _("letter back to the referring station"), max_length=60, blank=True,
        help_text=_("Reference of the letter telling the station that referred the person how they went home."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # A transfer to another station that uses Homeward: the file is handed over (Transfer).
    to_station = models.ForeignKey(
        Station, verbose_name=_("to a station using Homeward"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("For a transfer to another rescue station on this system: its staff accept "
                                      "the file, with its history and tracing case."),
    )

    class Meta:
        verbose_name = _("departure")
        verbose_name_plural = _("departures")
        indexes = [models.Index(fields=["departed_at"], name="departure_at"),
                   models.Index(fields=["counted_at"], name="departure_counted")]

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        if self._state.adding and self.counted_at is None and not self.to_station_id:
            self.counted_at = self.departed_at  # counts when it happened; a transfer when it is accepted
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        for name in self.REQUIRED.get(self.kind, ()):
            if not getattr(self, name):
                errors[name] = _("Needed for this kind of departure.")
        if self.receiver_id_number and "receiver_id_number" not in errors:
            try:
                self.receiver_id_number = idcard.validate(self.receiver_id_number)
            except idcard.IdNumberError as e:
                errors["receiver_id_number"] = ID_NUMBER_MESSAGES[e.code]
        if self.stay_id and self.departed_at and self.departed_at < self.stay.arrival_minute:
            errors["departed_at"] = _("The departure is before the arrival.")
        if self.to_station_id and self.kind != DepartureKind.TRANSFER:
            errors["to_station"] = _("Only a transfer goes to another station.")
        elif self.to_station_id and self.stay_id and self.to_station_id == self.stay.person.station_id:
            errors["to_station"] = _("The person is already at this station.")
        errors.update(self.money_errors())
        if errors:
            raise ValidationError(errors)


    def referrer_letter_refusal(self):
        """Why the letter back to the referring station cannot be recorded now, or None: only for a person
        another station referred, once."""
        if self.stay.brought_by != BroughtBy.STATION:
            return _("No station referred this person: there is no letter to send back.")
        if self.referrer_letter_no:
            return _("The letter back to the referring station is already recorded; it was not changed.")
        return None

    def record_referrer_letter(self, reference):
        """The return-home record's letter sent back to the referring station after the departure (its
        number). Once: the conditional UPDATE keeps two people at once from both writing."""
        reference = (reference or "").strip()
        refusal = self.referrer_letter_refusal()
        if refusal:
            raise ValidationError(refusal)
        if not reference:
            raise ValidationError({"referrer_letter_no": _("Give the letter's reference number.")})
        written = Departure.objects.filter(pk=self.pk, referrer_letter_no="").update(referrer_letter_no=reference[:60])
        if not written:
            self.refresh_from_db()
            raise ValidationError(self.referrer_letter_refusal() or _("The letter could not be recorded."))
        self.referrer_letter_no = reference[:60]

    def money_errors(self):
        """Money paid out needs its receipt number and who paid it; an amount is never negative."""
        errors = {}
        for name in ("ticket_amount", "allowance"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = MONEY[0].message
        if self.money_paid:
            for name in ("receipt_no", "paid_out_by"):
                if not getattr(self, name):
                    errors[name] = _("Needed when money is paid out.")
        return errors

    @property
    def money_paid(self):
        """Ticket and allowance together (0 when nothing was paid)."""
        return sum(v for v in (self.ticket_amount, self.allowance) if v and v > 0) or 0


class ProofKind(models.TextChoices):
    MEDICAL = "medical", _("medical death certificate")
    POLICE = "police", _("police record")
    OTHER = "other", _("other official document")


class Death(LedgerEntry):
    """A death in the station's care: reported at once, with its proof, and the file is closed."""

    OCCURRED_FIELD = "died_at"

    stay = models.OneToOneField(Stay, on_delete=models.PROTECT, related_name="death")
    died_at = models.DateTimeField(_("time of death"), validators=[in_register_years])
    place = models.CharField(_("place of death"), max_length=200)
    cause = models.CharField(_("cause as stated"), max_length=300)
    proof_kind = models.CharField(_("proof"), max_length=10, choices=ProofKind.choices)
    proof = models.FileField(
        _("proof document (scan)"), upload_to="death/%Y/%m/", validators=[DOCUMENT_EXTENSIONS, check_scan],
        help_text=_("PDF, JPEG or PNG."),
    )
    notes = models.TextField(_("notes"), blank=True)
    unnatural = models.BooleanField(
        _("unnatural or unexplained death"), default=False,
        help_text=_("Accident, violence, suicide or a cause not known: the police are told as well."))
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True, editable=False)
    # The report up the chain is a deadline (plan_report, when the death is recorded): the civil-affairs
    # bureau always, the police too when the death was unnatural or the person unidentified. Met when each
    # is recorded as sent (keep_report); the sweep's reminder is claimed once (report_reminded_at).
    police_needed = models.BooleanField(_("to be reported to the police"), default=False, editable=False)
    report_due_at = models.DateTimeField(_("report due"), null=True, blank=True, editable=False)
    report_met_at = models.DateTimeField(_("reported up the chain"), null=True, blank=True, editable=False)
    report_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("death")
        verbose_name_plural = _("deaths")
        indexes = [
            models.Index(fields=["died_at"], name="death_at"),
            # The sweep and the board: reports not yet made, one range on this index.
            models.Index(fields=["report_due_at"], condition=models.Q(report_met_at__isnull=True),
                         name="death_report_due"),
        ]

    def __str__(self):
        return f"{self.stay.person} {timezone.localtime(self.died_at):%Y-%m-%d}"

    def get_absolute_url(self):
        """The death report's page: its PDF, its sendings, the body."""
        return reverse("shelter:death_report", args=[self.stay_id])

    def clean(self):
        super().clean()
        if self.stay_id and self.died_at and self.died_at < self.stay.arrival_minute:
            raise ValidationError({"died_at": _("The time of death is before the arrival.")})

    @property
    def died_minute(self):
        return self.died_at.replace(second=0, microsecond=0)

    def plan_report(self):
        """Who must be sent the report, and by when (DEATH_REPORT_HOURS after the death): set on the
        unsaved death by shelter.services.record_death."""
        self.police_needed = self.unnatural or self.stay.identity != Identity.CONFIRMED
        self.report_due_at = self.died_at + datetime.timedelta(hours=settings.DEATH_REPORT_HOURS)

    def report_recipients(self):
        """The offices the report must reach: the civil-affairs bureau, and the police when needed."""
        kinds = [ReportRecipient.CIVIL_AFFAIRS]
        if self.police_needed:
            kinds.append(ReportRecipient.POLICE)
        return kinds

    def report_missing(self):
        """The recipients the report is still owed to (none: the deadline is met)."""
        sent = set(self.sendings.values_list("recipient_kind", flat=True))
        return [kind for kind in self.report_recipients() if kind not in sent]

    def keep_report(self):
        """Once the report has reached everyone it must, the deadline is met when the last of them was
        sent, each sending counted when it was entered if that is later than the time it states (a sending
        typed in after the deadline with an on-time date is late: issue 21); a conditional UPDATE, so it is
        set once. Returns whether it is met."""
        if self.report_met_at is not None:
            return True
        if self.report_missing():
            return False
        sendings = list(self.sendings.all())
        met = max(min(max(s.sent_at, s.entered_at or s.sent_at) for s in sendings if s.recipient_kind == kind)
                  for kind in self.report_recipients())
        Death.objects.filter(pk=self.pk, report_met_at__isnull=True).update(report_met_at=met)
        self.report_met_at = met
        return True

    def report_late(self):
        """Met, but after the deadline."""
        return bool(self.report_met_at and self.report_due_at and self.report_met_at > self.report_due_at)

    def claim_report_reminder(self, now):
        """Claim the report's one reminder, even with two sweeps at once; not once it is met."""
        claimed = Death.objects.filter(pk=self.pk, report_met_at__isnull=True, report_reminded_at__isnull=True
                                       ).update(report_reminded_at=now)
        return bool(claimed)


class ReportRecipient(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("civil-affairs bureau")
    POLICE = "police", _("police")
    OTHER = "other", _("other authority")


class DeathReportSending(LedgerEntry):
    """The death report sent up the chain: when, to whom, how (civil-affairs bureau, police)."""

    OCCURRED_FIELD = "sent_at"

    death = models.ForeignKey(Death, on_delete=models.PROTECT, related_name="sendings")
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, validators=[in_register_years])
    recipient_kind = models.CharField(_("sent to"), max_length=15, choices=ReportRecipient.choices)
    recipient = models.CharField(_("office"), max_length=120, help_text=_("e.g. “白云区民政局社会事务科”."))
    method = models.CharField(_("how it was sent"), max_length=60, blank=True,
                              help_text=_("By hand, post, fax, government system…"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("death report sent")
        verbose_name_plural = _("death reports sent")
        ordering = ["sent_at", "pk"]

    def __str__(self):
        return f"{self.get_recipient_kind_display()} {self.recipient}"

    def clean(self):
        super().clean()
        if self.death_id and self.sent_at and self.sent_at < self.death.died_minute:
            raise ValidationError({"sent_at": _("The report cannot be sent before the death.")})


class BodyState(models.TextChoices):
    KEPT = "kept", _("kept, awaiting claim")
    CLAIMED = "claimed", _("claimed")
    DISPOSED = "disposed", _("disposed of")


class Body(ConcurrentTransitionMixin, LedgerEntry):
    """The body of a person who died in the station's care and was not claimed at once: where it is kept,
    the police told, the notice for the unidentified deceased, the claim deadline (BODY_CLAIM_DAYS after
    it is kept, reminded BODY_CLAIM_WARN_DAYS before), then claimed (by whom, the proof) or disposed of
    with the approval and its reference. Each step keeps the time it states and the time it was entered."""

    OCCURRED_FIELD = "kept_since"

    death = models.OneToOneField(Death, on_delete=models.PROTECT, related_name="body")
    state = FSMField(_("state"), default=BodyState.KEPT, choices=BodyState.choices, protected=True)
    kept_at = models.CharField(_("where the body is kept"), max_length=200,
                               help_text=_("e.g. “广州市殡仪馆冷藏室”."))
    kept_since = models.DateTimeField(_("kept there since"), default=timezone.now, validators=[in_register_years])
    police_told_at = models.DateTimeField(_("police told"), validators=[in_register_years])
    police_unit = models.CharField(_("police unit told"), max_length=120)
    police_reference = models.CharField(_("police reference"), max_length=60, blank=True)
    # The notice for the unidentified deceased (tracing words it so once the case knows of the death).
    notice_published_at = models.DateTimeField(_("notice for the unidentified deceased published"), null=True,
                                               blank=True, validators=[in_register_years])
    notice_reference = models.CharField(_("notice: where published, reference"), max_length=120, blank=True)
    notice_entered_at = models.DateTimeField(null=True, blank=True, editable=False)
    claim_due_at = models.DateTimeField(_("claim deadline"), editable=False)
    claim_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True, validators=[in_register_years])
    claimant_name = models.CharField(_("claimed by"), max_length=60, blank=True)
    claimant_relation = models.CharField(_("relation to the deceased"), max_length=30, blank=True)
    claimant_id_number = models.CharField(_("claimant's ID number"), max_length=18, blank=True)
    claim_proof = models.FileField(
        _("proof of the claim (scan)"), upload_to="body/%Y/%m/", blank=True,
        validators=[DOCUMENT_EXTENSIONS, check_scan], help_text=_("PDF, JPEG or PNG."))
    disposed_at = models.DateTimeField(_("disposed of"), null=True, blank=True, validators=[in_register_years])
    disposal = models.CharField(_("how disposed of"), max_length=120, blank=True, help_text=_("e.g. “火化”."))
    approved_by = models.CharField(_("approved by"), max_length=120, blank=True,
                                   help_text=_("The authority that approved the disposal."))
    approval_reference = models.CharField(_("approval reference"), max_length=60, blank=True)
    closed_entered_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("unclaimed body")
        verbose_name_plural = _("unclaimed bodies")
        indexes = [
            # The claim sweep and the board: bodies still kept, one range on this index.
            models.Index(fields=["claim_due_at"], condition=models.Q(state="kept"), name="body_claim_due"),
        ]

    def __str__(self):
        return f"{self.death.stay.person} {self.kept_at}"

    def clean(self):
        super().clean()
        errors = {}
        if self.death_id:
            died = self.death.died_minute
            for name in ("kept_since", "police_told_at", "notice_published_at", "claimed_at", "disposed_at"):
                at = getattr(self, name)
                if at is not None and at < died:
                    errors[name] = _("This is before the death.")
                elif name != "kept_since" and self.is_future(at, now=timezone.now()):
                    errors[name] = FUTURE_MESSAGE
        if errors:
            raise ValidationError(errors)

    def plan_claim(self):
        """The claim deadline: BODY_CLAIM_DAYS after the body is kept."""
        self.claim_due_at = self.kept_since + datetime.timedelta(days=settings.BODY_CLAIM_DAYS)

    @property
    def unidentified(self):
        return self.death.stay.identity != Identity.CONFIRMED

    def claim_reminder_claimed(self, now):
        """Claim the one reminder before the claim deadline, even with two sweeps at once."""
        claimed = Body.objects.filter(pk=self.pk, state=BodyState.KEPT, claim_reminded_at__isnull=True
                                      ).update(claim_reminded_at=now)
        return bool(claimed)

    @transition(field=state, source=BodyState.KEPT, target=BodyState.KEPT, permission="shelter.record_death",
                custom={"label": _("Record the notice for the unidentified deceased")})
    def record_notice(self, published_at, reference, by=None, reason=""):
        """The notice for the unidentified deceased was published: when, where and its reference."""
        self.notice_published_at, self.notice_reference = published_at, (reference or "").strip()
        self.notice_entered_at = timezone.now()
        errors = {}
        if not self.notice_published_at:
            errors["notice_published_at"] = _("Say when the notice was published.")
        if not self.notice_reference:
            errors["notice_reference"] = _("Say where the notice was published, with its reference.")
        if errors:
            raise ValidationError(errors)
        self.full_clean(exclude=["state"])

    @transition(field=state, source=BodyState.KEPT, target=BodyState.CLAIMED, permission="shelter.record_death",
                custom={"label": _("Record the claim")})
    def claim(self, claimed_at, claimant, relation, id_number="", proof=None, by=None, reason=""):
        """The body was claimed: by whom (name, relation, ID number) and the proof of the claim."""
        self.claimed_at, self.claimant_name = claimed_at, (claimant or "").strip()
        self.claimant_relation, self.claimant_id_number = (relation or "").strip(), (id_number or "").strip()
        if proof:
            self.claim_proof = proof
        errors = {}
        for field, value in (("claimed_at", self.claimed_at), ("claimant_name", self.claimant_name),
                             ("claimant_relation", self.claimant_relation), ("claim_proof", self.claim_proof)):
            if not value:
                errors[field] = _("Needed to record the claim.")
        if self.claimant_id_number and "claimant_id_number" not in errors:
            try:
                self.claimant_id_number = idcard.validate(self.claimant_id_number)
            except idcard.IdNumberError as e:
                errors["claimant_id_number"] = ID_NUMBER_MESSAGES[e.code]
        if errors:
            raise ValidationError(errors)
        self.closed_entered_at, self.closed_by = timezone.now(), by
        self.full_clean(exclude=["state"])

    @transition(field=state, source=BodyState.KEPT, target=BodyState.DISPOSED, permission="shelter.record_death",
                custom={"label": _("Record the disposal")})
    def dispose(self, disposed_at, disposal, approved_by, approval_reference, by=None, reason=""):
        """The body disposed of, once the claim deadline has passed unclaimed, with the approval and its
        reference; an unidentified person's only after the notice for the unidentified deceased."""
        self.disposed_at, self.disposal = disposed_at, (disposal or "").strip()
        self.approved_by, self.approval_reference = (approved_by or "").strip(), (approval_reference or "").strip()
        errors = {}
        for field in ("disposed_at", "disposal", "approved_by", "approval_reference"):
            if not getattr(self, field):
                errors[field] = _("Needed to record the disposal.")
        if self.disposed_at and self.disposed_at < self.claim_due_at:
            errors["disposed_at"] = gettext("The body may be disposed of only after the claim deadline, %(due)s.") % {
                "due": timezone.localtime(self.claim_due_at).strftime("%Y-%m-%d %H:%M")}
        if self.unidentified and not self.notice_published_at:
            errors["__all__"] = gettext("The person was not identified: record the notice for the unidentified "
                                        "deceased before the disposal.")
        if errors:
            raise ValidationError(errors)
        self.closed_entered_at, self.closed_by = timezone.now(), by
        self.full_clean(exclude=["state"])
