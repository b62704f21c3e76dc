"""The station register: one person, one file.

A Person is the lifelong file; each arrival opens a Stay, which follows a django-fsm workflow
(reception -> in care -> departed | deceased). Services, departure and death hang off the stay.
Every record keeps when it happened and when it was entered (the ledger rule); nothing is deleted.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from lib import idcard
from lib.dates import years_before, years_between
from lib.errors import Refusal

from .signals import notifications_created, person_merged


class Station(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    next_file_seq = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def staff(self, *roles):
        """Active users of this station with any of these roles (group names), e.g. staff("supervisor")."""
        return User.objects.filter(station=self, is_active=True, groups__name__in=roles).distinct()

    def who_is_told(self, *users):
        """Who hears of something about one of this station's people: the given staff (the staff in
        charge, the one who took a report) who are still active, else the station's supervisors, so a
        message never goes to nobody or to a disabled account."""
        told = list({u.pk: u for u in users if u is not None and u.is_active}.values())
        return told or list(self.staff("supervisor"))

    def allocate_file_no(self, year):
        """Next file number, e.g. GZ-2026-00042; the row lock keeps two intakes from sharing one."""
        with transaction.atomic():
            station = Station.objects.select_for_update().get(pk=self.pk)
            seq = station.next_file_seq
            Station.objects.filter(pk=self.pk).update(next_file_seq=seq + 1)
        return f"{self.code}-{year}-{seq:05d}"


class User(AbstractUser):
    """A staff member belongs to one station; administrators (no station) see all stations."""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), null=True, blank=True, on_delete=models.PROTECT
    )
    phone = models.CharField(_("mobile phone"), max_length=40, blank=True, help_text=_("For SMS reminders."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("view_all_stations", _("Can see every station's people"))]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def sees_all_stations(self):
        return self.is_superuser or self.has_perm("shelter.view_all_stations")


class StationQuerySet(models.QuerySet):
    """Every query of personal data goes through for_user(): each station sees only its own people."""

    station_path = "station"

    def for_user(self, user):
        if user.sees_all_stations:
            return self
        if not user.station_id:
            return self.none()
        return self.filter(self.of_station(user.station_id))

    def of_station(self, station_id):
        """Q: the record belongs to this station's people (a subclass may name another path, or several)."""
        return models.Q(**{self.station_path: station_id})


class PersonQuerySet(StationQuerySet):
    def with_current_stay(self):
        latest = Stay.objects.filter(person=models.OuterRef("pk")).order_by("-arrived_at", "-pk")
        return self.annotate(
            current_state=models.Subquery(latest.values("state")[:1]),
            last_arrived_at=models.Subquery(latest.values("arrived_at")[:1]),
        )


def age_overlaps(age, prefix="", today=None):
    """Q: the person's age (as Person.age_range gives it) may lie in `age`, an age or (youngest, oldest).

    `prefix` reaches the person from another model ("person__"). Unknown ends stay open, so an age
    that was never recorded or estimated does not exclude anyone: it is a search, not a verdict.
    """
    youngest, oldest = (age, age) if isinstance(age, int) else age
    today = today or timezone.localdate()
    by_birth = models.Q(**{f"{prefix}date_of_birth__isnull": False})
    by_estimate = models.Q(**{f"{prefix}date_of_birth__isnull": True})
    if youngest is not None:
        by_birth &= models.Q(**{f"{prefix}date_of_birth__lte": years_before(today, youngest)})
        by_estimate &= models.Q(**{f"{prefix}age_max__isnull": True}) | models.Q(**{f"{prefix}age_max__gte": youngest})
    if oldest is not None:
        by_birth &= models.Q(**{f"{prefix}date_of_birth__gt": years_before(today, oldest + 1)})
        by_estimate &= models.Q(**{f"{prefix}age_min__isnull": True}) | models.Q(**{f"{prefix}age_min__lte": oldest})
    return by_birth | by_estimate


class StayQuerySet(StationQuerySet):
    station_path = "person__station"

    def mark_repeats(self):
        """Set repeat_arrival on these stays from the file's other stays (one UPDATE)."""
        earlier = Stay.objects.filter(person=models.OuterRef("person"), arrived_at__lt=models.OuterRef("arrived_at"))
        return self.update(repeat_arrival=models.Exists(earlier))


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")
    UNKNOWN = "U", _("unknown")


class Build(models.TextChoices):
    SLIM = "slim", _("slim")
    MEDIUM = "medium", _("medium")
    STOCKY = "stocky", _("stocky")
    HEAVY = "heavy", _("heavy")


