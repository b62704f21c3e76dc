"""A stay: one arrival at the station and its workflow (reception -> in care -> departed | deceased), with
what hangs off it while it lasts: the belongings counted in and out, services, long-stay reviews."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from lib import idcard
from lib.dates import in_register_years
from lib.errors import Refusal
from lib.scans import check_scan

from .ledger import DOCUMENT_EXTENSIONS, LedgerEntry
from .stations import StationQuerySet


class StayQuerySet(StationQuerySet):
    station_path = "person__station"

    def mark_repeats(self):
        """Set repeat_arrival on these stays from the file's other stays (one UPDATE)."""
        earlier = Stay.objects.filter(person=models.OuterRef("person"), arrived_at__lt=models.OuterRef("arrived_at"))
        return self.update(repeat_arrival=models.Exists(earlier))

    def open(self):
        """The stays not yet ended (OPEN_STAY_STATES)."""
        return self.filter(state__in=OPEN_STAY_STATES)


class BroughtBy(models.TextChoices):
    POLICE = "police", _("police")
    URBAN_MANAGEMENT = "urban", _("urban management")
    HOSPITAL = "hospital", _("hospital")
    SELF = "self", _("came by themself")
    PUBLIC = "public", _("member of the public")
    STATION = "station", _("another station")
    OTHER = "other", _("other")


class MentalState(models.TextChoices):
    NORMAL = "normal", _("no apparent problem")
    DEMENTIA = "dementia", _("suspected dementia")
    MENTAL_ILLNESS = "mental", _("suspected mental illness")
    INTELLECTUAL = "intellectual", _("intellectual disability")
    UNCLEAR = "unclear", _("cannot be assessed")


