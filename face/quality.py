"""Is this portrait usable for face recognition? Measured numbers, thresholds from settings, and reasons a
reception worker can act on while the person is still in front of the camera.

check_portrait(data) returns a QualityReport: `accepted`, `reasons` (stable codes, face.verdicts),
`messages` (the same in the user's language) and `measures` (the numbers, stored with the portrait).
check_portrait(data, frame_size=...) is the live guidance's check of a downscaled preview frame (the
capture page, face.views.live_check): the same rules, pixels counted in the camera frame's own.

Where the thresholds come from. ISO/IEC 19794-5 (ICAO 9303 portraits; now ISO/IEC 39794-5) sets limits
for passport-like photos: at least 90 px between the eye centres (120 preferred), yaw and pitch within
5 degrees, roll within 8, eyes open, no over- or under-exposure, the whole head in the picture. ISO/IEC
29794-5 (OFIQ, its reference implementation) measures the same components -- inter-eye distance, head
pose, sharpness, luminance mean and spread, under- and over-exposure, the crop of the face at each
side, eyes open, a single face -- but gives scores, not pass/fail limits for a use. Our use is
recognition with dlib's encoder on webcam pictures, not printing a passport, so each default limit
below is set where the *encoding* stops drifting, measured on the photos in tests/faces (copies of the
project's shared test portraits). The yardstick: two photos of one person here are 0.32-0.41 apart
(obama_1 to obama_2, 3 and 4; leslie, lacamoire, biden, harington pairs), two people more than 0.6
(FACE_MATCH_DISTANCE). A degradation that moves an encoding by 0.2 eats half the margin between "same
person" and the match limit. FACE_STRICT (off by default) applies the 19794-5 numbers on top
(face.verdicts.STRICT) for stations that want passport-like portraits.

The measures, on the largest face, and each threshold (settings FACE_*):

- faces, detector: faces found (face.detection: dlib's HOG detector, then finer passes when it finds
  nothing; `detector` names the pass that found the face). A second face at least FACE_OTHER_FACE_RATIO
  (0.5) as wide as the main one gives `multiple_faces` (29794-5 "single face present"): the portrait
  may be of the wrong person. A much smaller face far behind cannot be confused with the person.
- eye_distance: pixels between the eye centres, in the file's own pixels (29794-5 inter-eye distance).
  19794-5 asks 90 px for printed photos; dlib's encoder looks at a 150 px aligned crop in which the
  eyes are about 53 px apart: a face with fewer pixels is enlarged and loses detail. Measured: shrinking
  six portraits to 80, 60, 50 and 40 px moved their encodings by 0.03-0.11 from the full-size one (the
  resampling noise floor), to 30 px by 0.07-0.13, to 20 px by 0.14-0.23, to 12 px (a face 30 px wide,
  3 m from a laptop webcam) by 0.32-0.36: as far as another photo of the person. Minimum: 40 px
  (FACE_MIN_EYE_DISTANCE), the last size at the noise floor. A face filling the capture page's oval
  (236 px wide in a 640x480 frame) has its eyes about 90 px apart; webcam-like frames of our photos:
  55-136 px. Faces down to about 10 px between the eyes are found (detection's third and fourth
  passes), so "too small: move closer" is said rather than "no face".
- sharpness: the face is scaled so the eyes are 64 px apart, then blurred a little more (Gaussian,
  sigma 1 px); sharpness is the share of its gradient lost in that, across and down separately, the
  smaller of the two (a sideways movement blurs only one direction). A sharp face loses much, an
  already blurred one little. On the 21 usable photos: 0.22-0.57; blurred with sigma = eye distance/64:
  0.09-0.15, twice that: 0.04-0.08; shaken sideways by a sixth of the eye distance: 0.05-0.12.
  Encoding drift: 0.07-0.13 at sigma = eye distance/64, 0.16-0.28 at twice that. Minimum 0.15
  (FACE_MIN_SHARPNESS), between the sharp photos and the first blur. The variance of the Laplacian
  on the same crop is recorded (laplacian) but not judged: it spread 28-fold across the sharp faces
  (113-3,150), following each face's own contrast and texture. The live check judges a downscaled
  preview at its own size (enlarging it to 64 px would blur it).
- brightness, contrast, clipped: mean and standard deviation of the luminance (0-255) on the inner
  face (brows to chin), and the share of burnt-white pixels (>= 250) (29794-5 luminance mean,
  luminance variance, over-exposure prevention). Our photos: brightness 97-169, contrast 30-71,
  clipped <= 0.5 %. Limits: too dark below 50, overexposed above 215 or with more than 10 % burnt
  white, low contrast below 14. Encoding drift: darkened to 0.4: 0.13-0.18, to 0.25 (brightness
  34-36, refused): 0.19-0.27; brightened 1.6 times: 0.10-0.31, 2.5 times (63-73 % burnt, refused):
  0.21-0.57 -- burnt white wipes out the face's shape.
- yaw, pitch, roll (degrees): head pose from six of the 68 landmarks fitted to a generic 3-D face with
  cv2.solvePnP; roll is the angle of the line between the eyes (29794-5 head pose). Limits 20 each
  (FACE_MAX_YAW/PITCH/ROLL; 19794-5: 5, 5 and 8). Our frontal photos: yaw within 14, pitch within
  18.5 (a broad smile reads as a slight nod); the three-quarter views: yaw 24-45, and they encode
  0.36-0.38 from a frontal photo of the same person, against 0.32-0.41 between two frontal ones: the
  encoder tolerates a turned head better than blur, so the limit is where recognition papers put
  reliable frontal matching (15-20 degrees) rather than at the passport's 5. A refused pose says which
  way to move (measures["pose_fix"], face.verdicts.POSE_FIXES): the largest excess over its limit
  decides; yaw > 0 is the face pointing to the picture's left, the person's own right ("turn a little
  to your left"), pitch > 0 a lowered chin ("raise your chin"), roll "hold your head straight". The
  signs were checked on the real three-quarter photos and their mirror images (bench_face).
  Pitch is measured against the camera's axis: a face near the top of a tall photo taken from below
  (biden_1) reads as nodding, and loses it once the frame is centred on the face.
- margin: the space between the face (its landmarks, and half an eye distance of forehead above the
  brows) and the nearest frame edge, in eye distances (29794-5 leftward/rightward/upward/downward
  crop). Below 0 the face is cut (`cropped`), FACE_MIN_MARGIN 0 (0.5 in strict mode). A face cut by a
  tenth to a third at any side is found (detection pads the frame with its mirror image) and refused as
  cropped: 84 of 84 degraded copies.
- eye_openness: eye aspect ratio (height of the eye over its width, Soukupova and Cech 2016), mean of
  both eyes: 0.19-0.39 on open eyes here (the lowest are broad smiles), 0.09 on the one face with the
  eyes squeezed shut (a laughing man in obama_and_biden.jpg). One closed-eye example is thin evidence:
  the threshold sits midway, and the measure is stored to be checked on real intakes. Minimum 0.15
  (FACE_MIN_EYE_OPENNESS); only judged when the head is frontal, as a turned eye's landmarks are
  unreliable.

No face found: the verdict still names the likely cause, from the middle of the frame (the box of the
capture page's oval), after `no_face`: `too_dark` (brightness below 50), `overexposed` (above 215, or
more than FACE_FRAME_MAX_CLIPPED, 30 %, burnt white: a frame blown so much that the detector fails),
`blurred` (frame sharpness, the measure above with the oval's width as the face's, below
FACE_FRAME_MIN_SHARPNESS, 0.06, where there is enough contrast to tell: the webcam frames of our
portraits measure 0.23-0.39, an enlarged and soft crop of an empty room 0.08, the same frames
defocused until the face is lost 0.01-0.02); nothing after `no_face` means nothing
face-like in the oval. `manage.py bench_face --confusion` prints the table of expected against given
reasons on 136 degraded copies of our photos.
"""

