"""Finding faces and their landmarks, with the dlib models that face_recognition ships.

The models are loaded from the face_recognition_models package once per process, on first use (about
0.3 s), not at import: the web server starts fast and only the processes that look at faces pay.
We call dlib directly rather than through face_recognition, which would also load a CNN detector we do
not use and switch Pillow into accepting truncated files for the whole process.

Detection runs on a copy of at most FACE_DETECT_SIDE pixels (HOG cost grows with the pixel count; a
portrait face is big), in up to four passes, each only when the previous one found nothing, so a person
standing too far back gets "move closer" rather than "no face":

1. "hog": dlib's HOG detector as it is (faces from about 80 px wide, eyes about 30 px apart);
2. "hog_upsampled": the same on a copy upsampled twice (faces from about 40 px; +45 ms at 640x480);
   left out for the live guidance's frames (quick=True), where the next pass covers these sizes too,
   and tried there last, when no other pass found a face;
3. "haar_hog": OpenCV's Haar cascade for frontal faces (haarcascade_frontalface_default.xml, shipped with
   opencv-python: nothing to download) proposes faces of 16-72 px (96 in quick mode), in a frame padded
   by a fifth of its size with its own edge pixels; each proposal is cut out with its surroundings,
   enlarged until the face is about 120 px and confirmed by the HOG detector there (a Haar cascade
   alone takes a textured wall for a face). Measured on the webcam-like frames of seven portraits in
   tests/faces shrunk until the eyes are 10 px apart (a face about 30 px wide, 3 m from a laptop
   webcam): pass 2 finds 1 of 7, this pass 5 of the others, in 10-20 ms, where a HOG pass upsampled
   four times finds them too but takes 290 ms a frame; at 12 px all seven are found;
4. "hog_padded": HOG on the frame padded by a fifth of its size with its own mirror image: a face cut by
   the frame's edge (a third of the forehead off the top) is found and called "cropped", not "no face"
   (7 of the 21 copies cut at the top need it). Only faces centred in the frame count.

Each face says which pass found it (Face.found_by; the quality check stores it as measures["detector"]).
Landmarks and encodings use the full working picture.

Threads: one lock, MODELS_LOCK, around every use of the models. The HOG detector, the two shape
predictors, the Haar cascade and the encoder are one set per process, and none of them may be used by
two threads at once: a threaded server (runserver, gunicorn's gthread workers, a threaded Celery pool)
checking two desks' frames together crashed (`free(): invalid size`, a general protection fault in
_dlib_pybind11) or found 52 faces in a frame with one (issue 23; tests/face/test_threads.py). So
find_faces, its passes and encode_face hold the lock while they run; what the quality check does with
the faces afterwards (pose, sharpness, light: numpy and OpenCV on the picture) runs outside it.
Measured against a set of models per thread (threading.local), on 96 quality checks of eight 640x480
frames (good, small, far, dark, turned, empty wall, two faces) on the 2 shared cores of the development
machine, best of three runs: with the lock 44 ms a check from 1 thread, 43 ms from 4 (the checks take
turns; about 23 a second per process); with per-thread models 45 and 38 ms, that is at most 15 % more
throughput on two cores, for 125 MB of memory and 0.9 s of loading per thread (4 threads: 970 MB
against 440 MB for the process). Four desks' live guidance (3 frames a second of 320x240 each, cheaper
than these) stays well within one process's turn-taking, and gunicorn's processes (not threads) are
what scale the checks across cores. Never keep a model object beyond the lock, nor call one without it.
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

# Held by every use of the models (module docstring); re-entrant, as find_faces calls its passes with it held.
MODELS_LOCK = threading.RLock()


def models():
    """The process's one set of models (loaded on first use). Only to be used holding MODELS_LOCK."""
    with MODELS_LOCK:
        return _load()


def load_models():
    """Load the models now: for a server or worker as it starts (deploy/gunicorn.conf.py, `make run`,
    face/receivers.py), so that the first portrait does not wait for them."""
    models()


@functools.cache
def _load():
    return SimpleNamespace(
        detector=dlib.get_frontal_face_detector(),
        haar=cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml"),
        landmarks68=dlib.shape_predictor(files.pose_predictor_model_location()),
        landmarks5=dlib.shape_predictor(files.pose_predictor_five_point_model_location()),
        encoder=dlib.face_recognition_model_v1(files.face_recognition_model_location()),
    )


@dataclass
class Face:
    rect: dlib.rectangle  # in working-picture pixels
    points: np.ndarray  # the 68 landmarks (x, y), float, iBUG 300-W numbering
    found_by: str = "hog"  # the detection pass that found it: hog, hog_upsampled, hog_padded, haar_hog

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


def find_faces(rgb, quick=False):
    """Faces in an RGB uint8 picture, largest first, each with its 68 landmarks and the pass that found it.

    quick: for the live guidance's small preview frames, the upsampled HOG pass (the costliest, 18 ms of
    the 40 a far face took at 320x240) is left out and the Haar pass proposes faces up to 96 px instead,
    covering the same sizes for about 14 ms."""
    with MODELS_LOCK:
        return _find_faces(rgb, quick)