class Identity(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    SELF_REPORTED = "self_reported", _("self-reported, not confirmed")
    UNKNOWN = "unknown", _("unknown")


class IdentityBasis(models.TextChoices):
    """What an identity may be confirmed on (a quick query recorded with its reference), and then only with
    a second pair of eyes (shelter.models.checks.Decision.IDENTITY_CONFIRMED)."""

    POLICE_ID = "police_id", _("police identity check")
    ID_CARD = "id_card", _("ID card seen")
    FAMILY = "family", _("the family's confirmation")
    NATIONAL = "national", _("match in the national system")


def identity_basis_errors(identity, basis, reference):
    """{field: message} when "confirmed" is chosen without its basis and reference: the one rule, asked by
    the intake form beside its fields and by shelter.services.register_arrival."""
    if identity != Identity.CONFIRMED:
        return {}
    if basis not in IdentityBasis.values:
        return {"identity": gettext(
            "“Confirmed” needs its basis: a police identity check, the ID card seen, the family's confirmation "
            "or a match in the national system. Choose it below, or record the identity as self-reported.")}
    if not (reference or "").strip():
        return {"identity_reference": gettext(
            "Give the reference of the basis: the police check's reference, the ID card's number, who in the "
            "family confirmed, or the national system's record.")}
    if basis == IdentityBasis.ID_CARD:
        try:
            idcard.validate(reference)
        except idcard.IdNumberError:
            return {"identity_reference": gettext("This is not a valid ID card number: check each digit.")}
    return {}


class StayState(models.TextChoices):
    RECEPTION = "reception", _("reception")
    IN_CARE = "in_care", _("in care")
    # Handed over to another station using Homeward, waiting for it to accept (Stay.hand_over): still the
    # sending station's (counted there, no departure yet) until the receiver accepts or refuses.
    IN_TRANSFER = "in_transfer", _("in transfer")
    DEPARTED = "departed", _("departed")
    DECEASED = "deceased", _("deceased")


# A stay is open until the person departs or dies: at most one per person (one_open_stay_per_person), the
# only one services, departures, deaths and reviews are recorded on.
OPEN_STAY_STATES = (StayState.RECEPTION, StayState.IN_CARE)


class ReviewPoint(models.TextChoices):
    ADULT = "adult", _("adult past the usual stay")
    ONE_MONTH = "one_month", _("unidentified for a month")
    THREE_MONTHS = "three_months", _("unidentified for three months (household registration)")
    NEXT = "next", _("next review set by the last one")


class Stay(ConcurrentTransitionMixin, LedgerEntry):
    """One arrival at the station, from reception to departure or death."""

    OCCURRED_FIELD = "arrived_at"

    person = models.ForeignKey("Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="stays")
    # The station the stay was at: a record counts where it happened. The file moves with a transfer or a
    # merge (Person.station); the stay, and the month's figures, ledgers and money counted from it
    # (oversight), stay where they were. Set when the stay is first saved, from the file's station then.
    station = models.ForeignKey("Station", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+",
                                editable=False, db_index=False)
    state = FSMField(_("state"), default=StayState.RECEPTION, choices=StayState.choices, protected=True, db_index=True)
    arrived_at = models.DateTimeField(_("arrived"), db_index=True, validators=[in_register_years])
    found_place = models.CharField(_("where found"), max_length=200)
    found_circumstances = models.TextField(_("how they came to be stranded"), blank=True)
    brought_by = models.CharField(_("brought by"), max_length=10, choices=BroughtBy.choices)
    brought_by_name = models.CharField(
        _("handed over by"), max_length=100, blank=True, help_text=_("Unit and name of the person handing over.")
    )
    handover_ref = models.CharField(_("handover form number"), max_length=60, blank=True)
    handover_document = models.FileField(
        _("handover form (scan)"), upload_to="handover/%Y/%m/", blank=True, validators=[DOCUMENT_EXTENSIONS, check_scan],
        help_text=_("PDF, JPEG or PNG."),
    )
    health_at_intake = models.TextField(_("health at intake"), blank=True)
    mental_state = models.CharField(_("mental state"), max_length=15, choices=MentalState.choices, default=MentalState.UNCLEAR)
    clothing = models.CharField(_("clothing at arrival"), max_length=200, blank=True)
    identity = models.CharField(_("identity"), max_length=15, choices=Identity.choices, default=Identity.UNKNOWN, db_index=True)
    staff_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff in charge"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="stays_in_charge",
    )
    intake_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # A stay opened by accepting a transfer from another station: the sending station's stay.
    transferred_from = models.OneToOneField(
        "self", null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="transferred_to",
        verbose_name=_("transferred from"),
    )
    # The next long-stay review (Stay.plan_review, called by the services that move it): when it falls due
    # and why; the sweep's reminder is claimed once per due time (review_reminded_at, cleared whenever the
    # due time moves).
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True, editable=False)
    review_point = models.CharField(_("review"), max_length=12, choices=ReviewPoint.choices, blank=True,
                                    editable=False)
    review_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Kept for the monthly figures (oversight.figures), which count them in one grouped query: whether the
    # file had an earlier stay, and the age on the day of arrival (Person.age_at). Set when the stay is
    # registered (shelter.services.upkeep.keep_arrival_counts); again when the file's ages are corrected
    # (upkeep.keep_stay_ages) or two files merge (services.merge_files).
    repeat_arrival = models.BooleanField(_("repeat arrival"), default=False, editable=False)
    age_at_arrival = models.PositiveSmallIntegerField(_("age at arrival"), null=True, blank=True, editable=False)
    # When the stay ended (its departure or death), set by those transitions: who was in the station at a
    # month end is one range on the stays, without joining departures and deaths.
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, editable=False)

    objects = StayQuerySet.as_manager()

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["-arrived_at"]
        indexes = [
            # The month's figures and ledgers of some stations: one range of arrivals per station.
            models.Index(fields=["station", "arrived_at"], name="stay_station_arrived"),
            # The review sweep and board: open stays whose review is due, one range on this index.
            models.Index(fields=["review_due_at"], condition=models.Q(review_due_at__isnull=False),
                         name="stay_review_due"),
        ]
        constraints = [
            # A person is in the station once at a time: two desks registering the same file cannot both win.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(state__in=list(OPEN_STAY_STATES)), name="one_open_stay_per_person"
            )
        ]
        permissions = [
            ("admit_stay", _("Can admit a person into care")),
            ("discharge_stay", _("Can record a departure")),
            ("record_death", _("Can record a death")),
            ("review_late_entry", _("Can mark late entries as seen")),
            ("review_stay", _("Can record long-stay reviews")),
        ]

    def __str__(self):
        return f"{self.person.display_name} {timezone.localtime(self.arrived_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.person.get_absolute_url() + f"#stay-{self.pk}"

    def save(self, *args, **kwargs):
        if self.station_id is None and self.person_id is not None:
            self.station_id = self.person.station_id  # where the stay begins; it never moves
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.state in OPEN_STAY_STATES

    @property
    def in_transfer(self):
        return self.state == StayState.IN_TRANSFER

    def handed_over(self):
        """The ids of this stay and of those it came from by accepted transfers, this one first: what
        the sending stations recorded (interviews, the places on the notice) comes with the person."""
        ids, stay = [], self
        while stay is not None and stay.pk not in ids:
            ids.append(stay.pk)
            stay = stay.transferred_from
        return ids

    @property
    def transfer(self):
        """The stay's last transfer to another station (after a refusal it may be transferred again), or
        None."""
        return self.transfers.order_by("-requested_at", "-pk").first() if self.pk else None

    def service_refusal(self):
        """Why no service may be recorded on this stay now, or None: not once it has ended."""
        if not self.is_open:
            return gettext("This stay has ended; services can no longer be added to it.")
        return None

    @property
    def handover_missing(self):
        """A person brought by the police comes with a written handover form: its number and its scan."""
        return self.brought_by == BroughtBy.POLICE and not (self.handover_ref and self.handover_document)

    @property
    def arrival_minute(self):
        """Times are typed to the minute: what happened in the minute of the arrival is not before it."""
        return self.arrived_at.replace(second=0, microsecond=0)

    def days_in_station(self, now=None):
        end = now or timezone.now()
        if hasattr(self, "departure"):
            end = self.departure.departed_at
        elif hasattr(self, "death"):
            end = self.death.died_at
        return (end - self.arrived_at).days

    def review_overdue(self, now=None):
        return self.review_due_at is not None and self.review_due_at <= (now or timezone.now())

    # --- Long-stay reviews: the one place that says when a stay is reviewed. ----------------------

    def review_points(self):
        """[(when, point)] a review is owed: an adult of 16+ with no mental or intellectual disability past
        STAY_REVIEW_DAYS; anyone unidentified past one month. (Three months unidentified is the household
        registration's own step and deadline, on the tracing case; ReviewPoint.THREE_MONTHS stays for
        the reviews recorded before.)"""
        arrived = self.arrived_at
        points = []
        youngest, _oldest = self.person.age_range()
        vulnerable = self.mental_state in (MentalState.DEMENTIA, MentalState.MENTAL_ILLNESS, MentalState.INTELLECTUAL)
        if not vulnerable and youngest is not None and youngest >= 16:
            points.append((arrived + datetime.timedelta(days=settings.STAY_REVIEW_DAYS), ReviewPoint.ADULT))
        if self.identity != Identity.CONFIRMED:
            points.append((arrived + datetime.timedelta(days=settings.UNIDENTIFIED_REVIEW_DAYS), ReviewPoint.ONE_MONTH))
        return points

    def next_review(self):
        """(due, point) of the next review, or (None, ""): the earliest point not covered by a review made
        at or after it, or the next review date the last review set, whichever comes first."""
        if not self.is_open or self.pk is None:
            return None, ""
        last = self.reviews.order_by("-reviewed_at", "-pk").first()
        owed = [(at, point) for at, point in self.review_points() if last is None or last.reviewed_at < at]
        if last is not None and last.next_review_on:
            start = datetime.datetime.combine(last.next_review_on, datetime.time(8, 0))
            owed.append((timezone.make_aware(start), ReviewPoint.NEXT))
        return min(owed, default=(None, ""))

    def plan_review(self):
        """Store the next review's due time (a conditional UPDATE: the stay's other fields are left as
        they are); a moved due time may be reminded of again."""
        due, point = self.next_review()
        if (due, point) != (self.review_due_at, self.review_point):
            Stay.objects.filter(pk=self.pk).update(review_due_at=due, review_point=point, review_reminded_at=None)
            self.review_due_at, self.review_point, self.review_reminded_at = due, point, None

    def claim_review_reminder(self, now):
        """Claim the reminder of the review due now, once, even with two sweeps at once."""
        claimed = Stay.objects.filter(
            pk=self.pk, review_due_at=self.review_due_at, review_due_at__lte=now, review_reminded_at__isnull=True,
        ).update(review_reminded_at=now)
        return bool(claimed)

    def intake_complete(self):
        return bool(self.found_place and self.brought_by)

    # Transitions. Views call them through lib.workflow.apply(), inside a transaction; each takes
    # `by` (the user) and `reason`, which the transition log records.

    @transition(
        field=state, source=StayState.RECEPTION, target=StayState.IN_CARE, permission="shelter.admit_stay",
        conditions=[intake_complete], custom={"label": _("Admit into care")},
    )
    def admit(self, by=None, reason=""):
        """Reception is done: the person is in the station's care."""

    @transition(
        field=state, source=OPEN_STAY_STATES, target=StayState.DEPARTED,
        permission="shelter.discharge_stay", custom={"label": _("Record departure")},
    )
    def depart(self, departure, counted_out=None, by=None, reason=""):
        """The person leaves. Every belonging counted in is counted out, item by item (`counted_out`:
        {belonging pk: (outcome, handed to whom)}): nothing is assumed returned. The departure and the
        items counted out are checked here and returned (the items), unsaved: shelter.services.depart_stay
        saves them. A transfer to a station using Homeward is handed over instead (hand_over)."""
        if departure.to_station_id:
            raise ValidationError({"to_station": gettext("A transfer to a station using Homeward is handed over: "
                                                         "the stay ends when that station accepts it.")})
        items = self._count_out(departure, counted_out, by)
        self.ended_at = departure.counted_at = departure.departed_at
        return items

    @transition(
        field=state, source=OPEN_STAY_STATES, target=StayState.IN_TRANSFER,
        permission="shelter.discharge_stay", custom={"label": _("Transfer to another station")},
    )
    def hand_over(self, departure, counted_out=None, by=None, reason=""):
        """A transfer to another station using Homeward (`departure.to_station`): the departure and the
        belongings are checked and counted out as for a departure (what goes with the person is handed
        over), but the stay does not end: the person is in transfer, in the sending station's care and
        counted there, until the receiving station accepts (complete_transfer) or refuses
        (return_to_care). shelter.services.depart_stay saves the records and proposes the transfer."""
        if not departure.to_station_id:
            raise ValidationError({"to_station": gettext("Say to which station the person is transferred.")})
        items = self._count_out(departure, counted_out, by)
        departure.counted_at = None  # no departure in the figures until the receiver accepts
        return items

    @transition(
        field=state, source=StayState.IN_TRANSFER, target=StayState.DEPARTED,
        permission=lambda instance, user: False, custom={"label": _("Transfer accepted")},
    )
    def complete_transfer(self, at, by=None, reason=""):
        """The receiving station accepted the transfer (a step the system takes with Transfer.accept,
        never a person on its own): the stay ends then, and its departure counts from then
        (Departure.counted_at, set by shelter.services.accept_transfer)."""
        self.ended_at = at

    @transition(
        field=state, source=StayState.IN_TRANSFER, target=StayState.IN_CARE,
        permission=lambda instance, user: False, custom={"label": _("Transfer refused")},
    )
    def return_to_care(self, by=None, reason=""):
        """The receiving station refused the transfer (a step the system takes with Transfer.refuse): the
        person is in the sending station's care again, the refusal's reason on the timeline; the
        departure and the belongings' handing over are undone by shelter.services.refuse_transfer."""
        if not (reason or "").strip():
            raise ValidationError({"reason": gettext("Say why the transfer is refused.")})

    def _count_out(self, departure, counted_out, by):
        """The departure and each belonging counted out, checked (ValidationError); the items returned."""
        departure.stay = self
        departure.entered_by = by
        departure.full_clean()
        items = list(self.belongings.all())
        counted_out = counted_out or {}
        errors = {}
        for item in items:
            outcome, handed_to = counted_out.get(item.pk, ("", ""))
            item.count_out(outcome, handed_to, at=departure.departed_at, by=by)
            try:
                item.full_clean()
            except ValidationError as e:
                errors[f"belonging_{item.pk}"] = [m for ms in e.message_dict.values() for m in ms]
        if errors:
            raise ValidationError(errors)
        return items

    def belongings_to_count_out_after_death(self):
        """A dead person's belongings not yet counted out (to the family, the police, or kept)."""
        return self.state == StayState.DECEASED and any(not b.outcome for b in self.belongings.all())

    def count_out_after_death(self, counted_out, at, by):
        """A dead person's belongings and cash, counted out item by item as a departure's are
        (`counted_out`: {belonging pk: (outcome, handed to whom, reference)}): to the family, to the
        police, or kept by the station with a reference. Only on a stay ended by a death, only the items
        not counted out yet; those not in `counted_out` wait. Returns the items checked, unsaved
        (shelter.services.count_out_belongings saves them); ValidationError names each item refused."""
        if self.state != StayState.DECEASED:
            raise ValidationError(gettext("Only the belongings of a person who died are counted out here."))
        errors, items = {}, []
        for item in self.belongings.filter(outcome="", pk__in=list(counted_out)):
            outcome, handed_to, reference = counted_out[item.pk]
            item.count_out(outcome, handed_to, at=at, by=by, reference=reference)
            try:
                item.full_clean()
                refusal = item.death_refusal()
                if refusal:
                    raise ValidationError(refusal)
            except ValidationError as e:
                errors[f"belonging_{item.pk}"] = e.messages
            items.append(item)
        if errors:
            raise ValidationError(errors)
        return items

    @transition(
        field=state, source=OPEN_STAY_STATES, target=StayState.DECEASED,
        permission="shelter.record_death", custom={"label": _("Record death")},
    )
    def die(self, death, by=None, reason=""):
        """The death is the step's own record, checked here; shelter.services.record_death saves it and
        reports it up the chain."""
        death.stay = self
        death.entered_by = by
        death.full_clean()
        self.ended_at = death.died_at