import time

import cv2
import numpy as np

from .detection import find_faces
from .images import ImageRefused, open_portrait
from .verdicts import QualityReport, thresholds, within

# Generic 3-D face (millimetres; x right, y down, z away from the camera) for the pose fit, with the
# landmark each point matches: nose tip, chin, outer eye corners, mouth corners.
POSE_MODEL = np.array([
    (0.0, 0.0, 0.0),
    (0.0, 330.0, 65.0),
    (-225.0, -170.0, 135.0),
    (225.0, -170.0, 135.0),
    (-150.0, 150.0, 125.0),
    (150.0, 150.0, 125.0),
])
POSE_LANDMARKS = [30, 8, 36, 45, 48, 54]
SHARPNESS_EYE_DISTANCE = 64  # the face is compared at this scale, whatever the picture's size


def check_portrait(data, frame_size=None):
    """The quality verdict on a portrait file (bytes). Never raises for a bad file: it says why.

    frame_size: (width, height) of the camera frame a downscaled live-guidance copy was made from; the
    measures in pixels (eye distance) are then given in the camera frame's pixels, as for the shot."""
    started = time.perf_counter()
    try:
        image = open_portrait(data)
    except ImageRefused as e:
        return QualityReport([e.code], dict(e.params))
    if frame_size:
        image.original_size = tuple(frame_size)
    report = assess(image, live=bool(frame_size))
    report.format = image.format
    report.measures["ms"] = round((time.perf_counter() - started) * 1000)
    return report


