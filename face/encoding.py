"""The face encoding of a picture, and what a distance between two encodings means (issue 24).

Three functions for the active encoder (settings.FACE_ENCODER, face.encoders): encode() its vector,
distance() its measure, is_candidate() its decision. The decision is the distance at which
settings.FACE_FALSE_MATCH_RATE (1 %) of the strangers of its calibration set are nearer (face.calibration,
`manage.py calibrate_faces`), not dlib's documented 0.6, which on East Asian faces let through some
four pairs of strangers in ten (docs/performance.md).

Each takes `encoder` ("name" or "name@version") to speak of another encoder: the searches while a
re-encoding is under way compare with the encoder the stored encodings were made with
(face.reencoding.serving_encoder).
"""

import numpy as np

from . import calibration, encoders
from .detection import find_faces
from .images import ImageRefused, open_portrait


def encode(data, encoder=None):
    """np.float32 vector of the encoder's dimensions for the main (largest) face in the picture, or None
    when the file is not a usable picture or shows no face."""
    label = encoders.label(encoder)
    return encode_many(data, [label])[label]


def encode_many(data, labels):
    """{encoder label: vector or None} for the main face, found once, encoded by each encoder."""
    try:
        image = open_portrait(data)
    except ImageRefused:
        return dict.fromkeys(labels)
    faces = find_faces(image.rgb)
    if not faces:
        return dict.fromkeys(labels)
    return {label: encoders.get(label).encode_face(image.rgb, faces[0]) for label in labels}


def distance(a, b):
    """The encoders' measure: Euclidean distance (the ONNX encoder's vectors have length 1)."""
    return float(np.linalg.norm(np.asarray(a, dtype=np.float32) - np.asarray(b, dtype=np.float32)))


def match_distance(encoder=None):
    """The candidate decision's distance: settings.FACE_FALSE_MATCH_RATE of the strangers of the
    encoder's calibration set are nearer."""
    return calibration.threshold(encoders.label(encoder))


def is_candidate(distance, encoder=None):
    """Could the two faces be one person (the product proposes them to a person to judge)?"""
    return distance is not None and distance <= match_distance(encoder)


def false_match_rate(distance, encoder=None):
    """The share (0 to 1) of the calibration set's stranger pairs at least this close."""
    return calibration.false_match_rate(encoders.label(encoder), distance)


def strangers_this_close(distance, encoder=None):
    """N of "about 1 in N strangers are this close" for the calibration set of the encoder."""
    return calibration.one_in(encoders.label(encoder), distance)


def encoder_title(encoder=None):
    """The encoder's name as the review page shows it, in the reader's language (face model 1 or 2 and
    its length; the technical name, encoders.<module>.TITLE, is in the README)."""
    return encoders.get(encoder).LABEL
