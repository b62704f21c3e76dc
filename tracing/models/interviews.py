"""Interviews: what a person says of themself, in their own words, and the clues staff take from it.

An Interview hangs on a stay (several per stay): when, who asked, the language or dialect, the
interpreter, the words as typed and what the interviewer concluded. The clues tracing.clues finds in
the words are stored as proposed Clues; staff accept or dismiss each (a transition: who and when), and
an accepted clue keeps the sentence it came from. Accepted places and names rank the family reports
(family.finding.rank_reports) and may go on the notice and the letter to the county's police.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from lib.dates import in_register_years
from lib.recordings import is_recording
from lib.text import SingleLineFields
from shelter.models import StationQuerySet, Stay

AUDIO_EXTENSIONS = FileExtensionValidator(["mp3", "m4a", "wav", "ogg", "amr", "aac"])
# The first bytes of the audio kinds accepted: a recording is checked by its content, not its name.
def check_audio(file):
    """A recording of the interview: an audio file by its content (MP3, M4A, WAV, OGG, AMR, AAC), at most
    settings.INTERVIEW_AUDIO_MAX_MB."""
    limit = settings.INTERVIEW_AUDIO_MAX_MB
    if file.size > limit * 2**20:
        raise ValidationError(_("The recording is too large (%(size)s MB; at most %(limit)s MB).") % {
            "size": round(file.size / 2**20, 1), "limit": limit})
    file.seek(0)
    data = file.read()
    file.seek(0)
    if not is_recording(data):  # by its structure (lib.recordings), not its first bytes
        raise ValidationError(_("This file is not a sound recording the station can keep (MP3, M4A, WAV, OGG, AMR)."))


class InterviewQuerySet(StationQuerySet):
    station_path = "stay__person__station"


class Interview(SingleLineFields, models.Model):
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="interviews")
    held_at = models.DateTimeField(_("held at"), default=timezone.now, validators=[in_register_years])
    interviewer = models.CharField(_("interviewer"), max_length=60)
    language = models.CharField(_("language or dialect used"), max_length=60, blank=True,
                                help_text=_("e.g. Mandarin, Hunan dialect, sign language"))
    interpreter = models.CharField(_("interpreter"), max_length=60, blank=True)
    words = models.TextField(_("the person's words"), help_text=_("As the person said them, as closely as possible."))
    conclusion = models.TextField(_("what the interviewer concluded"), blank=True)
    # Kept privately like the scans: served only to the person's station, each listening audited.
    audio = models.FileField(_("recording (optional)"), upload_to="interviews/%Y/%m/", blank=True,
                             validators=[AUDIO_EXTENSIONS, check_audio])
    show_on_notice = models.BooleanField(_("show accepted places on the tracing notice"), default=False)
    entered_at = models.DateTimeField(_("entered"), default=timezone.now, editable=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   editable=False, on_delete=models.PROTECT, related_name="+")

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-held_at", "-pk"]
        permissions = [("judge_clue", _("Can accept or dismiss the clues of an interview"))]

    def __str__(self):
        return f"{self.stay.person.file_no} {timezone.localtime(self.held_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("tracing:interview", args=[self.pk])

    @staticmethod
    def proposes_identity_check(clues):
        """Whether these clues (an interview's, already loaded) hold a valid ID number not dismissed: the
        page then offers the police identity check."""
        return any(c.proposes_identity_check and c.state != ClueState.DISMISSED for c in clues)

    @staticmethod
    def names_a_place(clues):
        """Whether an accepted clue names a place (the letter to the county's police can be written)."""
        return any(c.state == ClueState.ACCEPTED and c.place_codes for c in clues)


class ClueKind(models.TextChoices):
    PLACE = "place", _("place")
    NAME = "name", _("personal name")
    KIN = "kin", _("relative")
    LANDMARK = "landmark", _("school, factory, market, river, village")
    PHONE = "phone", _("phone number")
    ID_NUMBER = "id_number", _("ID number")
    ACCENT = "accent", _("accent word")


class ClueState(models.TextChoices):
    # In context: "accepted" alone is a transfer's 已接收 and a portrait's 合格 (issue 25).
    PROPOSED = "proposed", pgettext_lazy("clue", "proposed")
    ACCEPTED = "accepted", pgettext_lazy("clue", "accepted")
    DISMISSED = "dismissed", pgettext_lazy("clue", "dismissed")


class ClueQuerySet(StationQuerySet):
    station_path = "interview__stay__person__station"

    def accepted(self):
        return self.filter(state=ClueState.ACCEPTED)


class Clue(ConcurrentTransitionMixin, models.Model):
    """One clue: its kind, the words it stands for, the normalised value (湖南省邵阳市, a phone number)
    and its code (a division code, a name's relation), the candidates when a place name is ambiguous
    ([[code, name]]), the province codes an accent word points to, and the sentence it came from."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="clues")
    kind = models.CharField(_("kind"), max_length=10, choices=ClueKind.choices)
    value = models.CharField(_("in the words"), max_length=100)
    normalised = models.CharField(_("value"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=20, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    regions = models.JSONField(default=list, blank=True)
    valid = models.BooleanField(default=True)
    sentence = models.TextField(_("source sentence"), blank=True)
    position = models.PositiveIntegerField(default=0)
    state = FSMField(_("state"), default=ClueState.PROPOSED, choices=ClueState.choices, protected=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = ClueQuerySet.as_manager()

    class Meta:
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        ordering = ["interview", "position", "pk"]

    def __str__(self):
        return self.normalised or self.value

    @property
    def relation(self):
        """A name's relation to the person as words ("哥哥", "the person themself"), or "": its code is the
        kin word heard, or "self"."""
        if self.kind != ClueKind.NAME or not self.code:
            return ""
        return str(_("the person themself")) if self.code == "self" else self.code

    @property
    def place_codes(self):
        """The division codes this clue points to: its own, else its candidates'."""
        if self.kind in (ClueKind.PLACE, ClueKind.ID_NUMBER) and self.code:
            return [self.code]
        return [c for c, _name in self.candidates or []]

    @property
    def proposes_identity_check(self):
        return self.kind == ClueKind.ID_NUMBER and self.valid

    @transition(field=state, source=[ClueState.PROPOSED, ClueState.DISMISSED], target=ClueState.ACCEPTED,
                permission="tracing.judge_clue", custom={"label": _("Accept")})
    def accept(self, by=None, code=""):
        """Accepted, with one of the candidates chosen when the place name was ambiguous."""
        if code and any(code == c for c, _name in self.candidates or []):
            self.code = code
            self.normalised = next(name for c, name in self.candidates if c == code)
        self.decided_at, self.decided_by = timezone.now(), by

    @transition(field=state, source=[ClueState.PROPOSED, ClueState.ACCEPTED], target=ClueState.DISMISSED,
                permission="tracing.judge_clue", custom={"label": _("Dismiss")})
    def dismiss(self, by=None):
        self.decided_at, self.decided_by = timezone.now(), by
