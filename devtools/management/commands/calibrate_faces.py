"""Calibrate the face encoders on labelled faces: `python manage.py calibrate_faces DIR` (issue 24).

DIR holds one folder per person (any depth: a person is a folder that holds pictures directly). Every
picture is read as a portrait would be (face.images.open_portrait), its largest face found
(face.detection) and encoded by each encoder asked for (--encoder, repeatable; every encoder by
default). Prints, per encoder, the genuine (same person) and impostor (two people) distances, the
thresholds at 1 % and 0.1 % false matches with the misses at each, and the time per face; then writes
them to settings.FACE_CALIBRATION_FILE (face.calibration), which the product's decisions read
(--dry-run: print only).

The faces themselves are never copied anywhere: only the distances' figures are written.
"""

import hashlib
import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from face import calibration, encoders
from face.detection import find_faces
from face.images import ImageRefused, open_portrait

PICTURES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


def labelled_pictures(root):
    """{person folder (relative path): [picture paths]} for every folder that holds pictures."""
    people = {}
    for folder, _, files in sorted(os.walk(root, followlinks=True)):
        for name in sorted(files):
            if Path(name).suffix.lower() in PICTURES:
                people.setdefault(str(Path(folder).relative_to(root)), []).append(Path(folder) / name)
    return people


class Command(BaseCommand):
    help = "Measure each face encoder's genuine and impostor distances on a folder of labelled faces."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--encoder", action="append", choices=sorted(encoders.ENCODERS),
                            help="encoder to calibrate (repeatable; all by default)")
        parser.add_argument("--source", default="", help="where the faces come from, written with the figures")
        parser.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")

    def handle(self, directory, encoder=None, source="", dry_run=False, **options):
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"{directory} is not a folder")
        names = encoder or sorted(encoders.ENCODERS)
        people = labelled_pictures(root)
        vectors = {name: {} for name in names}
        seconds = {name: 0.0 for name in names}
        photos = skipped = 0
        seen = set()  # the same file twice (copies named "x (2).jpg") would make a genuine pair at 0
        for person, paths in people.items():
            for path in paths:
                data = path.read_bytes()
                if hashlib.sha256(data).digest() in seen:
                    skipped += 1
                    continue
                seen.add(hashlib.sha256(data).digest())
                try:
                    image = open_portrait(data)
                except ImageRefused:
                    skipped += 1
                    continue
                faces = find_faces(image.rgb)
                if not faces:
                    skipped += 1
                    continue
                photos += 1
                for name in names:
                    started = time.perf_counter()
                    vector = encoders.get(name).encode_face(image.rgb, faces[0])
                    seconds[name] += time.perf_counter() - started
                    vectors[name].setdefault(person, []).append(vector)
        self.stdout.write(f"{len(people)} people, {photos} photos with a face, {skipped} skipped (a copy, no "
                          f"picture or no face found) in {root}")
        for name in names:
            record = calibration.measure(vectors[name], encoder=encoders.label(name), source=source or str(root),
                                         photos=photos, skipped=skipped)
            record["ms_per_face"] = round(1000 * seconds[name] / max(photos, 1), 1)
            self.report(record)
            if not dry_run:
                calibration.write(record)
        if not dry_run:
            self.stdout.write(f"Written to the calibration file ({calibration.settings.FACE_CALIBRATION_FILE}).")

    def report(self, record):
        out = self.stdout.write
        g, i = record["genuine"], record["impostor"]
        out(f"\n== {record['encoder']}: {record['genuine_pairs']:,} genuine pairs, "
            f"{record['impostor_pairs']:,} impostor pairs; encoding {record['ms_per_face']} ms per face")
        out(f"genuine distances:  min {g['min']:.3f}  median {g['median']:.3f}  max {g['max']:.3f}")
        out(f"impostor distances: min {i['min']:.3f}  median {i['median']:.3f}  max {i['max']:.3f}")
        for rate, distance in record["thresholds"].items():
            out(f"at {float(rate):.1%} false matches: threshold {distance:.3f}, misses "
                f"{record['misses'][rate]:.1%}")
