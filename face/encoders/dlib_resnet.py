"""dlib's ResNet face encoder, as face_recognition.face_encodings computes it (128-d, 5-point alignment,
one jitter): an encoding from here and one from face_recognition are the same vector."""

import numpy as np

from ..detection import MODELS_LOCK, models

NAME = "dlib"
VERSION = "1"  # dlib_face_recognition_resnet_model_v1 (face_recognition_models 0.3.0)
DIMENSIONS = 128
TITLE = "dlib ResNet (face_recognition), 128-d"


def encode_face(rgb, face):
    with MODELS_LOCK:
        m = models()
        shape = m.landmarks5(rgb, face.rect)
        return np.asarray(m.encoder.compute_face_descriptor(rgb, shape, 1), dtype=np.float32)


def load():
    with MODELS_LOCK:
        models()
