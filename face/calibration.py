"""Each encoder's distances measured on labelled faces, and the decisions taken from them (issue 24).

`manage.py calibrate_faces DIR` (devtools) encodes a folder of labelled faces (one folder per person),
measures the distances between photos of one person (genuine pairs) and of two people (impostor pairs),
and writes, per encoder, to settings.FACE_CALIBRATION_FILE (face/calibration.json, committed: figures
only, never the faces):

- the distance at which 1 % and 0.1 % of impostor pairs are nearer (the false-match thresholds) and the
  share of genuine pairs farther (misses) at each;
- the impostor distances at a ladder of false-match rates, so that any distance reads as "about 1 in N
  strangers are this close" (false_match_rate below);
- the source of the faces, when and how many.

The product's decision (face.encoding.is_candidate, family proposals and the face score) is the
threshold at settings.FACE_FALSE_MATCH_RATE (1 % by default) of the active encoder.
"""

import functools
import json
import math

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RATES = (0.01, 0.001)  # false-match rates whose thresholds are written and printed
LADDER = np.logspace(-5, 0, 101)  # false-match rates at which the impostor distance is kept


def pair_distances(people):
    """(genuine, impostor) distance arrays from {person: [vector, ...]}, every pair once."""
    names = sorted(people)
    vectors = np.concatenate([np.asarray(people[n], dtype=np.float32) for n in names])
    owner = np.concatenate([[i] * len(people[n]) for i, n in enumerate(names)])
    squared = np.einsum("ij,ij->i", vectors, vectors)
    d2 = squared[:, None] + squared[None, :] - 2 * vectors @ vectors.T
    distances = np.sqrt(np.clip(d2, 0, None))
    upper = np.triu_indices(len(vectors), k=1)
    same = owner[upper[0]] == owner[upper[1]]
    return distances[upper][same], distances[upper][~same]


def measure(people, *, encoder, source, photos, skipped=0):
    """The calibration record of one encoder from {person: [vector, ...]} (at least two people)."""
    genuine, impostor = pair_distances(people)
    if not len(genuine) or not len(impostor):
        raise ValueError("calibration needs at least two people and one person with two photos")
    thresholds = {str(rate): float(np.quantile(impostor, rate, method="lower")) for rate in RATES}
    return {
        "encoder": encoder,
        "source": source,
        "people": len(people),
        "photos": photos,
        "skipped": skipped,
        "genuine_pairs": int(len(genuine)),
        "impostor_pairs": int(len(impostor)),
        "thresholds": thresholds,
        "misses": {rate: float(np.mean(genuine > d)) for rate, d in thresholds.items()},
        "genuine": summary(genuine),
        "impostor": summary(impostor),
        "ladder": [[float(rate), float(np.quantile(impostor, rate))] for rate in LADDER],
    }


def summary(values):
    return {"min": float(values.min()), "median": float(np.median(values)), "max": float(values.max()),
            "mean": float(values.mean()), "std": float(values.std())}


def write(record, path=None):
    """Store one encoder's record in the calibration file (the other encoders' records stay)."""
    path = path or settings.FACE_CALIBRATION_FILE
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        data = {}
    data[record["encoder"].split("@")[0]] = record
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    _records.cache_clear()


@functools.cache
def _records(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def record(encoder):
    """The calibration of encoder "name@version" (or "name"); ImproperlyConfigured if there is none, or it
    was measured for another version."""
    name, _, version = encoder.partition("@")
    found = _records(str(settings.FACE_CALIBRATION_FILE)).get(name)
    if found is None or (version and found["encoder"] != encoder):
        raise ImproperlyConfigured(f"no calibration for face encoder {encoder}: run manage.py calibrate_faces")
    return found


def threshold(encoder, rate=None):
    """The distance at which `rate` (settings.FACE_FALSE_MATCH_RATE) of strangers are nearer, on the ladder
    (interpolated on log rate between its steps)."""
    rate = settings.FACE_FALSE_MATCH_RATE if rate is None else rate
    ladder = np.array(record(encoder)["ladder"])
    return float(np.interp(math.log10(rate), np.log10(ladder[:, 0]), ladder[:, 1]))


def false_match_rate(encoder, distance):
    """The share of stranger pairs of the calibration set that are at least this close (0 to 1); nearer
    than all of them, one pair's share (floor: a bound, "fewer than")."""
    ladder = np.array(record(encoder)["ladder"])
    rate = float(10 ** np.interp(distance, ladder[:, 1], np.log10(ladder[:, 0])))
    return max(rate, floor(encoder))


def floor(encoder):
    """The rarest rate the calibration set can speak of: one of its stranger pairs."""
    return 1 / record(encoder)["impostor_pairs"]


def one_in(encoder, distance):
    """N of "about 1 in N strangers are this close", rounded to two significant digits."""
    rate = false_match_rate(encoder, distance)
    n = 1 / rate
    if n < 10:
        return max(1, round(n))
    digits = int(math.floor(math.log10(n))) - 1
    return int(round(n, -digits))