def assess(image, live=False):
    """The verdict on a decoded picture. live: a downscaled preview frame, whose face is judged for
    sharpness at its own size (enlarging it to the comparison scale would blur it)."""
    t = thresholds()
    rgb = image.rgb
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    measures = {"width": image.original_size[0], "height": image.original_size[1]}
    faces = find_faces(rgb, quick=live)
    measures["faces_detected"] = len(faces)
    if not faces:
        # Say why if we can, from the middle of the frame (where the oval puts the face).
        measures.update(frame_measures(grey))
        return QualityReport(["no_face"] + no_face_causes(measures, t), measures)

    face = faces[0]
    counted = [f for f in faces if f.width >= t["other_face_ratio"] * face.width]
    measures["faces"] = len(counted)
    measures["detector"] = face.found_by
    eye_distance = face.eye_distance
    measures["eye_distance"] = round(eye_distance / image.scale, 1)
    measures["margin"] = round(float(margin(face, grey.shape)), 2)
    measures.update(pose(face, grey.shape))
    measures["eye_openness"] = round(eye_openness(face), 3)
    crop = inner_face(grey, face)
    measures.update(sharpness(crop, eye_distance, enlarge=not live))
    measures["brightness"] = round(float(crop.mean()), 1)
    measures["contrast"] = round(float(crop.std()), 1)
    measures["clipped"] = round(float((crop >= 250).mean()), 3)

    reasons = []
    if len(counted) > 1:
        reasons.append("multiple_faces")
    if not within("margin", measures["margin"], t):
        reasons.append("cropped")
    if not within("eye_distance", measures["eye_distance"], t):
        reasons.append("too_small")
    fix = pose_fix(measures, t)
    if fix:
        reasons.append("pose")
        measures["pose_fix"] = fix
    elif not within("eye_openness", measures["eye_openness"], t):
        reasons.append("eyes_closed")
    if not within("sharpness", measures["sharpness"], t):
        reasons.append("blurred")
    reasons += exposure_reasons(measures["brightness"], measures["contrast"], measures["clipped"], t)
    return QualityReport(reasons, measures)


def exposure_reasons(brightness, contrast, clipped, t):
    if brightness < t["min_brightness"]:
        return ["too_dark"]
    if brightness > t["max_brightness"] or (clipped is not None and clipped > t["max_clipped"]):
        return ["overexposed"]
    if contrast is not None and contrast < t["min_contrast"]:
        return ["low_contrast"]
    return []


def pose_fix(measures, t):
    """Which way the head should move, as a code (POSE_FIXES in face.verdicts), or None when frontal.

    The largest excess over its limit decides. Yaw > 0: the face points to the picture's left, which is
    the person's own right, so they should turn to their left; pitch > 0: the chin is lowered."""
    excess = {
        "yaw": abs(measures["yaw"]) - t["max_yaw"],
        "pitch": abs(measures["pitch"]) - t["max_pitch"],
        "roll": abs(measures["roll"]) - t["max_roll"],
    }
    worst = max(excess, key=excess.get)
    if excess[worst] <= 0:
        return None
    if worst == "yaw":
        return "turn_left" if measures["yaw"] > 0 else "turn_right"
    if worst == "pitch":
        return "chin_up" if measures["pitch"] > 0 else "chin_down"
    return "straighten"


# The middle of the frame, where the capture page's oval puts the face (its box in a 640x480 frame).
OVAL_BOX = (202 / 640, 67 / 480, 438 / 640, 383 / 480)


