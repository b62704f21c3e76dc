"""Benchmark of the portrait quality check and the encoding: `python manage.py bench_face` (make bench).

Prints the median milliseconds per portrait at 640x480 (a webcam frame) and 1920x1080, plus a
40-megapixel phone photo, and the peak memory. Frames are made from the real portraits in tests/faces.
By default the process is pinned to one CPU core, as the goal is stated for one core
(verdict on screen within 0.5 s of the shutter for a 640x480 frame).

Memory: "tracemalloc peak" is the largest amount of memory allocated through Python's allocator
(numpy arrays included) during one check; Pillow's and dlib's own C++ buffers are not in it.
"ru_maxrss" is the process's peak resident set size from getrusage: everything, including the
~100 MB of dlib models, Django and the 40 MP test photo itself.
"""

import io
import os
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageOps

from face.detection import find_faces, models
from face.encoding import encode
from face.quality import check_portrait

PORTRAITS = ["obama_1", "leslie_1", "lacamoire_2", "biden_2"]
SIZES = [(640, 480), (1920, 1080)]
PHONE_SIZE = (7728, 5152)  # 40 megapixels


def faces_dir():
    return Path(settings.BASE_DIR) / "tests" / "faces"


def frame(image, size):
    """A camera-like frame of `size` cut from a portrait photo: the photo cropped to the frame's shape
    around the (largest) face, as a person sitting in front of the camera would be, then resized."""
    image = ImageOps.exif_transpose(image).convert("RGB")
    width, height = size
    target = width / height
    w, h = (round(image.height * target), image.height) if image.width / image.height > target else (
        image.width, round(image.width / target))
    small = image.copy()
    small.thumbnail((640, 640))
    faces = find_faces(np.asarray(small))
    cx, cy = image.width / 2, image.height / 2
    if faces:
        k = image.width / small.width
        cx, cy = faces[0].points[:, 0].mean() * k, faces[0].points[:, 1].mean() * k
    left = min(max(0, round(cx - w / 2)), image.width - w)
    top = min(max(0, round(cy - h / 2)), image.height - h)
    return image.crop((left, top, left + w, top + h)).resize(size, Image.Resampling.LANCZOS)


def jpeg(image, quality=92):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


class Command(BaseCommand):
    help = "Median time per portrait of the quality check and the encoding, and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=5, help="passes over the portraits (default 5)")
        parser.add_argument("--all-cores", action="store_true", help="do not pin the process to one core")

    def handle(self, rounds, all_cores, **options):
        if not all_cores and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        started = time.perf_counter()
        models()
        self.stdout.write(f"bench_face: {cores} core(s), {rounds} rounds over {len(PORTRAITS)} portraits; "
                          f"models loaded in {(time.perf_counter() - started) * 1000:.0f} ms (once per process)")
        photos = [Image.open(faces_dir() / f"{name}.jpg") for name in PORTRAITS]
        for size in SIZES:
            frames = [jpeg(frame(photo, size)) for photo in photos]
            self.report(f"{size[0]}x{size[1]}", frames, rounds)
        phone = [jpeg(frame(photos[0], PHONE_SIZE), 90)]
        self.report(f"{PHONE_SIZE[0]}x{PHONE_SIZE[1]} (40 MP photo, {len(phone[0]) // 1024} KB)", phone, 3)

    def report(self, label, frames, rounds):
        checks, encodings, verdicts = [], [], set()
        for _ in range(rounds):
            for data in frames:
                t = time.perf_counter()
                report = check_portrait(data)
                checks.append((time.perf_counter() - t) * 1000)
                verdicts.add("accepted" if report.accepted else ",".join(report.reasons))
                t = time.perf_counter()
                encode(data)
                encodings.append((time.perf_counter() - t) * 1000)
        tracemalloc.start()
        check_portrait(frames[0])
        _current, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        check, enc = statistics.median(checks), statistics.median(encodings)
        self.stdout.write(
            f"{label}: quality check median {check:.0f} ms, encoding median {enc:.0f} ms, "
            f"check + encoding {check + enc:.0f} ms; tracemalloc peak {traced / 2**20:.1f} MB; "
            f"verdicts: {', '.join(sorted(verdicts))}; process peak so far (ru_maxrss) "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