def _find_faces(rgb, quick):
    m = models()
    height, width = rgb.shape[:2]
    scale = min(1.0, settings.FACE_DETECT_SIDE / max(width, height))
    small = rgb
    if scale < 1:
        small = cv2.resize(rgb, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    found_by = "hog"
    rects = list(m.detector(small, 0))
    if not rects and not quick:
        found_by, rects = "hog_upsampled", list(m.detector(small, 1))
    if not rects:
        found_by, rects = "haar_hog", small_faces(small, SMALL_FACE_MAX_QUICK if quick else SMALL_FACE_MAX)
    if not rects:
        found_by, rects = "hog_padded", cut_faces(small)
    if not rects and quick:
        # A small face on a dark wall escapes the quick passes; without this pass the live guidance said
        # "more light" where the shot says "move closer" (issue 25). A frame with no face is checked
        # once a second (the capture script), so its cost stays low.
        found_by, rects = "hog_upsampled", list(m.detector(small, 1))
    faces = []
    for r in rects:
        rect = dlib.rectangle(
            round(r.left() / scale), round(r.top() / scale), round(r.right() / scale), round(r.bottom() / scale)
        )
        shape = m.landmarks68(rgb, rect)
        faces.append(Face(rect, np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64), found_by))
    faces.sort(key=lambda f: f.rect.area(), reverse=True)
    return faces


def cut_faces(rgb):
    """Fourth pass: HOG on the frame padded with its own mirror image, for a face cut by the frame's edge
    (the detector looks at the forehead and chin around the eyes too). Only faces whose centre lies in
    the frame count (a face wholly in the mirrored band is a reflection)."""
    height, width = rgb.shape[:2]
    pad_x, pad_y = round(width * SMALL_FACE_PAD), round(height * SMALL_FACE_PAD)
    padded = cv2.copyMakeBorder(rgb, pad_y, pad_y, pad_x, pad_x, cv2.BORDER_REFLECT)
    found = []
    with MODELS_LOCK:
        rects = list(models().detector(padded, 0))
    for r in rects:
        rect = dlib.rectangle(r.left() - pad_x, r.top() - pad_y, r.right() - pad_x, r.bottom() - pad_y)
        centre = rect.center()
        if 0 <= centre.x < width and 0 <= centre.y < height:
            found.append(rect)
    return found


SMALL_FACE_MIN = 16  # pixels: the smallest face the Haar cascade proposes
SMALL_FACE_MAX = 72  # pixels: larger faces are the HOG passes' (the cascade's cost halves with this cap)
SMALL_FACE_MAX_QUICK = 96  # pixels: without the upsampled HOG pass, the cascade looks up to HOG's smallest
SMALL_FACE_ZOOM = 120  # pixels: a proposed face is enlarged to about this width before HOG confirms it
SMALL_FACE_PAD = 0.2  # the frame is padded by this share of its size with its own edge pixels


def small_faces(rgb, max_size=None):
    """Third pass: small faces proposed by the Haar cascade, each confirmed by HOG on an enlarged cut-out.
    Rectangles in `rgb` pixels (they may reach beyond its edges for a face cut by the frame)."""
    height, width = rgb.shape[:2]
    pad_x, pad_y = round(width * SMALL_FACE_PAD), round(height * SMALL_FACE_PAD)
    padded = cv2.copyMakeBorder(rgb, pad_y, pad_y, pad_x, pad_x, cv2.BORDER_REPLICATE)
    grey = cv2.equalizeHist(cv2.cvtColor(padded, cv2.COLOR_RGB2GRAY))
    with MODELS_LOCK:
        return _confirmed_small_faces(models(), padded, grey, pad_x, pad_y, max_size)


def _confirmed_small_faces(m, padded, grey, pad_x, pad_y, max_size):
    proposals = m.haar.detectMultiScale(grey, scaleFactor=1.15, minNeighbors=3, minSize=(SMALL_FACE_MIN,) * 2,
                                        maxSize=(max_size or SMALL_FACE_MAX,) * 2)
    found = []
    for x, y, w, h in proposals:
        x0, y0 = max(0, x - w), max(0, y - h)
        x1, y1 = min(padded.shape[1], x + 2 * w), min(padded.shape[0], y + 2 * h)
        k = max(1.0, SMALL_FACE_ZOOM / w)
        cut = cv2.resize(padded[y0:y1, x0:x1], (round((x1 - x0) * k), round((y1 - y0) * k)),
                         interpolation=cv2.INTER_CUBIC)
        for r in m.detector(cut, 0):
            rect = dlib.rectangle(round(r.left() / k + x0 - pad_x), round(r.top() / k + y0 - pad_y),
                                  round(r.right() / k + x0 - pad_x), round(r.bottom() / k + y0 - pad_y))
            if not any(overlaps(rect, other) for other in found):
                found.append(rect)
    return found


def overlaps(a, b):
    return a.intersect(b).area() > 0.3 * min(a.area(), b.area())
