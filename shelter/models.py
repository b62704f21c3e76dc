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
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from lib import idcard, messages
from lib.dates import not_before_1900, years_before, years_between
from lib.errors import Refusal
from lib.http import client_ip
from lib.names import KEY_LENGTH, name_key, name_keys
from lib.phones import validate_phones
from lib.scans import check_scan
from lib.text import SingleLineFields, one_line

from .delivery import after_commit as deliver_after_commit
from .signals import person_merged


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
        permissions = [
            ("view_all_stations", _("Can see every station's people")),
            ("unlock_account", _("Can unlock an account locked after failed log-ins")),
        ]

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
        """The state of each file's latest stay (its arrival is the column last_arrived_at). A subquery
        per row: the database works it out for the rows shown, or, when filtered on, for those scanned."""
        latest = Stay.objects.filter(person=models.OuterRef("pk")).order_by("-arrived_at", "-pk")
        return self.annotate(current_state=models.Subquery(latest.values("state")[:1]))

    def refresh_last_arrival(self):
        """Set last_arrived_at from the stays (Stay.save and the merge call it; so can a bulk import)."""
        latest = Stay.objects.filter(person=models.OuterRef("pk")).order_by("-arrived_at")
        return self.update(last_arrived_at=models.Subquery(latest.values("arrived_at")[:1]))


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


class PersonNameKeyQuerySet(models.QuerySet):
    def store(self, person):
        """Make the file's keys those of its name and aliases now (Person.save calls it)."""
        keys = set(name_keys(person.name, person.aliases))
        kept = set(self.filter(person=person).values_list("key", flat=True))
        if kept - keys:
            self.filter(person=person, key__in=kept - keys).delete()
        self.bulk_create([PersonNameKey(person=person, key=key) for key in sorted(keys - kept)])

    def people(self, names):
        """Ids of the files with a name or alias that may sound like one of `names` (lib.names.name_key)."""
        keys = {name_key(name) for name in names}
        return self.filter(key__in=keys).values_list("person_id", flat=True).distinct()


class PersonNameKey(models.Model):
    """One search key of a file's name or alias (lib.names.name_key: the pinyin with the accent folds):
    the description search behind the duplicate warning and the family reports looks names up here, by
    an index, instead of reading the register. Kept by Person.save; never edited by hand."""

    person = models.ForeignKey("Person", on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=KEY_LENGTH, db_index=True)

    objects = PersonNameKeyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="one_name_key_per_person")]

    def __str__(self):
        return self.key


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


