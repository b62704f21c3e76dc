"""dlib's ResNet face encoder, as face_recognition.face_encodings computes it (128-d, 5-point alignment,
one jitter): an encoding from here and one from face_recognition are the same vector."""

import numpy as np
from django.utils.translation import gettext_lazy as _

from ..detection import MODELS_LOCK, models

NAME = "dlib"
VERSION = "1"  # dlib_face_recognition_resnet_model_v1 (face_recognition_models 0.3.0)
DIMENSIONS = 128
TITLE = "dlib ResNet (face_recognition), 128-d"  # the technical name (README, docs/performance.md)
# As the review page says it; in Chinese without the product name (docs/glossary.md): 人脸模型一
LABEL = _("dlib ResNet (face model 1, 128 dimensions)")


def encode_face(rgb, face):
    with MODELS_LOCK:
        m = models()
        shape = m.landmarks5(rgb, face.rect)
        return np.asarray(m.encoder.compute_face_descriptor(rgb, shape, 1), dtype=np.float32)


def load():
    with MODELS_LOCK:
        models()
