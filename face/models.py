"""Portraits of the people in the register: several per person, one the main one.

Every portrait keeps its quality verdict (face.quality) and, when accepted, its 128-d encoding
(face.encoding), which face.search looks through.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shelter.models import Person, StationQuerySet

from .fields import EmbeddingField


class PortraitQuerySet(StationQuerySet):
    station_path = "person__station"

    def main_for(self, person):
        return self.filter(person=person, is_main=True).first()


class Portrait(models.Model):
    WEBCAM = "webcam"
    UPLOAD = "upload"
    SOURCES = [(WEBCAM, _("webcam")), (UPLOAD, _("uploaded file"))]

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="portraits")
    image = models.ImageField(_("image"), upload_to="portraits/%Y/%m/")
    source = models.CharField(_("source"), max_length=10, choices=SOURCES, default=UPLOAD)
    taken_at = models.DateTimeField(_("taken"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    is_main = models.BooleanField(_("main portrait"), default=False)
    # Quality verdict (face.quality.check_portrait): accepted, reason codes, and the measured numbers.
    accepted = models.BooleanField(_("quality accepted"), null=True)
    reasons = models.JSONField(_("quality reasons"), default=list, blank=True)
    measures = models.JSONField(_("quality measures"), default=dict, blank=True)
    # A supervisor may make a failed portrait the main one, with a reason.
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    encoding = EmbeddingField(null=True, blank=True, editable=False)
    encoded_at = models.DateTimeField(null=True, blank=True, editable=False)

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

    def __str__(self):
        return f"{self.person} {self.taken_at:%Y-%m-%d %H:%M}"
