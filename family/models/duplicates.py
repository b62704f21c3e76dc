"""Possible duplicate files: two files that may be one person, and the judgement on them.

They are found at intake, by the description typed before a new file is made, and once a portrait is
encoded, by face (family.finding); registering anyway records the pairs as judged different
(family.services.registered_apart), so they are not raised again. A warning shows on both files until
staff dismiss it with a reason or merge the files (shelter.models.Person.merge_into).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from shelter.models import Person, StationQuerySet


class DuplicateState(models.TextChoices):
    OPEN = "open", _("to be checked")
    DISMISSED = "dismissed", _("not the same person")
    MERGED = "merged", _("merged")


class FoundBy(models.TextChoices):
    INTAKE = "intake", _("description at intake")
    FACE = "face", _("face")


class PossibleDuplicateQuerySet(StationQuerySet):
    def of_station(self, station_id):
        """A station sees and judges the warnings where either file is one of its people."""
        return models.Q(person__station=station_id) | models.Q(other__station=station_id)

    def about(self, person):
        """Open warnings on a file, nearest face first."""
        return (self.filter(models.Q(person=person) | models.Q(other=person), state=DuplicateState.OPEN)
                .select_related("person__station", "other__station")
                .order_by(models.F("face_distance").asc(nulls_last=True)))


class PossibleDuplicate(ConcurrentTransitionMixin, models.Model):
    """Two files that may be one person: `person` is the newer file, `other` the older one."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="duplicate_warnings")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    found_by = models.CharField(_("found by"), max_length=10, choices=FoundBy.choices)
    face_distance = models.FloatField(_("face distance"), null=True, blank=True)
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    state = FSMField(_("state"), default=DuplicateState.OPEN, choices=DuplicateState.choices, protected=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = PossibleDuplicateQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate file")
        verbose_name_plural = _("possible duplicate files")
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="one_warning_per_pair")]

    def __str__(self):
        return f"{self.person.file_no} ~ {self.other.file_no}"

    @staticmethod
    def ordered(a, b):
        """(newer, older) file of a pair: one row per pair whichever side found it."""
        return (a, b) if a.pk > b.pk else (b, a)

    @classmethod
    def record(cls, a, b, found_by, face_distance=None):
        """The pair's warning, created if new; a nearer face distance is kept. A judged pair stays judged."""
        person, other = cls.ordered(a, b)
        warning, created = cls.objects.get_or_create(person=person, other=other, defaults={
            "found_by": found_by, "face_distance": face_distance})
        if not created and face_distance is not None and (warning.face_distance is None or face_distance < warning.face_distance):
            cls.objects.filter(pk=warning.pk).update(face_distance=face_distance)
        return warning

    def other_side(self, person):
        return self.other if person.pk == self.person_id else self.person

    @transition(field=state, source=DuplicateState.OPEN, target=DuplicateState.DISMISSED,
                permission="shelter.merge_person", custom={"label": _("Not the same person")})
    def dismiss(self, by=None, reason=""):
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Give the reason why these are two different people.")})
        self.reviewed_by, self.reviewed_at, self.review_reason = by, timezone.now(), reason.strip()

    @transition(field=state, source=DuplicateState.DISMISSED, target=DuplicateState.OPEN,
                permission="shelter.second_check", custom={"label": _("Open again")})
    def reopen(self, by=None, reason=""):
        """A dismissal a second person did not agree with (family.services.duplicate_checked)."""
        self.reviewed_by, self.reviewed_at, self.review_reason = None, None, ""

    @transition(field=state, source=[DuplicateState.OPEN, DuplicateState.DISMISSED], target=DuplicateState.MERGED,
                custom={"label": _("Merged")})
    def mark_merged(self, by=None, reason=""):
        self.reviewed_by, self.reviewed_at, self.review_reason = by, timezone.now(), reason
