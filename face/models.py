"""Portraits of the people in the register: several per person, one the main one.

Every portrait keeps its quality verdict (face.quality) and, when accepted, its 128-d encoding
(face.encoding), which face.search looks through. A portrait that failed the check is kept, with its
reasons, but is not encoded and cannot be the main portrait unless a supervisor overrides it with a
reason (Portrait.make_main: the rule lives there and only there). Taking a portrait and having it
encoded are face.services; this module only holds the records and their rules.
"""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from lib.errors import Refusal
from shelter.models import Person, StationQuerySet

from .fields import EmbeddingField
from .verdicts import messages_for


class PortraitError(Refusal):
    """A refusal a staff member can read (translated message)."""


class PortraitRefused(PortraitError):
    """The file is not a usable picture at all (not an image, truncated, too large): nothing was stored."""

    def __init__(self, report):
        super().__init__(" ".join(report.messages))
        self.report = report


# Portrait column -> the person's field it copies (Portrait.person_*).
PERSON_FACTS = {"person_station_id": "station_id", "person_sex": "sex", "person_date_of_birth": "date_of_birth",
                "person_age_min": "age_min", "person_age_max": "age_max"}


class PortraitQuerySet(StationQuerySet):
    station_path = "person__station"

    def main_for(self, person):
        return self.filter(person=person, is_main=True).first()

    def move_person(self, merged, survivor):
        """Two files were merged: the merged file's portraits follow the surviving one, which keeps its
        own main portrait if it has one (one main portrait per person)."""
        portraits = self.filter(person=merged)
        if self.filter(person=survivor, is_main=True).exists():
            portraits.update(is_main=False)
        moved = portraits.update(person=survivor)
        self.copy_person_facts([survivor.pk])
        return moved

    def copy_person_facts(self, person_ids):
        """Copy these people's searched facts (PERSON_FACTS) onto their portraits, in one UPDATE. An
        encoded portrait's encoded_at moves too: the numpy search cache of every process sees it."""
        portraits = self.filter(person__in=person_ids)
        values = {copy: models.Subquery(Person.objects.filter(pk=models.OuterRef("person_id")).values(fact)[:1])
                  for copy, fact in PERSON_FACTS.items()}
        changed = portraits.filter(encoded_at__isnull=True).update(**values)
        return changed + portraits.filter(encoded_at__isnull=False).update(**values, encoded_at=timezone.now())


