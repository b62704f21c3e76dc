"""Face encoders: what turns a found face into the vector face.search compares (issue 24).

The encoder is a setting (settings.FACE_ENCODER); every encoding stored says which encoder made it
(Portrait.encoder, "name@version"), so a change of encoder is a re-encoding (`manage.py reencode_faces`),
never a mix of two spaces in one search. Each encoder here:

- "dlib": dlib's ResNet (face_recognition's model, 128-d, 5-point alignment, one jitter). Trained on
  mostly Western faces: measured on East Asian faces its space is tight (docs/performance.md).
- "mobilefacenet": a MobileFaceNet-type network, 512-d, run with onnxruntime on a 112x112 crop aligned on
  five points taken from dlib's 68 landmarks (the eyes' centres, the tip of the nose, the mouth's
  corners) to the usual ArcFace reference points. The model file is vendored
  (face/encoders/models/mobilefacenet.onnx, from npm faceplugin-face-recognition-js 0.0.1,
  model/fr_feature.onnx, MIT: the licence file lies beside it); its training data is not stated by its
  publisher (README, "Face encoders").

Both give vectors compared by Euclidean distance (the mobilefacenet vector is scaled to length 1, so
its distance is sqrt(2 - 2 cos) and pgvector's L2 index serves it as it serves dlib's). The decision
"could be the same person" is calibrated per encoder (face.calibration), never a fixed 0.6.

Detection and the 68 landmarks stay dlib's (face.detection): the quality check needs them anyway.
"""

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import dlib_resnet, mobilefacenet

ENCODERS = {module.NAME: module for module in (dlib_resnet, mobilefacenet)}


def get(name=None):
    """The encoder module called `name` ("dlib" or "mobilefacenet"), the active one by default."""
    name = name or settings.FACE_ENCODER
    try:
        return ENCODERS[name.split("@")[0]]
    except KeyError:
        raise ImproperlyConfigured(f"FACE_ENCODER must be one of {', '.join(ENCODERS)}, not {name!r}") from None


def label(name=None):
    """"name@version" as stored with each encoding (Portrait.encoder)."""
    encoder = get(name)
    return f"{encoder.NAME}@{encoder.VERSION}"


@functools.cache
def dimensions(name):
    return get(name).DIMENSIONS
