"""Camera-like test images made from the real portraits in tests/faces: a webcam frame cut around the
face, JPEG bytes, and the degraded copies a reception desk makes of a good portrait (far, dark, blown,
defocused, cut, turned). The benchmarks, the load test and the tests all draw their pictures here."""

import io
from pathlib import Path

import numpy as np
from django.conf import settings
from PIL import Image, ImageFilter, ImageOps

from face.detection import find_faces


def faces_dir():
    return Path(settings.BASE_DIR) / "tests" / "faces"


def frame(image, size):
    """A camera-like frame of `size` cut from a portrait photo: the photo cropped to the frame's shape
    around the (largest) face, as a person sitting in front of the camera would be, then resized."""
    image = ImageOps.exif_transpose(image).convert("RGB")
    width, height = size
    target = width / height
    w, h = (round(image.height * target), image.height) if image.width / image.height > target else (
        image.width, round(image.width / target))
    small = image.copy()
    small.thumbnail((640, 640))
    faces = find_faces(np.asarray(small))
    cx, cy = image.width / 2, image.height / 2
    if faces:
        k = image.width / small.width
        cx, cy = faces[0].points[:, 0].mean() * k, faces[0].points[:, 1].mean() * k
    left = min(max(0, round(cx - w / 2)), image.width - w)
    top = min(max(0, round(cy - h / 2)), image.height - h)
    return image.crop((left, top, left + w, top + h)).resize(size, Image.Resampling.LANCZOS)


def jpeg(image, quality=92):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


# --- Degraded copies: what a reception desk does to a good portrait ------------------------------------

# Frontal portraits, accepted as they are; each is made into a 640x480 webcam frame and degraded.
GOOD = ["obama_1", "obama_3", "leslie_1", "leslie_2", "biden_2", "lacamoire_1", "lacamoire_2"]
# Real three-quarter views, and which way the person must turn (looked at, not computed): the face
# points to the picture's left (the person's own right: turn to their left) or to its right. Their
# mirror images are the same heads turned the other way.
TURNED = {"harington_2": "turn_left", "obama_2": "turn_left", "harington_3": "turn_right", "obama_4": "turn_right"}
OTHER_WAY = {"turn_left": "turn_right", "turn_right": "turn_left"}


def webcam_frame(name):
    return frame(Image.open(faces_dir() / f"{name}.jpg"), (640, 480))


def scaled(image, k):
    return Image.fromarray(np.clip(np.asarray(image).astype(np.float32) * k, 0, 255).astype(np.uint8))


def far_away(image, face, eye_distance):
    """The same scene with the person further back: smaller, on a plain wall, eyes `eye_distance` apart."""
    k = eye_distance / face.eye_distance
    small = image.resize((round(image.width * k), round(image.height * k)), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", image.size, (120, 110, 100))
    canvas.paste(small, ((image.width - small.width) // 2, (image.height - small.height) // 3))
    return canvas


def cut(image, face, side, share):
    """The frame cut so that `share` of the face (landmarks, plus half an eye distance of forehead) is
    off the given side."""
    p, d = face.points, face.eye_distance
    x0, x1, y0, y1 = p[:, 0].min(), p[:, 0].max(), p[17:27, 1].min() - 0.5 * d, p[:, 1].max()
    w, h = x1 - x0, y1 - y0
    box = {"left": (x0 + share * w, 0, image.width, image.height), "right": (0, 0, x1 - share * w, image.height),
           "top": (0, y0 + share * h, image.width, image.height), "bottom": (0, 0, image.width, y1 - share * h)}[side]
    return image.crop(tuple(round(v) for v in box))


def degraded_set():
    """(case, portrait, expected primary reason, JPEG bytes) for every degraded copy."""
    for name in GOOD:
        image = webcam_frame(name)
        face = find_faces(np.asarray(image))[0]
        d = face.eye_distance
        yield "good", name, "accepted", jpeg(image)
        yield "far (eyes 30 px)", name, "too_small", jpeg(far_away(image, face, 30))
        yield "very far (eyes 12 px)", name, "too_small", jpeg(far_away(image, face, 12))
        yield "blown (x4)", name, "overexposed", jpeg(scaled(image, 4))
        yield "dark (x0.2)", name, "too_dark", jpeg(scaled(image, 0.2))
        yield "defocused", name, "blurred", jpeg(image.filter(ImageFilter.GaussianBlur(d / 5)))
        for side in ("left", "right", "top", "bottom"):
            for share in (0.1, 0.2, 0.3):
                yield f"cut {side} {share:.0%}", name, "cropped", jpeg(cut(image, face, side, share))
    for name, way in TURNED.items():
        image = webcam_frame(name)
        yield "turned", name, f"pose:{way}", jpeg(image)
        yield "turned (mirror)", name, f"pose:{OTHER_WAY[way]}", jpeg(ImageOps.mirror(image))
    yield "empty wall", "-", "no_face", jpeg(Image.new("RGB", (640, 480), (150, 140, 125)))
    yield "empty room", "obama_4", "no_face", jpeg(frame(Image.open(faces_dir() / "obama_4.jpg").crop((0, 0, 440, 330)),
                                                        (640, 480)))