class Person(SingleLineFields, models.Model):
    """The lifelong file of one person. What is not known is left blank; ages may be an estimate."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT)
    file_no = models.CharField(_("file number"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("Leave blank if unknown."))
    aliases = models.CharField(
        _("other names"), max_length=200, blank=True, help_text=_("Nicknames or names given, separated by commas.")
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[not_before_1900])
    age_min = models.PositiveSmallIntegerField(_("estimated age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("estimated age to"), null=True, blank=True)
    id_number = models.CharField(
        _("resident ID number"), max_length=18, blank=True, db_index=True,
        help_text=_("18 characters; the last may be X."),
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    native_place = models.CharField(_("native place"), max_length=100, blank=True)
    dialect = models.CharField(_("dialect or accent"), max_length=60, blank=True)
    relatives_phone = models.CharField(_("relatives' phone"), max_length=60, blank=True, validators=[validate_phones])
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
    # The arrival of the latest stay, kept by Stay.save and the merge: the people list is ordered by it
    # from an index, where working it out from the stays took seconds over a province (bench_pages).
    # The indexes (newest first, nulls last) are PostgreSQL's: migration 0015 (SQLite has no NULLS LAST).
    last_arrived_at = models.DateTimeField(_("last arrival"), null=True, blank=True, editable=False)

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

    def age_conflict(self, on=None):
        """(age from the date of birth, estimated youngest, oldest) when the two disagree by more than
        AGE_CONFLICT_YEARS, else None. Both are kept: staff are asked which is right."""
        if not self.date_of_birth or self.age_min is None:
            return None
        years = years_between(self.date_of_birth, on or timezone.localdate())
        oldest = self.age_max if self.age_max is not None else self.age_min
        if self.age_min - AGE_CONFLICT_YEARS <= years <= oldest + AGE_CONFLICT_YEARS:
            return None
        return years, self.age_min, oldest

    @property
    def current_stay(self):
        return self.stays.order_by("-arrived_at", "-pk").first()

    @property
    def open_stay(self):
        return self.stays.filter(state__in=[StayState.RECEPTION, StayState.IN_CARE]).first()

    @property
    def is_deceased(self):
        return self.stays.filter(state=StayState.DECEASED).exists()

    @property
    def may_arrive(self):
        """A new arrival may be registered on this file (arrival_refusal says why not)."""
        return self.arrival_refusal() is None

    def arrival_refusal(self):
        """Why no arrival may be registered on this file now, or None: the one rule of a new arrival on
        an existing file (the intake page and shelter.services.register_arrival both ask it). Not on a
        file merged into another, not while a stay is open, never after a death."""
        if self.merged_into_id:
            return gettext("This file was merged into file %(file)s: register the arrival there.") % {
                "file": self.merged_into.file_no}
        stay = self.open_stay
        if stay is not None:
            return gettext("%(name)s is still in the station (arrived %(date)s): record that stay's departure "
                           "first.") % {"name": self.display_name,
                                        "date": timezone.localtime(stay.arrived_at).strftime("%Y-%m-%d %H:%M")}
        if self.is_deceased:
            return gettext("%(name)s died in the station's care: no new arrival can be registered on this file. "
                           "If this is someone else, register a new file.") % {"name": self.display_name}
        return None

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
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"name", "aliases"} & set(update_fields):
            PersonNameKey.objects.store(self)
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
        stations unless by an administrator (who sees every station; the surviving file keeps its station),
        a file merged already, or when both files have a stay still open (end the duplicate
        stay first, so the person is never in the station twice at once). Returns the stays moved.
        """
        reason = (reason or "").strip()
        if not by.has_perm("shelter.merge_person"):
            raise MergeError(gettext("You are not allowed to merge files."))
        if not reason:
            raise MergeError(gettext("Give the reason why these two files are the same person."))
        if survivor.pk == self.pk:
            raise MergeError(gettext("A file cannot be merged into itself."))
        if survivor.station_id != self.station_id and not by.sees_all_stations:
            raise MergeError(gettext("Only an administrator can merge two files of different stations."))
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
            Person.objects.filter(pk__in=[self.pk, survivor.pk]).refresh_last_arrival()
            self.merged_into, self.merged_at, self.merged_by, self.merge_reason = survivor, timezone.now(), by, reason
            self.save(update_fields=["merged_into", "merged_at", "merged_by", "merge_reason"])
            person_merged.send(sender=Person, merged=self, survivor=survivor, by=by)
        return moved


class MergeError(Refusal):
    """A merge refused, with a message for the user."""


class ArrivalRefused(Refusal):
    """An arrival that cannot be registered on this file (Person.arrival_refusal)."""


OLDEST_AGE = 120


# An estimated age this many years away from the age the date of birth (or ID number) gives is a conflict.
AGE_CONFLICT_YEARS = 3


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
    for name in ("age_min", "age_max"):
        if (getattr(instance, name) or 0) > OLDEST_AGE and name not in errors:
            errors[name] = _("An age above %(age)s is not possible: check the number.") % {"age": OLDEST_AGE}
    if instance.height_cm is not None and not 30 <= instance.height_cm <= 250:
        errors["height_cm"] = _("A height is between 30 and 250 cm: check the number.")
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

    "Enter one when one arrives", no silent back-filling: an entry made more than LATE_ENTRY_HOURS
    after the event needs a reason typed by the person entering it (clean() refuses it without one),
    is flagged late, and stays on the supervisors' list until a supervisor has marked it seen.
    Subclasses name the field that holds the event time.
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
    late_reason = models.CharField(
        _("reason for entering late"), max_length=300, blank=True,
        help_text=_("Needed only when this is entered long after it happened."),
    )
    late_seen_at = models.DateTimeField(_("seen by a supervisor"), null=True, blank=True, editable=False)
    late_seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("seen by"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )

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

    def entered_late(self):
        """Whether this entry is made more than LATE_ENTRY_HOURS after its event: the one rule of lateness."""
        occurred = self.occurred_at
        limit = datetime.timedelta(hours=settings.LATE_ENTRY_HOURS)
        return bool(occurred and self.entered_at and self.entered_at - occurred > limit)

    def clean(self):
        super().clean()
        if self.is_future(self.occurred_at, now=self.entered_at):
            raise ValidationError({self.OCCURRED_FIELD: FUTURE_MESSAGE})
        self.late_reason = (self.late_reason or "").strip()
        if self.entered_late() and not self.late_reason:
            raise ValidationError({"late_reason": late_reason_message()})

    def save(self, *args, **kwargs):
        self.late = self.entered_late()
        super().save(*args, **kwargs)

    def mark_late_seen(self, by):
        """A supervisor has seen this late entry: it leaves the list. Once; the conditional UPDATE keeps
        the first supervisor's name when two mark it at once. Returns whether this call marked it."""
        if not by.has_perm("shelter.review_late_entry"):
            raise LateEntryError(gettext("Only a supervisor may mark a late entry as seen."))
        now = timezone.now()
        marked = type(self).objects.filter(pk=self.pk, late=True, late_seen_at__isnull=True).update(
            late_seen_at=now, late_seen_by=by)
        if marked:
            self.late_seen_at, self.late_seen_by = now, by
        return bool(marked)