def frame_measures(grey):
    """Brightness, burnt share, contrast and sharpness of the oval's box, for a frame without a face."""
    height, width = grey.shape
    x0, y0, x1, y1 = (round(v) for v in (OVAL_BOX[0] * width, OVAL_BOX[1] * height,
                                          OVAL_BOX[2] * width, OVAL_BOX[3] * height))
    box = grey[y0:y1, x0:x1].astype(np.float32)
    # A face filling the oval has its eyes about 0.38 of the box's width apart: compare at that scale.
    sharp = sharpness(box, 0.38 * box.shape[1])
    return {
        "brightness": round(float(box.mean()), 1),
        "clipped": round(float((box >= 250).mean()), 3),
        "contrast": round(float(box.std()), 1),
        "sharpness": sharp["sharpness"],
    }


def no_face_causes(measures, t):
    """The likely reason no face was found, from the middle of the frame; [] when nothing explains it
    (then the frame holds nothing face-like)."""
    if measures["brightness"] < t["min_brightness"]:
        return ["too_dark"]
    if measures["brightness"] > t["max_brightness"] or measures["clipped"] > t["frame_max_clipped"]:
        return ["overexposed"]
    if measures["contrast"] >= t["min_contrast"] and measures["sharpness"] < t["frame_min_sharpness"]:
        return ["blurred"]
    return []


def margin(face, shape):
    """Distance from the face to the nearest frame edge, in eye distances (negative: cut off)."""
    height, width = shape
    d = face.eye_distance
    p = face.points
    forehead_top = p[17:27, 1].min() - 0.5 * d
    return min(p[:, 0].min(), width - p[:, 0].max(), height - p[:, 1].max(), forehead_top) / d


def pose(face, shape):
    """Yaw and pitch from a 3-D fit of six landmarks; roll from the line between the eyes."""
    height, width = shape
    camera = np.array([[width, 0, width / 2], [0, width, height / 2], [0, 0, 1]], dtype=np.float64)
    rvec = np.zeros((3, 1))
    tvec = np.array([[0.0], [0.0], [1000.0]])
    ok, rvec, tvec = cv2.solvePnP(
        POSE_MODEL, face.points[POSE_LANDMARKS], camera, None, rvec, tvec, True, cv2.SOLVEPNP_ITERATIVE
    )
    rotation, _jacobian = cv2.Rodrigues(rvec)
    pitch, yaw, _roll = cv2.RQDecomp3x3(rotation)[0]
    left, right = face.eyes
    roll = np.degrees(np.arctan2(right[1] - left[1], right[0] - left[0]))
    return {"yaw": round(float(yaw), 1), "pitch": round(float(pitch), 1), "roll": round(float(roll), 1)}


def eye_openness(face):
    def ratio(eye):
        return (np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])) / (2 * np.linalg.norm(eye[0] - eye[3]))

    return float((ratio(face.points[36:42]) + ratio(face.points[42:48])) / 2)


def inner_face(grey, face):
    """The face from the brows to the chin, as float32 luminance."""
    height, width = grey.shape
    p = face.points
    x0, x1 = int(p[17:, 0].min()), int(np.ceil(p[17:, 0].max()))
    y0, y1 = int(p[17:27, 1].min()), int(np.ceil(p[8, 1]))
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
    return grey[y0:y1, x0:x1].astype(np.float32)


def sharpness(crop, eye_distance, enlarge=True):
    k = SHARPNESS_EYE_DISTANCE / eye_distance
    if not enlarge:
        k = min(k, 1.0)
    size = (max(8, round(crop.shape[1] * k)), max(8, round(crop.shape[0] * k)))
    face = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR)
    reblurred = cv2.GaussianBlur(face, (0, 0), 1.0)
    ratios = []
    for axis in (0, 1):  # each direction apart: a sideways movement blurs only the horizontal detail
        before = np.abs(np.diff(face, axis=axis)).mean()
        after = np.abs(np.diff(reblurred, axis=axis)).mean()
        ratios.append(1 - after / before if before > 0 else 0.0)
    ratio = min(ratios)
    return {"sharpness": round(float(ratio), 3), "laplacian": round(float(cv2.Laplacian(face, cv2.CV_32F).var()), 1)}
