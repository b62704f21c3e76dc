"""How a stay ends: a departure (with the money paid out and how the family was found) or a death, and
the death report's sendings up the chain."""


from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib import idcard
from lib.dates import in_register_years
from lib.scans import check_scan

from .ledger import DOCUMENT_EXTENSIONS, LedgerEntry
from .people import ID_NUMBER_MESSAGES
from .stations import Station
from .stays import BroughtBy, Stay


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
        indexes = [models.Index(fields=["departed_at"], name="departure_at")]

    def __str__(self):
        return self.get_kind_display()

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
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("death")
        verbose_name_plural = _("deaths")
        indexes = [models.Index(fields=["died_at"], name="death_at")]

    def __str__(self):
        return f"{self.stay.person} {timezone.localtime(self.died_at):%Y-%m-%d}"

    def clean(self):
        super().clean()
        if self.stay_id and self.died_at and self.died_at < self.stay.arrival_minute:
            raise ValidationError({"died_at": _("The time of death is before the arrival.")})


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
        if self.death_id and self.sent_at and self.sent_at < self.death.died_at.replace(second=0, microsecond=0):
            raise ValidationError({"sent_at": _("The report cannot be sent before the death.")})
