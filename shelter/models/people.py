"""A person's lifelong file, the search keys of its names, and the rules of what describes a person."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from lib import idcard
from lib.dates import in_register_years, years_before, years_between
from lib.errors import Refusal
from lib.names import KEY_LENGTH, name_key, name_keys
from lib.phones import validate_phones
from lib.text import SingleLineFields

from .stations import Station, StationQuerySet
from .stays import Stay, StayState


class PersonQuerySet(StationQuerySet):
    def with_current_stay(self):
        """The state of each file's latest stay (its arrival is the column last_arrived_at). A subquery
        per row: the database works it out for the rows shown, or, when filtered on, for those scanned."""
        latest = Stay.objects.filter(person=models.OuterRef("pk")).order_by("-arrived_at", "-pk")
        return self.annotate(current_state=models.Subquery(latest.values("state")[:1]))

    def refresh_last_arrival(self):
        """Set last_arrived_at from the stays (shelter.services.upkeep.keep_last_arrival and the merge call it;
        so can a bulk import)."""
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
        """Make the file's keys those of its name and aliases now (shelter.services.upkeep.keep_name_keys)."""
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
    an index, instead of reading the register. Kept by shelter.services.upkeep.keep_name_keys (called by
    the services that save a name); never edited by hand."""

    person = models.ForeignKey("Person", on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=KEY_LENGTH, db_index=True)

    objects = PersonNameKeyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="one_name_key_per_person")]

    def __str__(self):
        return self.key


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")
    UNKNOWN = "U", _("unknown")


class Build(models.TextChoices):
    SLIM = "slim", _("slim")
    MEDIUM = "medium", _("medium")
    STOCKY = "stocky", _("stocky")
    HEAVY = "heavy", _("heavy")


class Fingerprints(models.TextChoices):
    """Whether the person's fingerprints were taken (for the national system), or why not."""

    TAKEN = "taken", pgettext_lazy("fingerprints", "taken")
    NOT_TAKEN = "not_taken", pgettext_lazy("fingerprints", "not taken")


class Person(SingleLineFields, models.Model):
    """The lifelong file of one person. What is not known is left blank; ages may be an estimate."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT)
    file_no = models.CharField(_("file number"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("Leave blank if unknown."))
    aliases = models.CharField(
        _("other names"), max_length=200, blank=True, help_text=_("Nicknames or names given, separated by commas.")
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[in_register_years])
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
    # Fingerprints: taken (with the national system's reference), or not taken and why; blank: not recorded.
    fingerprints = models.CharField(_("fingerprints"), max_length=10, choices=Fingerprints.choices, blank=True)
    fingerprints_reference = models.CharField(
        _("fingerprint reference in the national system"), max_length=60, blank=True)
    fingerprints_not_taken_reason = models.CharField(
        _("why the fingerprints were not taken"), max_length=200, blank=True,
        help_text=_("e.g. “refused”, “injured hands”, “the police's device was out of order”."))
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
    # The arrival of the latest stay, kept by the arrival's services (shelter.services.upkeep.keep_last_arrival)
    # and the merge: the people list is ordered by it from an index, where working it out from the stays took
    # seconds over a province (bench_pages).
    # The indexes (newest first, nulls last) are PostgreSQL's: migration 0015 (SQLite has no NULLS LAST).
    last_arrived_at = models.DateTimeField(_("last arrival"), null=True, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    # Fields whose changes are kept as corrections in the audit log (see AuditEvent.record_changes).
    TRACKED_FIELDS = (
        "name", "aliases", "sex", "date_of_birth", "age_min", "age_max", "id_number", "ethnicity",
        "native_place", "dialect", "relatives_phone", "height_cm", "build", "hair", "marks", "scars",
        "tattoos", "disability", "fingerprints", "fingerprints_reference", "fingerprints_not_taken_reason",
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
        errors = {**check_identity_fields(self), **self.fingerprint_errors()}
        if errors:
            raise ValidationError(errors)

    def fingerprint_errors(self):
        """{field: message}: fingerprints not taken need the reason; the reason and the reference go with
        their own answer."""
        errors = {}
        self.fingerprints_not_taken_reason = (self.fingerprints_not_taken_reason or "").strip()
        self.fingerprints_reference = (self.fingerprints_reference or "").strip()
        if self.fingerprints == Fingerprints.NOT_TAKEN and not self.fingerprints_not_taken_reason:
            errors["fingerprints_not_taken_reason"] = _("Say why the fingerprints were not taken.")
        if self.fingerprints != Fingerprints.NOT_TAKEN and self.fingerprints_not_taken_reason:
            errors["fingerprints_not_taken_reason"] = _("A reason is only for fingerprints not taken.")
        if self.fingerprints != Fingerprints.TAKEN and self.fingerprints_reference:
            errors["fingerprints_reference"] = _("A reference in the national system is only for fingerprints taken.")
        return errors

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
        return self.stays.open().first()

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
        if self.stays.filter(state=StayState.IN_TRANSFER).exists():
            return gettext("%(name)s is in transfer to another station: the receiving station accepts or "
                           "refuses the transfer first.") % {"name": self.display_name}
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
        """A new file takes the next number of its station. The name keys and the stays' ages are kept by
        the services that change them (shelter.services.upkeep), not here."""
        if not self.file_no:
            self.file_no = self.station.allocate_file_no(timezone.localdate().year)
        super().save(*args, **kwargs)

    def merge_into(self, survivor, by, reason):
        """This file is a second file of `survivor`'s person: it is kept, marked merged (this row only), so
        its history and the audit log that points at it stay readable. shelter.services.merge_files calls
        it, then moves the stays (and with them their tracing cases) to the surviving file, keeps what the
        register works out, and tells the other apps (person_merged: portraits, family-report candidates).
        The surviving file's details are not overwritten: what only this file knew is corrected into it
        by hand, with the usual correction log.

        Refused (MergeError, nothing changed): without shelter.merge_person, without a reason, across
        stations unless by an administrator (who sees every station; the surviving file keeps its station),
        a file merged already, or when both files have a stay still open (end the duplicate
        stay first, so the person is never in the station twice at once). Call it inside the merge's
        transaction: both rows stay locked until it ends.
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
            if all(Stay.objects.filter(person=p).open().exists() for p in (self, survivor)):
                raise MergeError(gettext(
                    "Both files have a stay still open. Record the departure of the duplicate stay first "
                    "(kind “other”, noting the double registration), then merge."
                ))
            self.merged_into, self.merged_at, self.merged_by, self.merge_reason = survivor, timezone.now(), by, reason
            self.save(update_fields=["merged_into", "merged_at", "merged_by", "merge_reason"])


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
