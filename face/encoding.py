"""The 128-d face encoding of a portrait: what face.search compares.

Same models and parameters as face_recognition.face_encodings (dlib ResNet, 5-point alignment, one
jitter), so an encoding from here and one from face_recognition are the same vector. Two encodings of
one person are usually less than 0.6 apart (Euclidean), of two people more.
"""

from .detection import encode_face, find_faces
from .images import ImageRefused, open_portrait


def encode(data):
    """np.float32 array of shape (128,) for the main (largest) face in the picture, or None when the
    file is not a usable picture or shows no face."""
    try:
        image = open_portrait(data)
    except ImageRefused:
        return None
    faces = find_faces(image.rgb)
    if not faces:
        return None
    return encode_face(image.rgb, faces[0])
