"""What a quality verdict says: the reason codes, their messages in the reader's language, and the
report itself. Light on purpose (no OpenCV, no dlib): models, timelines and pages read verdicts without
loading the detector; face.quality makes them."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .images import REFUSALS

MESSAGES = {
    **REFUSALS,
    "no_face": _("No face found: the person should look at the camera, face inside the oval."),
    "multiple_faces": _("Two or more faces: only the person should be in the frame."),
    "cropped": _("Face cut by the edge of the picture: centre the face in the oval."),
    "too_small": _("Face too small: move closer."),
    "pose": _("Head turned or tilted: ask the person to look straight at the camera."),
    "eyes_closed": _("Eyes closed: ask the person to open their eyes."),
    "blurred": _("Too blurred: hold still and retake."),
    "too_dark": _("Too dark: add light in front of the person."),
    "overexposed": _("Too bright: move out of direct light or switch off the flash."),
    "low_contrast": _("Too flat (little contrast): light the face from the front."),
}
# Reasons that mean the file itself is unusable: such a file is refused and not stored.
FILE_REASONS = frozenset(REFUSALS)


@dataclass
class QualityReport:
    reasons: list = field(default_factory=list)
    measures: dict = field(default_factory=dict)
    format: str = ""  # the file's format as Pillow names it ("JPEG", "PNG"), when it could be opened

    @property
    def accepted(self):
        return not self.reasons

    @property
    def readable(self):
        """False when the file is not a usable picture at all (then nothing is stored)."""
        return not FILE_REASONS.intersection(self.reasons)

    @property
    def messages(self):
        return messages_for(self.reasons, self.measures)


def messages_for(reasons, measures=None):
    """The reasons in the current language, for the verdict on screen and on the person's file."""
    params = {"megapixels": "?", "limit": round(settings.FACE_MAX_IMAGE_PIXELS / 1e6), **(measures or {})}
    return [str(MESSAGES.get(code, code)) % params for code in reasons]
