"""Finding faces and their landmarks, with the dlib models that face_recognition ships.

The models are loaded from the face_recognition_models package once per process, on first use (about
0.3 s), not at import: the web server starts fast and only the processes that look at faces pay.
We call dlib directly rather than through face_recognition, which would also load a CNN detector we do
not use and switch Pillow into accepting truncated files for the whole process.

Detection runs on a copy of at most FACE_DETECT_SIDE pixels (HOG cost grows with the pixel count; a
portrait face is big), first without upsampling (finds faces from about 80 px), and only when that
finds nothing, once more upsampled (faces from about 40 px), so a person standing too far back gets
"move closer" rather than "no face". Landmarks and encodings use the full working picture.
"""

import functools
import threading
from dataclasses import dataclass
from types import SimpleNamespace

import cv2
import dlib
import face_recognition_models as files
import numpy as np
from django.conf import settings

# dlib's neural network keeps each forward pass's outputs inside its layers: one encoding at a time per
# process (a threaded web server with eager Celery may encode two uploads at once).
_encoder_lock = threading.Lock()


@functools.cache
def models():
    return SimpleNamespace(
        detector=dlib.get_frontal_face_detector(),
        landmarks68=dlib.shape_predictor(files.pose_predictor_model_location()),
        landmarks5=dlib.shape_predictor(files.pose_predictor_five_point_model_location()),
        encoder=dlib.face_recognition_model_v1(files.face_recognition_model_location()),
    )


@dataclass
class Face:
    rect: dlib.rectangle  # in working-picture pixels
    points: np.ndarray  # the 68 landmarks (x, y), float, iBUG 300-W numbering

    @property
    def width(self):
        return self.rect.width()

    @property
    def eyes(self):
        """Centres of the two eyes (the means of their six landmarks each), image left first."""
        return self.points[36:42].mean(axis=0), self.points[42:48].mean(axis=0)

    @property
    def eye_distance(self):
        left, right = self.eyes
        return float(np.linalg.norm(right - left))


def find_faces(rgb):
    """Faces in an RGB uint8 picture, largest first, each with its 68 landmarks."""
    m = models()
    height, width = rgb.shape[:2]
    scale = min(1.0, settings.FACE_DETECT_SIDE / max(width, height))
    small = rgb
    if scale < 1:
        small = cv2.resize(rgb, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    rects = m.detector(small, 0) or m.detector(small, 1)
    faces = []
    for r in rects:
        rect = dlib.rectangle(
            round(r.left() / scale), round(r.top() / scale), round(r.right() / scale), round(r.bottom() / scale)
        )
        shape = m.landmarks68(rgb, rect)
        faces.append(Face(rect, np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)))
    faces.sort(key=lambda f: f.rect.area(), reverse=True)
    return faces


def encode_face(rgb, face):
    """The 128-d encoding of one face, as face_recognition.face_encodings computes it by default
    (5-point alignment, one jitter), as float32."""
    m = models()
    shape = m.landmarks5(rgb, face.rect)
    with _encoder_lock:
        return np.asarray(m.encoder.compute_face_descriptor(rgb, shape, 1), dtype=np.float32)