def late_reason_message():
    return gettext(
        "This is entered more than %(hours)s hours after it happened: say why it is entered late "
        "(it will be shown to a supervisor)."
    ) % {"hours": settings.LATE_ENTRY_HOURS}


class LateEntryError(Refusal):
    """A late entry's review refused, with a message for the user."""


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


class ReviewPoint(models.TextChoices):
    ADULT = "adult", _("adult past the usual stay")
    ONE_MONTH = "one_month", _("unidentified for a month")
    THREE_MONTHS = "three_months", _("unidentified for three months (household registration)")
    NEXT = "next", _("next review set by the last one")


class Stay(ConcurrentTransitionMixin, LedgerEntry):
    """One arrival at the station, from reception to departure or death."""

    OCCURRED_FIELD = "arrived_at"

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="stays")
    state = FSMField(_("state"), default=StayState.RECEPTION, choices=StayState.choices, protected=True, db_index=True)
    arrived_at = models.DateTimeField(_("arrived"), db_index=True, validators=[not_before_1900])
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
    # The next long-stay review (Stay.plan_review): when it falls due and why; the sweep's reminder is
    # claimed once per due time (review_reminded_at, cleared whenever the due time moves).
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True, editable=False)
    review_point = models.CharField(_("review"), max_length=12, choices=ReviewPoint.choices, blank=True,
                                    editable=False)
    review_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
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
        indexes = [
            # The review sweep and board: open stays whose review is due, one range on this index.
            models.Index(fields=["review_due_at"], condition=models.Q(review_due_at__isnull=False),
                         name="stay_review_due"),
        ]
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
            ("review_late_entry", _("Can mark late entries as seen")),
            ("review_stay", _("Can record long-stay reviews")),
        ]

    def __str__(self):
        return f"{self.person.display_name} {timezone.localtime(self.arrived_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.person.get_absolute_url() + f"#stay-{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        stay = super().from_db(db, field_names, values)
        # Whether save() must update the file's last arrival (a step on the stay leaves it, and its lock).
        stay._arrived_at_loaded = stay.__dict__.get("arrived_at")
        return stay

    def save(self, *args, **kwargs):
        """Keeps what the monthly figures count (age at arrival, repeat arrival), the next review and the
        file's last arrival (Person.last_arrived_at)."""
        adding = self._state.adding
        if adding:
            self.age_at_arrival = self.person.age_at(self.arrived_at)
            self.repeat_arrival = Stay.objects.filter(person=self.person_id, arrived_at__lt=self.arrived_at).exists()
        super().save(*args, **kwargs)
        if adding:  # an earlier stay entered late makes the later ones repeats
            Stay.objects.filter(person=self.person_id, arrived_at__gt=self.arrived_at, repeat_arrival=False).update(
                repeat_arrival=True)
        if adding or self.arrived_at != getattr(self, "_arrived_at_loaded", None):  # a new arrival, or corrected
            Person.objects.filter(pk=self.person_id).refresh_last_arrival()
            self._arrived_at_loaded = self.arrived_at
        self.plan_review()  # the arrival, the identity, the mental state or the end of the stay moved it

    @property
    def is_open(self):
        return self.state in (StayState.RECEPTION, StayState.IN_CARE)

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
        STAY_REVIEW_DAYS; anyone unidentified past one month and past three months."""
        arrived = self.arrived_at
        points = []
        youngest, _oldest = self.person.age_range()
        vulnerable = self.mental_state in (MentalState.DEMENTIA, MentalState.MENTAL_ILLNESS, MentalState.INTELLECTUAL)
        if not vulnerable and youngest is not None and youngest >= 16:
            points.append((arrived + datetime.timedelta(days=settings.STAY_REVIEW_DAYS), ReviewPoint.ADULT))
        if self.identity != Identity.CONFIRMED:
            points.append((arrived + datetime.timedelta(days=settings.UNIDENTIFIED_REVIEW_DAYS), ReviewPoint.ONE_MONTH))
            points.append((arrived + datetime.timedelta(days=settings.HOUSEHOLD_REGISTRATION_REVIEW_DAYS),
                           ReviewPoint.THREE_MONTHS))
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
        field=state, source=[StayState.RECEPTION, StayState.IN_CARE], target=StayState.DEPARTED,
        permission="shelter.discharge_stay", custom={"label": _("Record departure")},
    )
    def depart(self, departure, counted_out=None, by=None, reason=""):
        """The person leaves. Every belonging counted in is counted out, item by item (`counted_out`:
        {belonging pk: (outcome, handed to whom)}): nothing is assumed returned. The departure and the
        items counted out are the step's own record, saved with it; what follows from it for other
        records (a transfer to another station, its notification) is the service's
        (shelter.services.depart_stay)."""
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
        departure.save()
        for item in items:
            item.save()
        self.ended_at = departure.departed_at

    @transition(
        field=state, source=[StayState.RECEPTION, StayState.IN_CARE], target=StayState.DECEASED,
        permission="shelter.record_death", custom={"label": _("Record death")},
    )
    def die(self, death, by=None, reason=""):
        """The death is the step's own record, saved with it; reporting it up the chain is the service's
        (shelter.services.record_death)."""
        death.stay = self
        death.entered_by = by
        death.full_clean()
        death.save()
        self.ended_at = death.died_at


class BelongingOutcome(models.TextChoices):
    RETURNED = "returned", _("returned to the person")
    KEPT = "kept", _("kept by the station")
    HANDED = "handed", _("handed to someone else")


class Belonging(models.Model):
    """What the person carried: counted in at intake, counted out at departure, item by item."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="belongings")
    item = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1, validators=[MaxValueValidator(32767)])
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    outcome = models.CharField(_("counted out"), max_length=10, choices=BelongingOutcome.choices, blank=True)
    handed_to = models.CharField(_("handed to"), max_length=100, blank=True,
                                 help_text=_("Name and relation or unit of whoever took it."))
    counted_out_at = models.DateTimeField(_("counted out on"), null=True, blank=True)
    counted_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("belonging")
        verbose_name_plural = _("belongings")

    def __str__(self):
        return f"{self.item} × {self.quantity}"

    def count_out(self, outcome, handed_to, at, by):
        self.outcome, self.handed_to = outcome or "", (handed_to or "").strip()
        self.counted_out_at, self.counted_out_by = at, by
        self.returned_at = at if outcome == BelongingOutcome.RETURNED else None

    def clean(self):
        super().clean()
        if self.counted_out_at is None:
            return
        if not self.outcome:
            raise ValidationError({"outcome": _("Say what became of this item: returned, kept by the station or "
                                                "handed to someone.")})
        if self.outcome == BelongingOutcome.HANDED and not self.handed_to:
            raise ValidationError({"handed_to": _("Say to whom this item was handed.")})

    @property
    def counted_out_text(self):
        if self.outcome == BelongingOutcome.HANDED:
            return _("handed to %(whom)s") % {"whom": self.handed_to}
        return self.get_outcome_display()


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
    Saving one plans the stay's next review."""

    OCCURRED_FIELD = "reviewed_at"

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="reviews")
    point = models.CharField(_("review"), max_length=12, choices=ReviewPoint.choices, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed on"), default=timezone.now, validators=[not_before_1900])
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT,
                                 related_name="+")
    decision = models.CharField(_("decision"), max_length=12, choices=ReviewDecision.choices)
    next_review_on = models.DateField(_("next review"), null=True, blank=True, validators=[not_before_1900])
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
    given_at = models.DateTimeField(_("when"), default=timezone.now, validators=[not_before_1900])
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
    departed_at = models.DateTimeField(_("time of departure"), default=timezone.now, validators=[not_before_1900])
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
    died_at = models.DateTimeField(_("time of death"), validators=[not_before_1900])
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


