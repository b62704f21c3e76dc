"""Have we seen this person before? Possible second files of one person, by description and by face.

- At intake, before a new file is made: possible_duplicates() compares what was typed (name, ID
  number, sex, age, place) with the register of every station, and the intake page warns "this may be
  the same person as file X (seen at station Y on date Z)". Registering anyway records the pairs as
  judged different (registered_apart), so they are not raised again.
- Once a portrait is encoded: face_duplicates() looks for the nearest other residents' portraits
  (face.search.nearest, the person himself excluded) and records a PossibleDuplicate, shown as a
  warning on both files.

Staff of the station merge two files of theirs (shelter.models.Person.merge_into); this module moves
what tracing and face keep per person when that happens (person_merged).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from face.models import Portrait
from face.search import nearest
from shelter.models import Person, person_merged
from shelter.timeline import Event

from .candidates import Candidate
from .finding import description_matches, in_language
from .matching import Description
from .reports import FamilyReport


class DuplicateState(models.TextChoices):
    OPEN = "open", _("to be checked")
    DISMISSED = "dismissed", _("not the same person")
    MERGED = "merged", _("merged")


class FoundBy(models.TextChoices):
    INTAKE = "intake", _("description at intake")
    FACE = "face", _("face")


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

    @transition(field=state, source=[DuplicateState.OPEN, DuplicateState.DISMISSED], target=DuplicateState.MERGED,
                custom={"label": _("Merged")})
    def mark_merged(self, by=None, reason=""):
        self.reviewed_by, self.reviewed_at, self.review_reason = by, timezone.now(), reason


@dataclass
class Duplicate:
    """A file that may be the person being registered, with what the intake page says of it."""

    person: Person
    score: float
    fields: list
    last_stay: object

    @property
    def station(self):
        return self.person.station

    @property
    def reasons(self):
        """The reasons in the reader's language."""
        return [in_language(f["reason"]) for f in self.fields]


def possible_duplicates(person):
    """Files of any station that may be the same person as `person` (not saved yet, or saved: it is
    left out), from the description; [] when neither a name nor an ID number was given."""
    found = description_matches(Description.of_person(person), person.id_number, exclude=[person.pk])
    return [Duplicate(p, s.score, s.fields, p.current_stay) for p, s in found]


def registered_apart(person, duplicates, by):
    """The intake went ahead after the warning: these pairs were judged different people."""
    reason = str(_("Registered as a different person at intake, after the warning."))
    for duplicate in duplicates:
        warning = PossibleDuplicate.record(person, duplicate.person, FoundBy.INTAKE)
        if warning.state == DuplicateState.OPEN:
            warning.dismiss(by=by, reason=reason)  # the desk's own judgement, made on the intake page
            warning.save()


def face_duplicates(portrait):
    """Other residents whose portrait is near this one: [(Portrait, distance)], each recorded as a
    PossibleDuplicate (still open unless already judged)."""
    hits = nearest(portrait.encoding, k=settings.TRACING_DUPLICATE_CANDIDATES, exclude_person=portrait.person,
                   max_distance=settings.TRACING_CANDIDATE_DISTANCE)
    hits = [(p, d) for p, d in hits if not p.person.merged_into_id]
    for other, distance in hits:
        PossibleDuplicate.record(portrait.person, other.person, FoundBy.FACE, face_distance=distance)
    return hits


def warnings_for(person):
    """Open warnings on a file, nearest face first."""
    return (PossibleDuplicate.objects.filter(models.Q(person=person) | models.Q(other=person), state=DuplicateState.OPEN)
            .select_related("person__station", "other__station").order_by(models.F("face_distance").asc(nulls_last=True)))


# --- Merging two files (Person.merge_into) ----------------------------------------------------------


@receiver(person_merged)
def move_with_merge(sender, merged, survivor, by, **kwargs):
    """What face and tracing keep per person follows the surviving file, inside the merge's transaction.

    Portraits: the surviving file keeps its main portrait if it has one. Candidates: the surviving file
    takes the merged file's, except for a report that already has the surviving file as candidate
    (that row, reviewed or not, stays as it was). Warnings about the two files: theirs is "merged",
    the others move unless the surviving file already has one with the same file.
    """
    portraits = Portrait.objects.filter(person=merged)
    if Portrait.objects.filter(person=survivor, is_main=True).exists():
        portraits.update(is_main=False)
    portraits.update(person=survivor)
    taken = Candidate.objects.filter(person=survivor).values("report")
    Candidate.objects.filter(person=merged).exclude(report__in=taken).update(person=survivor)
    FamilyReport.objects.filter(matched_person=merged).update(matched_person=survivor)
    reason = str(_("Files merged: %(reason)s") % {"reason": merged.merge_reason})
    for warning in PossibleDuplicate.objects.filter(models.Q(person=merged) | models.Q(other=merged)):
        far = warning.other_side(merged)
        if far.pk == survivor.pk:
            if warning.state != DuplicateState.MERGED:
                warning.mark_merged(by=by, reason=reason)
                warning.save()
            continue
        person, other = PossibleDuplicate.ordered(survivor, far)
        if not PossibleDuplicate.objects.filter(person=person, other=other).exists():
            PossibleDuplicate.objects.filter(pk=warning.pk).update(person=person, other=other)


def merge_events(person):
    """Timeline: files merged into this one, and this file merged into another."""
    if person.merged_into_id:
        target = person.merged_into
        yield Event(person.merged_at, "merge", _("File merged into %(file)s") % {"file": target.file_no},
                    person.merge_reason, person.merged_by)
    for merged in person.merged_files.select_related("merged_by"):
        yield Event(merged.merged_at, "merge", _("File %(file)s merged into this file") % {"file": merged.file_no},
                    merged.merge_reason, merged.merged_by)

