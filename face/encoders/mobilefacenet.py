"""A MobileFaceNet-type ONNX encoder (512-d), run with onnxruntime on one core.

Model: face/encoders/models/mobilefacenet.onnx, byte for byte npm faceplugin-face-recognition-js@0.0.1's
model/fr_feature.onnx (package licence MIT, copied beside it; sha256 in SHA256 below, checked on load).
Input: 1x3x112x112 RGB, (pixel - 127) / 128, the face aligned on five points to the ArcFace reference
(as the package's own fr_feature.js does, there from three); output 512 numbers, scaled here to length 1,
for the crop and its mirror image, averaged (encode_face).
"""

import functools
import hashlib
import threading
from pathlib import Path

import cv2
import numpy as np
import onnxruntime
from django.utils.translation import gettext_lazy as _

NAME = "mobilefacenet"
VERSION = "2"  # the file whose sha256 is below, the crop and its mirror image averaged (1: the crop alone)
DIMENSIONS = 512
TITLE = "MobileFaceNet (ONNX, faceplugin-face-recognition-js 0.0.1), 512-d"  # the technical name (README)
# As the review page says it; in Chinese without the product name (docs/glossary.md): 人脸模型二
LABEL = _("MobileFaceNet (face model 2, 512 dimensions)")
MODEL = Path(__file__).parent / "models" / "mobilefacenet.onnx"
SHA256 = "87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581"
SIZE = 112
# Where the eyes' centres, the nose tip and the mouth's corners go in the 112x112 crop (ArcFace's).
REFERENCE = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655],
                      [70.7299, 92.2041]], dtype=np.float32)
LOCK = threading.Lock()  # one session per process; onnxruntime's run is thread-safe, loading is not


class ModelChanged(RuntimeError):
    pass


@functools.cache
def _session():
    data = MODEL.read_bytes()
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise ModelChanged(f"{MODEL} is not the model this encoder was calibrated for (sha256 differs)")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # a shared machine: one core per encoding, processes scale
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def load():
    with LOCK:
        return _session()


def five_points(points):
    """The five alignment points from dlib's 68 landmarks (iBUG 300-W numbering)."""
    return np.array([points[36:42].mean(axis=0), points[42:48].mean(axis=0), points[30],
                     points[48], points[54]], dtype=np.float32)


def aligned(rgb, points):
    """The 112x112 crop of the face, its five points moved onto REFERENCE by a similarity transform."""
    matrix, _ = cv2.estimateAffinePartial2D(five_points(points), REFERENCE, method=cv2.LMEDS)
    if matrix is None:  # degenerate points: fall back on the eyes and nose alone
        matrix = cv2.getAffineTransform(five_points(points)[:3], REFERENCE[:3])
    return cv2.warpAffine(rgb, matrix, (SIZE, SIZE), borderMode=cv2.BORDER_REPLICATE)


def encode_face(rgb, face):
    """The mean of the unit vectors of the aligned crop and of its mirror image, scaled to length 1 (on the
    calibration set: misses at 1 % false matches 4.1 % -> 3.6 %, on its Chinese people 6.1 % -> 4.5 %, for
    twice the network's time; docs/performance.md)."""
    crop = (aligned(rgb, face.points).astype(np.float32) - 127.0) / 128.0
    both = np.stack([crop, crop[:, ::-1]]).transpose(0, 3, 1, 2)
    session = load()
    vectors = [session.run(None, {"input": np.ascontiguousarray(one[None])})[0][0] for one in both]
    mean = sum(v / max(float(np.linalg.norm(v)), 1e-12) for v in vectors)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
