"""How face evidence weakens across decades: `python manage.py bench_age_gap DIR` (issue 24).

DIR is laid out as the Large Age-Gap set (Bianco 2017; academic, non-commercial: never committed): one
folder per person holding photos of them old, and a `y/` folder inside with photos of them young; the
photos are 100x100 face crops, padded here with their own edges so the detector sees a whole face.
For each encoder, at the product's own decision (face.encoding.match_distance: the East Asian
calibration's 1 % false matches) it prints the misses between two photos of one person at about the
same age (both old, or both young) and across the gap (young against old), the false matches between
two people, and the share of same-person pairs found across the gap relative to the same age: the
factor by which the face's weight in the rank falls for an old photo (settings.FACE_OLD_PHOTO_WEIGHT,
docs/performance.md).
"""

import os
from pathlib import Path

import cv2
import numpy as np
from django.core.management.base import BaseCommand, CommandError

from face import encoders
from face.detection import find_faces
from face.encoding import match_distance
from face.images import ImageRefused, open_portrait

PICTURES = {".jpg", ".jpeg", ".png"}


class Command(BaseCommand):
    help = "Misses across an age gap against the same age, per encoder, at the product's face decision."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--encoder", action="append", choices=sorted(encoders.ENCODERS))
        parser.add_argument("--limit", type=int, default=None, help="at most this many people")

    def handle(self, directory, encoder=None, limit=None, **options):
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"{directory} is not a folder")
        names = encoder or sorted(encoders.ENCODERS)
        people = sorted(p for p in root.iterdir() if p.is_dir())[:limit]
        rows = []  # (person index, young?, {encoder: vector})
        found = missed = 0
        for index, folder in enumerate(people):
            for young, sub in ((False, folder), (True, folder / "y")):
                if not sub.is_dir():
                    continue
                for name in sorted(os.listdir(sub)):
                    path = sub / name
                    if path.suffix.lower() not in PICTURES or not path.is_file():
                        continue
                    vectors = self.encode(path.read_bytes(), names)
                    if vectors is None:
                        missed += 1
                        continue
                    found += 1
                    rows.append((index, young, vectors))
        self.stdout.write(f"{len(people)} people, {found} photos with a face found ({missed} without) in {root}")
        owner = np.array([r[0] for r in rows])
        young = np.array([r[1] for r in rows])
        upper = np.triu_indices(len(rows), k=1)
        same = owner[upper[0]] == owner[upper[1]]
        across = young[upper[0]] != young[upper[1]]
        for name in names:
            vectors = np.stack([r[2][name] for r in rows])
            sq = np.einsum("ij,ij->i", vectors, vectors)
            d = np.sqrt(np.clip(sq[:, None] + sq[None, :] - 2 * vectors @ vectors.T, 0, None))[upper]
            limit_d = match_distance(name)
            miss_same = float(np.mean(d[same & ~across] > limit_d))
            miss_gap = float(np.mean(d[same & across] > limit_d))
            false = float(np.mean(d[~same] <= limit_d))
            lag_1 = float(np.quantile(d[~same], 0.01))
            factor = (1 - miss_gap) / (1 - miss_same) if miss_same < 1 else 0.0
            self.stdout.write(
                f"\n== {encoders.label(name)} at the product's decision {limit_d:.3f}: "
                f"{int((same & ~across).sum())} same-age pairs, {int((same & across).sum())} young-old pairs, "
                f"{int((~same).sum())} pairs of two people")
            self.stdout.write(f"misses, same age: {miss_same:.1%}; misses across the gap: {miss_gap:.1%}; "
                              f"false matches: {false:.2%}")
            self.stdout.write(f"at this set's own 1% false matches ({lag_1:.3f}): misses across the gap "
                              f"{np.mean(d[same & across] > lag_1):.1%}, same age {np.mean(d[same & ~across] > lag_1):.1%}")
            self.stdout.write(f"same-person pairs found across the gap / at the same age: {factor:.2f}")

    def encode(self, data, names):
        try:
            image = open_portrait(data)
        except ImageRefused:
            return None
        rgb = image.rgb
        if max(rgb.shape[:2]) < 200:  # a tight face crop: enlarge and pad it as a portrait would frame it
            rgb = cv2.resize(rgb, (rgb.shape[1] * 2, rgb.shape[0] * 2), interpolation=cv2.INTER_CUBIC)
            pad = rgb.shape[0] // 2
            rgb = cv2.copyMakeBorder(rgb, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
        faces = find_faces(np.ascontiguousarray(rgb))
        if not faces:
            return None
        return {name: encoders.get(name).encode_face(rgb, faces[0]) for name in names}