class Portrait(models.Model):
    WEBCAM = "webcam"
    UPLOAD = "upload"
    SOURCES = [(WEBCAM, _("webcam")), (UPLOAD, _("uploaded file"))]

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="portraits")
    image = models.ImageField(_("image"), upload_to="portraits/%Y/%m/")
    source = models.CharField(_("source"), max_length=10, choices=SOURCES, default=UPLOAD)
    taken_at = models.DateTimeField(_("taken"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("portrait", "taken by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    is_main = models.BooleanField(_("main portrait"), default=False)
    # The capture page's visit that took it (a random id made by the page): the person's timeline shows
    # the attempts of one visit as one line ("3 attempts, accepted at the 4th"). Null for other ways in.
    session = models.UUIDField(_("capture session"), null=True, blank=True, editable=False, db_index=True)
    # Quality verdict (face.quality.check_portrait): accepted, reason codes, and the measured numbers.
    accepted = models.BooleanField(_("quality accepted"), null=True)
    reasons = models.JSONField(_("quality reasons"), default=list, blank=True)
    measures = models.JSONField(_("quality measures"), default=dict, blank=True)
    # A supervisor may make a failed portrait the main one, with a reason.
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    # A supervisor may hide a failed shot from the file's list (issue 25): kept, audited, never deleted.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True, editable=False)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("hidden by"), null=True, blank=True,
                                  editable=False, on_delete=models.PROTECT, related_name="+")
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    # Made by the encoder named in `encoder` ("name@version", face.encoders); every stored encoding of the
    # table is the same encoder's (the one searches use). While a new encoder re-encodes
    # (face.reencoding), its vectors wait in spare_encoding until every portrait has one.
    encoding = EmbeddingField(null=True, blank=True, editable=False, dimensions=None)
    encoder = models.CharField(max_length=40, blank=True, default="", editable=False, db_index=True)
    spare_encoding = EmbeddingField(null=True, blank=True, editable=False, dimensions=None)
    spare_encoder = models.CharField(max_length=40, blank=True, default="", editable=False, db_index=True)
    # Indexed: the numpy search backend asks for max(encoded_at) to see other processes' changes.
    encoded_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # Recorded before the encoding is queued, cleared by whoever does it (lib.queue): the catch-up finds
    # what the queue lost.
    encoding_requested_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # When and by whom it was last made the main portrait (the person's timeline shows it).
    made_main_at = models.DateTimeField(_("made main"), null=True, blank=True, editable=False)
    made_main_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made main by"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )

    # The person's facts that face searches filter by, copied here (face.search; kept in step by
    # PortraitQuerySet.copy_person_facts, called from face/receivers.py whenever the person's file is
    # saved, transferred or merged): an HNSW index scan can then test them on the portrait row itself
    # instead of joining the person for each graph node, and the numpy backend holds them as arrays.
    # Empty means unknown, which never excludes anyone.
    person_station = models.ForeignKey(
        "shelter.Station", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+",
        db_constraint=False,
    )
    person_sex = models.CharField(max_length=1, default="U", editable=False)
    person_date_of_birth = models.DateField(null=True, blank=True, editable=False)
    person_age_min = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    person_age_max = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    objects = PortraitQuerySet.as_manager()

    class Meta:
        verbose_name = _("portrait")
        verbose_name_plural = _("portraits")
        ordering = ["-is_main", "-taken_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(is_main=True), name="one_main_portrait_per_person"
            )
        ]
        permissions = [("override_quality", _("Can make a portrait that failed the quality check the main one"))]

    def __str__(self):
        return f"{self.person} {timezone.localtime(self.taken_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.person_id:  # later changes: PortraitQuerySet.copy_person_facts
            for copy, fact in PERSON_FACTS.items():
                setattr(self, copy, getattr(self.person, fact))
        super().save(*args, **kwargs)

    @property
    def encoding_pending(self):
        """Its encoding is asked for and not stored yet (the main portrait is always encoded)."""
        return self.encoding_requested_at is not None or (self.is_main and self.encoded_at is None)

    def get_absolute_url(self):
        return reverse("face:portrait", args=[self.pk])

    @property
    def encodable(self):
        """Only portraits fit for recognition are encoded: accepted, or overridden by a supervisor."""
        return bool(self.accepted or self.override_by_id)

    @property
    def needs_encoding(self):
        return self.encodable and self.encoding is None

    def hide(self, by, reason):
        """Hide a failed shot from the file's list: only a failed one that is not the main portrait, by a
        user who may override the quality check, with a reason. The portrait and its picture are kept.
        Raises PortraitError."""
        if not by.has_perm("face.override_quality"):
            raise PortraitError(gettext("Only a supervisor may hide a failed shot."))
        if self.accepted or self.is_main:
            raise PortraitError(gettext("Only a failed shot that is not the main portrait can be hidden."))
        reason = (reason or "").strip()
        if not reason:
            raise PortraitError(gettext("Give the reason for hiding this shot."))
        self.hidden_at, self.hidden_by, self.hidden_reason = timezone.now(), by, reason

    def make_main(self, by, reason=""):
        """Make this the person's main portrait: the one rule about main portraits.

        Any portrait that passed the quality check may be made main by whoever may change portraits; one
        that failed only by a user with face.override_quality, and only with a reason, which is kept
        (override_by, override_reason), and it is then encoded too (face.services.choose_main asks for
        it). Raises PortraitError.
        """
        if not by.has_perm("face.change_portrait"):
            raise PortraitError(gettext("You are not allowed to choose the main portrait."))
        reason = (reason or "").strip()
        if not self.accepted:
            if not by.has_perm("face.override_quality"):
                raise PortraitError(gettext(
                    "This portrait failed the quality check, so it cannot be the main portrait. "
                    "Take a better one, or ask a supervisor to override the check with a reason."
                ))
            if not reason:
                raise PortraitError(gettext(
                    "This portrait failed the quality check: give the reason for using it anyway."
                ))
        if self.is_main:
            return
        with transaction.atomic():
            # Lock the person's row so that two people choosing at once take turns.
            Person.objects.select_for_update().only("pk").get(pk=self.person_id)
            Portrait.objects.filter(person_id=self.person_id, is_main=True).update(is_main=False)
            self.is_main = True
            self.made_main_at = timezone.now()
            self.made_main_by = by
            fields = ["is_main", "made_main_at", "made_main_by"]
            if not self.accepted:
                self.override_by, self.override_reason = by, reason
                fields += ["override_by", "override_reason"]
            self.save(update_fields=fields)

    @property
    def reason_messages(self):
        return messages_for(self.reasons, self.measures)
