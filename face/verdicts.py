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
    "pose:turn_left": _("Head turned or tilted: ask the person to turn their head a little to their left."),
    "pose:turn_right": _("Head turned or tilted: ask the person to turn their head a little to their right."),
    "pose:chin_up": _("Head turned or tilted: ask the person to raise their chin a little."),
    "pose:chin_down": _("Head turned or tilted: ask the person to lower their chin a little."),
    "pose:straighten": _("Head turned or tilted: ask the person to hold their head straight."),
    "eyes_closed": _("Eyes closed: ask the person to open their eyes."),
    "blurred": _("Too blurred: hold still and retake."),
    "too_dark": _("Too dark: add light in front of the person."),
    "overexposed": _("Too bright: move out of direct light or switch off the flash."),
    "low_contrast": _("Too flat (little contrast): light the face from the front."),
}
# Where no face was found, the cause found in the frame (after "no_face") says what to do.
NO_FACE_MESSAGES = {
    "no_face": _("No face found: nothing face-like in the oval. The person should sit in front of the camera, "
                 "face inside the oval, looking at it."),
    "too_dark": _("No face found: the picture is too dark. Add light in front of the person."),
    "overexposed": _("No face found: the picture is too bright (burnt white). Move out of direct light or "
                     "switch off the flash."),
    "blurred": _("No face found: the picture is blurred. Hold the camera still and check it is in focus."),
}
# Reason codes whose wording depends on a code stored in the measures (the direction of a pose).
POSE_FIXES = ("turn_left", "turn_right", "chin_up", "chin_down", "straighten")

# One short instruction for the live guidance next to the oval, by reason, the first one that applies.
INSTRUCTIONS = {
    "no_face": _("Face inside the oval"),
    "multiple_faces": _("Only one person in the frame"),
    "cropped": _("Centre the face in the oval"),
    "too_small": _("Move closer"),
    "pose:turn_left": _("Turn your head a little to your left"),
    "pose:turn_right": _("Turn your head a little to your right"),
    "pose:chin_up": _("Raise your chin a little"),
    "pose:chin_down": _("Lower your chin a little"),
    "pose:straighten": _("Hold your head straight"),
    "pose": _("Look straight at the camera"),
    "eyes_closed": _("Open your eyes"),
    "blurred": _("Hold still"),
    "too_dark": _("More light on the face"),
    "overexposed": _("Less light: out of direct light"),
    "low_contrast": _("Light the face from the front"),
}
READY = _("Good: take the photo")

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


def message_key(code, measures):
    """The key of a reason's wording: the pose's direction when it was stored with it."""
    fix = (measures or {}).get("pose_fix")
    return f"pose:{fix}" if code == "pose" and fix in POSE_FIXES else code


def messages_for(reasons, measures=None):
    """The reasons in the current language, for the verdict on screen and on the person's file. A "no
    face" with its cause found in the frame is said as one sentence."""
    params = {"megapixels": "?", "limit": round(settings.FACE_MAX_IMAGE_PIXELS / 1e6), **(measures or {})}
    if reasons and reasons[0] == "no_face":
        cause = reasons[1] if len(reasons) > 1 and reasons[1] in NO_FACE_MESSAGES else "no_face"
        return [str(NO_FACE_MESSAGES[cause])]
    return [str(MESSAGES.get(message_key(code, measures), code)) % params for code in reasons]


def instruction(reasons, measures=None):
    """The one short instruction the live guidance shows for a verdict."""
    if not reasons:
        return str(READY)
    if reasons[0] == "no_face" and len(reasons) > 1 and reasons[1] in INSTRUCTIONS:
        return str(INSTRUCTIONS[reasons[1]])
    key = message_key(reasons[0], measures)
    return str(INSTRUCTIONS.get(key) or INSTRUCTIONS.get(reasons[0]) or messages_for(reasons[:1], measures)[0])


def primary_reason(reasons, measures=None):
    """The one code that names what is wrong (the cause of a "no face" when one was found), with the
    pose's direction: what the benchmark's confusion table counts."""
    if not reasons:
        return "accepted"
    code = reasons[1] if reasons[0] == "no_face" and len(reasons) > 1 else reasons[0]
    return message_key(code, measures)


# ISO/IEC 19794-5 (ICAO 9303) full-frontal limits, applied with FACE_STRICT on top of the settings:
# 90 px between the eye centres, yaw and pitch within 5 degrees, roll within 8 (face.quality's docstring).
STRICT = {"min_eye_distance": 90, "max_yaw": 5, "max_pitch": 5, "max_roll": 8, "min_margin": 0.5}


def within(key, value, t):
    """Whether a stored measure lies within its limit in `t` (thresholds()), as face.quality applies it:
    True or False, None for a measure without a limit (the detection pass). One rule for the check and
    the portrait page's table."""
    if key == "faces":
        return value == 1
    if key in ("eye_distance", "sharpness", "contrast", "margin", "eye_openness"):
        return value >= t[f"min_{key}"]
    if key == "brightness":
        return t["min_brightness"] <= value <= t["max_brightness"]
    if key == "clipped":
        return value <= t["max_clipped"]
    if key in ("yaw", "pitch", "roll"):
        return abs(value) <= t[f"max_{key}"]
    return None


def thresholds():
    """The limits in force: the FACE_* settings, made stricter by STRICT when FACE_STRICT is on."""
    s = settings
    t = {
        "min_eye_distance": s.FACE_MIN_EYE_DISTANCE, "other_face_ratio": s.FACE_OTHER_FACE_RATIO,
        "min_sharpness": s.FACE_MIN_SHARPNESS, "min_brightness": s.FACE_MIN_BRIGHTNESS,
        "max_brightness": s.FACE_MAX_BRIGHTNESS, "max_clipped": s.FACE_MAX_CLIPPED,
        "min_contrast": s.FACE_MIN_CONTRAST, "max_yaw": s.FACE_MAX_YAW, "max_pitch": s.FACE_MAX_PITCH,
        "max_roll": s.FACE_MAX_ROLL, "min_margin": s.FACE_MIN_MARGIN, "min_eye_openness": s.FACE_MIN_EYE_OPENNESS,
        "frame_min_sharpness": s.FACE_FRAME_MIN_SHARPNESS, "frame_max_clipped": s.FACE_FRAME_MAX_CLIPPED,
    }
    if s.FACE_STRICT:
        for key, value in STRICT.items():
            t[key] = max(t[key], value) if key.startswith("min_") else min(t[key], value)
    return t