class TransferState(models.TextChoices):
    PROPOSED = "proposed", _("waiting for the receiving station")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")


class TransferQuerySet(models.QuerySet):
    def for_user(self, user):
        """A transfer is seen by both stations (administrators see all)."""
        if user.sees_all_stations:
            return self
        return self.filter(models.Q(from_station=user.station_id) | models.Q(to_station=user.station_id))


class Transfer(ConcurrentTransitionMixin, models.Model):
    """A person transferred to another station that uses Homeward: one file, handed over. The receiving
    station accepts it (the file moves there with its history, a stay opens, and the tracing case moves
    with the person) or refuses it with a reason. The sending station keeps a read-only view of the
    stay it recorded (shelter.selectors.sent_stay)."""

    stay = models.OneToOneField(Stay, on_delete=models.PROTECT, related_name="transfer", verbose_name=_("stay"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("person"))
    from_station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="transfers_out",
                                     verbose_name=_("from station"))
    to_station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="transfers_in",
                                   verbose_name=_("to station"))
    state = FSMField(_("state"), default=TransferState.PROPOSED, choices=TransferState.choices, protected=True,
                     db_index=True)
    requested_at = models.DateTimeField(_("transferred"), default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    refusal_reason = models.CharField(_("reason for refusing"), max_length=300, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_at"]
        permissions = [("receive_transfer", _("Can accept or refuse a transfer from another station"))]

    def __str__(self):
        return f"{self.person.file_no}: {self.from_station} → {self.to_station}"

    def get_absolute_url(self):
        return reverse("shelter:transfer", args=[self.pk])

    def of_receiving_station(self, by):
        return by is not None and (by.sees_all_stations or by.station_id == self.to_station_id)

    @transition(
        field=state, source=TransferState.PROPOSED, target=TransferState.ACCEPTED,
        permission=lambda instance, user: user.has_perm("shelter.receive_transfer") and instance.of_receiving_station(user),
        custom={"label": _("Accept the transfer")},
    )
    def accept(self, stay, by=None, reason=""):
        """The receiving station takes the person in: `stay` (not saved: its arrival time, staff in
        charge..., made from the sending stay by the service that takes the step) must be a valid stay
        after the departure, and the person may have no stay open. The service moves the file and
        opens the stay. Returns the new stay."""
        if Stay.objects.filter(person=self.person, state__in=[StayState.RECEPTION, StayState.IN_CARE]).exists():
            raise ValidationError(gettext("This person has a stay open: it must end before the transfer is accepted."))
        stay.full_clean(exclude=["state", "intake_token"], validate_constraints=False)
        if stay.arrived_at < self.stay.departure.departed_at.replace(second=0, microsecond=0):
            raise ValidationError({"arrived_at": gettext("The arrival is before the departure from the sending station.")})
        self.decided_at, self.decided_by = timezone.now(), by
        return stay

    @transition(
        field=state, source=TransferState.PROPOSED, target=TransferState.REFUSED,
        permission=lambda instance, user: user.has_perm("shelter.receive_transfer") and instance.of_receiving_station(user),
        custom={"label": _("Refuse the transfer")},
    )
    def refuse(self, by=None, reason=""):
        """The receiving station does not take the person in; why is said. The file stays with the sender."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": gettext("Say why the transfer is refused.")})
        self.refusal_reason, self.decided_at, self.decided_by = reason, timezone.now(), by


class ReportRecipient(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("civil-affairs bureau")
    POLICE = "police", _("police")
    OTHER = "other", _("other authority")


class DeathReportSending(LedgerEntry):
    """The death report sent up the chain: when, to whom, how (civil-affairs bureau, police)."""

    OCCURRED_FIELD = "sent_at"

    death = models.ForeignKey(Death, on_delete=models.PROTECT, related_name="sendings")
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, validators=[not_before_1900])
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


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def unread_count(self, user):
        return self.filter(user=user).unread().count()

    def mark_read(self, user, pks=None):
        """Mark the user's unread notifications (or those among `pks`) read now; returns how many."""
        rows = self.filter(user=user).unread()
        if pks is not None:
            rows = rows.filter(pk__in=pks)
        return rows.update(read_at=timezone.now())


class Notification(models.Model):
    """A message to a staff member: kept as a record, and sent by e-mail and SMS after commit.
    Unread until its user opens it or marks it read (the header counts the unread ones).

    It stores a message code (`kind`, registered in lib.messages by the app that sends it) and its
    parameters, never a sentence: `subject` and `body` are worded when read, in the reader's language.
    Rows from before the codes (`params` NULL) keep the sentences they were written with."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=30, db_index=True)
    params = models.JSONField(null=True, blank=True)
    # The sentences of rows written before the codes (shown as they were stored).
    stored_subject = models.CharField(max_length=200, blank=True, db_column="subject")
    stored_body = models.TextField(blank=True, db_column="body")
    url = models.CharField(max_length=200, blank=True)
    # What an SMS may name: a file number or a report reference, never a name (lib.notify.sms_text).
    reference = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def worded(self, language=None):
        """(subject, body) in `language` (default: the active one, the reader's)."""
        if self.params is None or not messages.known(self.kind):
            return self.stored_subject, self.stored_body
        subject, body = messages.render(self.kind, self.params, language)
        return one_line(subject)[:200], body

    @property
    def subject(self):
        return self.worded()[0]

    @property
    def body(self):
        return self.worded()[1]

    @classmethod
    def send(cls, users, kind, params=None, url="", station=None, reference=""):
        """Record the messages (a registered code and its parameters, JSON); e-mail and SMS leave after
        the commit (shelter.delivery), worded in the recipient's language. The e-mail carries subject
        and body; the SMS only the `reference` (file number) and the link."""
        if not messages.known(kind):
            raise ValueError(f"unknown message code {kind!r}")
        params = dict(params or {})
        rows = [cls(user=u, station=station, kind=kind, params=params, url=url, reference=reference) for u in users]
        cls.objects.bulk_create(rows)
        deliver_after_commit(rows)
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
    reason = models.TextField(blank=True)  # as the user typed it
    # A reason the system gave (lib.messages.Said): its code and parameters, worded when read.
    reason_code = models.CharField(max_length=40, blank=True)
    reason_params = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transition history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.source_state} → {self.state}"

    @property
    def reason_text(self):
        """The reason in the reader's language when the system gave it, else as typed."""
        if self.reason_code and messages.known(self.reason_code):
            return messages.render(self.reason_code, self.reason_params)[0]
        return self.reason

    @classmethod
    def for_object(cls, obj):
        return cls.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class AuditEvent(models.Model):
    """Every view and change of a person's file, every list and search of people, every face search and
    export, every log-in, log-out and refused request: who, what, when, from where. Never changed nor
    deleted: the database itself refuses it (migration shelter 0009: triggers on SQLite and PostgreSQL)."""

    objects = StationQuerySet.as_manager()  # a station's supervisors read their own station's log

    VIEW = "view"
    LIST = "list"
    CREATE = "create"
    CHANGE = "change"
    TRANSITION = "transition"
    FACE_SEARCH = "face_search"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    REFUSED = "refused"
    ACTIONS = [
        (VIEW, _("looked at a file")), (LIST, _("listed or searched")), (CREATE, _("created")),
        (CHANGE, _("changed")), (TRANSITION, _("took a step")), (FACE_SEARCH, _("face search")),
        (EXPORT, _("exported or printed")), (LOGIN, _("logged in")), (LOGIN_FAILED, _("failed log-in")),
        (LOGOUT, _("logged out")), (REFUSED, _("refused request")),
    ]

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
            ip=client_ip(request),
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


class Heartbeat(models.Model):
    """The last time a periodic piece of work ran (the deadline sweep, run by the worker when beat asks):
    the health check says the worker or beat is down when it is too old."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name, at=None):
        cls.objects.update_or_create(name=name, defaults={"at": at or timezone.now()})

    @classmethod
    def last(cls, name):
        return cls.objects.filter(name=name).values_list("at", flat=True).first()