class Person(models.Model):
    """The lifelong file of one person. What is not known is left blank; ages may be an estimate."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT)
    file_no = models.CharField(_("file number"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("Leave blank if unknown."))
    aliases = models.CharField(
        _("other names"), max_length=200, blank=True, help_text=_("Nicknames or names given, separated by commas.")
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(_("estimated age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("estimated age to"), null=True, blank=True)
    id_number = models.CharField(
        _("resident ID number"), max_length=18, blank=True, db_index=True,
        help_text=_("18 characters; the last may be X."),
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    native_place = models.CharField(_("native place"), max_length=100, blank=True)
    dialect = models.CharField(_("dialect or accent"), max_length=60, blank=True)
    relatives_phone = models.CharField(_("relatives' phone"), max_length=60, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    build = models.CharField(_("build"), max_length=10, choices=Build.choices, blank=True)
    hair = models.CharField(_("hair"), max_length=60, blank=True)
    marks = models.CharField(_("distinguishing marks"), max_length=200, blank=True)
    scars = models.CharField(_("scars"), max_length=200, blank=True)
    tattoos = models.CharField(_("tattoos"), max_length=200, blank=True)
    disability = models.CharField(_("disability"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.PROTECT,
        related_name="+",
    )
    # A second file of the same person is merged into the first (merge_into), never deleted.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, editable=False, on_delete=models.PROTECT,
        related_name="merged_files",
    )
    merged_at = models.DateTimeField(_("merged on"), null=True, blank=True, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.PROTECT,
        related_name="+",
    )
    merge_reason = models.CharField(_("reason for the merge"), max_length=300, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    # Fields whose changes are kept as corrections in the audit log (see AuditEvent.record_changes).
    TRACKED_FIELDS = (
        "name", "aliases", "sex", "date_of_birth", "age_min", "age_max", "id_number", "ethnicity",
        "native_place", "dialect", "relatives_phone", "height_cm", "build", "hair", "marks", "scars",
        "tattoos", "disability",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["-created_at"]
        permissions = [("merge_person", _("Can merge two files of the same person"))]

    def __str__(self):
        return f"{self.display_name} ({self.file_no})"

    @property
    def display_name(self):
        return self.name or _("unknown person")

    def get_absolute_url(self):
        return reverse("shelter:person", args=[self.pk])

    def clean(self):
        errors = check_identity_fields(self)
        if errors:
            raise ValidationError(errors)

    def age_range(self, on=None):
        """(youngest, oldest) in whole years on a date: from the date of birth if known, else the estimate."""
        if self.date_of_birth:
            years = years_between(self.date_of_birth, on or timezone.localdate())
            return years, years
        return self.age_min, self.age_max

    @property
    def current_stay(self):
        return self.stays.order_by("-arrived_at", "-pk").first()

    @property
    def open_stay(self):
        return self.stays.filter(state__in=[StayState.RECEPTION, StayState.IN_CARE]).first()

    def age_at(self, at):
        """Age on the day of `at` in the station's zone, as the monthly figures count it: from the date of
        birth, else the middle of the estimated range (its one end if the other is missing), else None."""
        youngest, oldest = self.age_range(timezone.localtime(at, zoneinfo.ZoneInfo(settings.TIME_ZONE)).date())
        if self.date_of_birth or youngest is None or oldest is None:
            return youngest if youngest is not None else oldest
        return (youngest + oldest) // 2

    def save(self, *args, **kwargs):
        if not self.file_no:
            self.file_no = self.station.allocate_file_no(timezone.localdate().year)
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:  # a correction of the ages or the date of birth reaches the stays' kept age
            for stay in Stay.objects.filter(person=self).only("pk", "arrived_at", "age_at_arrival"):
                age = self.age_at(stay.arrived_at)
                if age != stay.age_at_arrival:
                    Stay.objects.filter(pk=stay.pk).update(age_at_arrival=age)

    def merge_into(self, survivor, by, reason):
        """This file is a second file of `survivor`'s person: its stays (and with them their tracing
        cases) move to the surviving file; other apps move what they keep per person on person_merged
        (portraits, family-report candidates). This file is kept, marked merged, so its history and the
        audit log that points at it stay readable. The surviving file's details are not overwritten:
        what only this file knew is corrected into it by hand, with the usual correction log.

        Refused (MergeError, nothing changed): without shelter.merge_person, without a reason, across
        stations, a file merged already, or when both files have a stay still open (end the duplicate
        stay first, so the person is never in the station twice at once). Returns the stays moved.
        """
        reason = (reason or "").strip()
        if not by.has_perm("shelter.merge_person"):
            raise MergeError(gettext("You are not allowed to merge files."))
        if not reason:
            raise MergeError(gettext("Give the reason why these two files are the same person."))
        if survivor.pk == self.pk:
            raise MergeError(gettext("A file cannot be merged into itself."))
        if survivor.station_id != self.station_id:
            raise MergeError(gettext("Only two files of the same station can be merged."))
        with transaction.atomic():
            # Lock both rows, in id order, so two merges of the same files take turns.
            locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[self.pk, survivor.pk]).order_by("pk")}
            if locked[self.pk].merged_into_id or locked[survivor.pk].merged_into_id:
                raise MergeError(gettext("One of these files was already merged into another."))
            open_states = [StayState.RECEPTION, StayState.IN_CARE]
            if all(Stay.objects.filter(person=p, state__in=open_states).exists() for p in (self, survivor)):
                raise MergeError(gettext(
                    "Both files have a stay still open. Record the departure of the duplicate stay first "
                    "(kind “other”, noting the double registration), then merge."
                ))
            moved = Stay.objects.filter(person=self).update(person=survivor)
            Stay.objects.filter(person=survivor).mark_repeats()
            self.merged_into, self.merged_at, self.merged_by, self.merge_reason = survivor, timezone.now(), by, reason
            self.save(update_fields=["merged_into", "merged_at", "merged_by", "merge_reason"])
            person_merged.send(sender=Person, merged=self, survivor=survivor, by=by)
        return moved


class MergeError(Refusal):
    """A merge refused, with a message for the user."""


def check_identity_fields(instance):
    """{field: message} for what describes a person, in a resident's file (Person) and in a family's
    report (tracing.FamilyReport) alike: the ID number is valid (and normalised), the sex agrees with
    it, the date of birth is taken from it if not given and is not in the future, and the estimated
    ages are the right way round."""
    errors = {}
    if instance.id_number:
        try:
            instance.id_number = idcard.validate(instance.id_number)
        except idcard.IdNumberError as e:
            errors["id_number"] = ID_NUMBER_MESSAGES[e.code]
        else:
            if instance.sex != Sex.UNKNOWN and idcard.sex(instance.id_number) != instance.sex:
                errors["sex"] = _("The ID number belongs to a person of the other sex.")
            if not instance.date_of_birth:
                instance.date_of_birth = idcard.birth_date(instance.id_number)
    if instance.age_min is not None and instance.age_max is not None and instance.age_min > instance.age_max:
        errors["age_max"] = _("The upper age must not be below the lower age.")
    if instance.date_of_birth and instance.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = _("The date of birth is in the future.")
    return errors


ID_NUMBER_MESSAGES = {
    "length": _("An ID number has 18 characters."),
    "chars": _("An ID number has 17 digits followed by a digit or X."),
    "date": _("The date of birth in this ID number is not a real date."),
    "checksum": _("This ID number is not valid (its check digit does not match): please check each digit."),
}


# Scans are served back to staff: only kinds a browser shows safely (see shelter.views.document).
DOCUMENT_EXTENSIONS = FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])


FUTURE_MESSAGE = _("This time is in the future.")


class LedgerEntry(models.Model):
    """A record of something that happened: when it happened and when it was entered.

    "Enter one when one arrives": an entry made more than LATE_ENTRY_HOURS after the event is
    flagged late for the supervisor. Subclasses name the field that holds the event time.
    """

    OCCURRED_FIELD = None
    # A few minutes of clock drift between the desk and the server are not an error.
    CLOCK_DRIFT = datetime.timedelta(minutes=10)

    entered_at = models.DateTimeField(_("entered"), default=timezone.now, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )
    late = models.BooleanField(_("entered late"), default=False, editable=False, db_index=True)

    class Meta:
        abstract = True

    @property
    def occurred_at(self):
        return getattr(self, self.OCCURRED_FIELD)

    @classmethod
    def is_future(cls, at, now=None):
        """Whether a time typed at the desk lies in the future, beyond the clock drift allowed. The one
        rule for every event time of the ledger and of the records that hang off it."""
        return at is not None and at > (now or timezone.now()) + cls.CLOCK_DRIFT

    def clean(self):
        super().clean()
        if self.is_future(self.occurred_at, now=self.entered_at):
            raise ValidationError({self.OCCURRED_FIELD: FUTURE_MESSAGE})

    def save(self, *args, **kwargs):
        occurred = self.occurred_at
        limit = datetime.timedelta(hours=settings.LATE_ENTRY_HOURS)
        self.late = bool(occurred and self.entered_at - occurred > limit)
        super().save(*args, **kwargs)


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


class StayState(models.TextChoices):
    RECEPTION = "reception", _("reception")
    IN_CARE = "in_care", _("in care")
    DEPARTED = "departed", _("departed")
    DECEASED = "deceased", _("deceased")


class Stay(ConcurrentTransitionMixin, LedgerEntry):
    """One arrival at the station, from reception to departure or death."""

    OCCURRED_FIELD = "arrived_at"

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="stays")
    state = FSMField(_("state"), default=StayState.RECEPTION, choices=StayState.choices, protected=True, db_index=True)
    arrived_at = models.DateTimeField(_("arrived"), db_index=True)
    found_place = models.CharField(_("where found"), max_length=200)
    found_circumstances = models.TextField(_("how they came to be stranded"), blank=True)
    brought_by = models.CharField(_("brought by"), max_length=10, choices=BroughtBy.choices)
    brought_by_name = models.CharField(
        _("handed over by"), max_length=100, blank=True, help_text=_("Unit and name of the person handing over.")
    )
    handover_ref = models.CharField(_("handover form number"), max_length=60, blank=True)
    handover_document = models.FileField(
        _("handover form (scan)"), upload_to="handover/%Y/%m/", blank=True, validators=[DOCUMENT_EXTENSIONS],
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
    # Kept for the monthly figures (tracing.figures), which count them in one grouped query: whether the
    # file had an earlier stay, and the age on the day of arrival (Person.age_at). Set when the stay is
    # registered; again when the file's ages are corrected (Person.save) or two files merge (merge_into).
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
        constraints = [
            # A person is in the station once at a time: two desks registering the same file cannot both win.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(state__in=["reception", "in_care"]), name="one_open_stay_per_person"
            )
        ]
        permissions = [
            ("admit_stay", _("Can admit a person into care")),
            ("discharge_stay", _("Can record a departure")),
            ("record_death", _("Can record a death")),
        ]

    def __str__(self):
        return f"{self.person.display_name} {timezone.localtime(self.arrived_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.person.get_absolute_url() + f"#stay-{self.pk}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        if adding:
            self.age_at_arrival = self.person.age_at(self.arrived_at)
            self.repeat_arrival = Stay.objects.filter(person=self.person_id, arrived_at__lt=self.arrived_at).exists()
        super().save(*args, **kwargs)
        if adding:  # an earlier stay entered late makes the later ones repeats
            Stay.objects.filter(person=self.person_id, arrived_at__gt=self.arrived_at, repeat_arrival=False).update(
                repeat_arrival=True)

    @property
    def is_open(self):
        return self.state in (StayState.RECEPTION, StayState.IN_CARE)

    def days_in_station(self, now=None):
        end = now or timezone.now()
        if hasattr(self, "departure"):
            end = self.departure.departed_at
        elif hasattr(self, "death"):
            end = self.death.died_at
        return (end - self.arrived_at).days

    @property
    def needs_stay_review(self):
        """Adults of 16+ with no mental or intellectual disability normally stay at most 10 days."""
        youngest, _oldest = self.person.age_range()
        vulnerable = self.mental_state in (MentalState.DEMENTIA, MentalState.MENTAL_ILLNESS, MentalState.INTELLECTUAL)
        return (
            self.is_open and not vulnerable and youngest is not None and youngest >= 16
            and self.days_in_station() > settings.STAY_REVIEW_DAYS
        )

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
        field=state, source=[StayState.RECEPTION, StayState.IN_CARE], target=StayState.DEPARTED,
        permission="shelter.discharge_stay", custom={"label": _("Record departure")},
    )
    def depart(self, departure, by=None, reason=""):
        departure.stay = self
        departure.entered_by = by
        departure.full_clean()
        departure.save()
        self.ended_at = departure.departed_at
        self.belongings.filter(returned_at__isnull=True).update(returned_at=departure.departed_at)

    @transition(
        field=state, source=[StayState.RECEPTION, StayState.IN_CARE], target=StayState.DECEASED,
        permission="shelter.record_death", custom={"label": _("Record death")},
    )
    def die(self, death, by=None, reason=""):
        death.stay = self
        death.entered_by = by
        death.full_clean()
        death.save()
        self.ended_at = death.died_at
        death.report(by)


class Belonging(models.Model):
    """What the person carried: counted in at intake, counted out at departure."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="belongings")
    item = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)

    class Meta:
        verbose_name = _("belonging")
        verbose_name_plural = _("belongings")

    def __str__(self):
        return f"{self.item} × {self.quantity}"


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
    given_at = models.DateTimeField(_("when"), default=timezone.now)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-given_at"]

    def __str__(self):
        return self.get_kind_display()


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
    departed_at = models.DateTimeField(_("time of departure"), default=timezone.now)
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
        if self.stay_id and self.departed_at and self.departed_at < self.stay.arrived_at:
            errors["departed_at"] = _("The departure is before the arrival.")
        errors.update(self.money_errors())
        if errors:
            raise ValidationError(errors)


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
    died_at = models.DateTimeField(_("time of death"))
    place = models.CharField(_("place of death"), max_length=200)
    cause = models.CharField(_("cause as stated"), max_length=300)
    proof_kind = models.CharField(_("proof"), max_length=10, choices=ProofKind.choices)
    proof = models.FileField(
        _("proof document (scan)"), upload_to="death/%Y/%m/", validators=[DOCUMENT_EXTENSIONS],
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
        if self.stay_id and self.died_at and self.died_at < self.stay.arrived_at:
            raise ValidationError({"died_at": _("The time of death is before the arrival.")})

    def report(self, by):
        """Report up the chain at once: a notification to every supervisor and head of the station."""
        person = self.stay.person
        self.reported_at = timezone.now()
        self.save(update_fields=["reported_at"])
        with translation.override(settings.LANGUAGE_CODE):  # the station's language, not the reporter's
            self._notify(person, by)

    def _notify(self, person, by):
        Notification.send(
            person.station.staff("supervisor", "station_head"),
            kind="death",
            subject=_("Death reported: %(name)s (%(file)s)") % {"name": person.display_name, "file": person.file_no},
            body=_("%(name)s died at %(place)s on %(time)s. Cause as stated: %(cause)s. Reported by %(by)s.")
            % {
                "name": person.display_name,
                "place": self.place,
                "time": timezone.localtime(self.died_at).strftime("%Y-%m-%d %H:%M"),
                "cause": self.cause,
                "by": by.get_full_name() or by.username if by else "-",
            },
            url=person.get_absolute_url(),
            station=person.station,
        )


class Notification(models.Model):
    """A message to a staff member: kept as a record, and sent by e-mail and SMS after commit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=30, db_index=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    @classmethod
    def send(cls, users, kind, subject, body="", url="", station=None):
        """Record the messages; e-mail and SMS leave after the commit (shelter.receivers)."""
        rows = [
            cls(user=u, station=station, kind=kind, subject=str(subject), body=str(body), url=url) for u in users
        ]
        cls.objects.bulk_create(rows)
        notifications_created.send(sender=cls, notifications=rows)
        return rows


class StateLog(models.Model):
    """Transition history of every django-fsm workflow: who, when, from, to, why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(db_index=True)
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(max_length=50)
    source_state = models.CharField(max_length=30)
    state = models.CharField(max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transition history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.source_state} → {self.state}"

    @classmethod
    def for_object(cls, obj):
        return cls.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class AuditEvent(models.Model):
    """Every view and change of a person's file, and every face search: who, what, when, from where."""

    objects = StationQuerySet.as_manager()  # a station's supervisors read their own station's log

    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    TRANSITION = "transition"
    FACE_SEARCH = "face_search"
    EXPORT = "export"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=20, db_index=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events")
    target = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.target}"

    @classmethod
    def record(cls, request, action, person=None, target="", **detail):
        user = request.user if request.user.is_authenticated else None
        return cls.objects.create(
            user=user,
            station=getattr(user, "station", None),
            action=action,
            person=person,
            target=str(target or person or "")[:200],
            detail=detail,
            ip=request.META.get("REMOTE_ADDR"),
            path=request.get_full_path()[:300],
        )

    @classmethod
    def record_changes(cls, request, person, before, reason):
        """A correction of the file: the old and new value of each changed field, and why."""
        changes = {
            name: [str(before[name]) if before[name] is not None else "", str(getattr(person, name) or "")]
            for name in Person.TRACKED_FIELDS
            if before[name] != getattr(person, name)
        }
        if changes:
            cls.record(request, cls.CHANGE, person, changes=changes, reason=reason)
        return changes


class LoginFailure(models.Model):
    """Failed logins per user name, for the lockout."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    @classmethod
    def is_locked(cls, username):
        since = timezone.now() - datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        return cls.objects.filter(username__iexact=username, at__gte=since).count() >= settings.LOGIN_MAX_FAILURES