class BelongingOutcome(models.TextChoices):
    RETURNED = "returned", _("returned to the person")
    KEPT = "kept", _("kept by the station")
    HANDED = "handed", _("handed to someone else")
    FAMILY = "family", _("handed to the family")
    POLICE = "police", _("handed to the police")


# What a departure offers for each item; a death's belongings go to the family, the police, or are kept.
DEPARTURE_OUTCOMES = (BelongingOutcome.RETURNED, BelongingOutcome.KEPT, BelongingOutcome.HANDED)
DEATH_OUTCOMES = (BelongingOutcome.FAMILY, BelongingOutcome.POLICE, BelongingOutcome.KEPT)


class Belonging(models.Model):
    """What the person carried: counted in at intake, counted out at departure, item by item."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="belongings")
    item = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1,
                                                validators=[MinValueValidator(1), MaxValueValidator(32767)])
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    outcome = models.CharField(_("counted out"), max_length=10, choices=BelongingOutcome.choices, blank=True)
    handed_to = models.CharField(_("handed to"), max_length=100, blank=True,
                                 help_text=_("Name and relation or unit of whoever took it."))
    reference = models.CharField(_("receipt or register reference"), max_length=60, blank=True)
    counted_out_at = models.DateTimeField(_("counted out on"), null=True, blank=True)
    counted_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("belonging")
        verbose_name_plural = _("belongings")

    def __str__(self):
        return f"{self.item} × {self.quantity}"

    def count_out(self, outcome, handed_to, at, by, reference=""):
        self.outcome, self.handed_to = outcome or "", (handed_to or "").strip()
        self.reference = (reference or "").strip()
        self.counted_out_at, self.counted_out_by = at, by
        self.returned_at = at if outcome == BelongingOutcome.RETURNED else None

    def clean(self):
        super().clean()
        if self.counted_out_at is None:
            return
        if not self.outcome:
            raise ValidationError({"outcome": _("Say what became of this item: returned, kept by the station or "
                                                "handed to someone.")})
        if self.outcome in HANDED_OUTCOMES and not self.handed_to:
            raise ValidationError({"handed_to": _("Say to whom this item was handed.")})

    def death_refusal(self):
        """Why this item of a person who died cannot be counted out so, or None: it was counted out
        already; nothing is returned to the dead; what the station keeps has its reference."""
        if self.outcome not in DEATH_OUTCOMES:
            return gettext("The person has died: hand the item to the family or the police, or keep it with "
                           "a reference.")
        if self.outcome == BelongingOutcome.KEPT and not self.reference:
            return gettext("Give the reference under which the station keeps this item.")
        return None

    @property
    def counted_out_text(self):
        if self.outcome in HANDED_OUTCOMES:
            text = _("handed to %(whom)s") % {"whom": self.handed_to}
        else:
            text = str(self.get_outcome_display())
        return f"{text} · {self.reference}" if self.reference else text


HANDED_OUTCOMES = (BelongingOutcome.HANDED, BelongingOutcome.FAMILY, BelongingOutcome.POLICE)


class ReviewDecision(models.TextChoices):
    KEEP = "keep", _("keep in the station")
    OUTSIDE_CARE = "outside_care", _("place in outside care (welfare institution)")
    HOSPITAL = "hospital", _("send to hospital")
    HOUSEHOLD = "household", _("apply for household registration")
    ESCORT_HOME = "escort_home", _("escort home")
    DEPART = "depart", _("prepare the departure")
    OTHER = "other", _("other")


class StayReview(LedgerEntry):
    """A long-stay review (Stay.review_points): who reviewed, what was decided, when the next review is.
    Recorded by shelter.services.record_review, which plans the stay's next review from it."""

    OCCURRED_FIELD = "reviewed_at"

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="reviews")
    point = models.CharField(_("review"), max_length=12, choices=ReviewPoint.choices, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed on"), default=timezone.now, validators=[in_register_years])
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT,
                                 related_name="+")
    decision = models.CharField(_("decision"), max_length=12, choices=ReviewDecision.choices)
    next_review_on = models.DateField(_("next review"), null=True, blank=True, validators=[in_register_years])
    notes = models.TextField(_("reasons and notes"), blank=True)

    class Meta:
        verbose_name = _("long-stay review")
        verbose_name_plural = _("long-stay reviews")
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self):
        return f"{self.get_decision_display()} {timezone.localtime(self.reviewed_at):%Y-%m-%d}"

    def clean(self):
        super().clean()
        errors = {}
        if self.stay_id and self.reviewed_at and self.reviewed_at < self.stay.arrival_minute:
            errors["reviewed_at"] = _("The review is before the arrival.")
        if self.next_review_on and self.reviewed_at and self.next_review_on <= timezone.localtime(self.reviewed_at).date():
            errors["next_review_on"] = _("The next review must come after this one.")
        if self.decision == ReviewDecision.KEEP and not self.next_review_on and "next_review_on" not in errors:
            errors["next_review_on"] = _("Keeping the person in the station needs a date for the next review.")
        if errors:
            raise ValidationError(errors)


class ReviewError(Refusal):
    """A long-stay review refused, with a message for the user."""


class ServiceKind(models.TextChoices):
    MEAL = "meal", _("meal")
    CLOTHING = "clothing", _("clothing")
    BATH = "bath", _("bath")
    MEDICAL = "medical", _("medical care")
    COUNSELLING = "counselling", _("counselling")
    FAMILY_CALL = "call", _("call to family")
    ESCORT = "escort", _("escort")
    OTHER = "other", _("other")


class Service(LedgerEntry):
    """A service given in the station (站内服务)."""

    OCCURRED_FIELD = "given_at"

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="services")
    kind = models.CharField(_("service"), max_length=12, choices=ServiceKind.choices)
    given_at = models.DateTimeField(_("when"), default=timezone.now, validators=[in_register_years])
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-given_at"]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        super().clean()
        if self.stay_id and self.given_at and self.given_at < self.stay.arrival_minute:
            raise ValidationError({"given_at": _("The service is before the arrival.")})
