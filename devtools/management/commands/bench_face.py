"""Benchmark of the portrait quality check and the encoding: `python manage.py bench_face` (make bench).

The encoding's line is the active encoder's (settings.FACE_ENCODER); "encoders" gives each encoder's
own time per face once the face is found (issue 24).

Prints the median milliseconds per portrait at 640x480 (a webcam frame) and 1920x1080, plus a
40-megapixel phone photo, and the peak memory. Frames are made from the real portraits in tests/faces.
By default the process is pinned to one CPU core, as the goal is stated for one core
(verdict on screen within 0.5 s of the shutter for a 640x480 frame).

Memory: "tracemalloc peak" is the largest amount of memory allocated through Python's allocator
(numpy arrays included) during one check; Pillow's and dlib's own C++ buffers are not in it.
"ru_maxrss" is the process's peak resident set size from getrusage: everything, including the
~100 MB of dlib models, Django and the 40 MP test photo itself.

--confusion prints, instead, the verdict on every degraded copy of the portraits in tests/faces that
degraded_set() makes (far, very far, blown, dark, defocused, cut at each side, turned heads from the
real three-quarter photos and their mirror images) as a confusion table: expected reason against the
reason given (face.verdicts.primary_reason), then the cases that went wrong. tests/face/test_guidance.py
asserts the same set.

The live guidance (the capture page sends a 320x240 copy of the preview FACE_LIVE_RATE times a second
while a face is found, once a second while none is) is measured too: milliseconds per frame and the
share of one core per camera, for a person in front of the camera, one standing back, an empty chair.
"""

import os
import resource
import statistics
import time
import tracemalloc
from collections import Counter

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image

from face import encoders as face_encoders
from face.detection import find_faces, models
from face.encoders import mobilefacenet
from face.encoding import encode
from face.quality import check_portrait
from face.verdicts import primary_reason

from ...images import degraded_set, faces_dir, far_away, frame, jpeg

PORTRAITS = ["obama_1", "leslie_1", "lacamoire_2", "biden_2"]
SIZES = [(640, 480), (1920, 1080)]
PHONE_SIZE = (7728, 5152)  # 40 megapixels


def confusion(rows):
    """The confusion table (expected reason down, given reason across) as lines of text."""
    expected = sorted({r[0] for r in rows})
    given = sorted({r[1] for r in rows})
    width = max(len(g) for g in given + expected) + 1
    lines = ["expected \\ given".ljust(width) + "".join(g.rjust(width) for g in given)]
    for e in expected:
        counts = [sum(1 for r in rows if r[0] == e and r[1] == g) for g in given]
        lines.append(e.ljust(width) + "".join((str(c) if c else ".").rjust(width) for c in counts))
    return lines


class Command(BaseCommand):
    help = "Median time per portrait of the quality check and the encoding, and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=5, help="passes over the portraits (default 5)")
        parser.add_argument("--all-cores", action="store_true", help="do not pin the process to one core")
        parser.add_argument("--confusion", action="store_true",
                            help="print the confusion table of the degraded copies instead of timings")

    def handle(self, rounds, all_cores, confusion, **options):
        if confusion:
            return self.confusion()
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
        self.encoders(photos, rounds)
        self.live(photos, rounds)

    def encoders(self, photos, rounds):
        """Each encoder's CPU time per face (issue 24), from the face found (detection and the 68 landmarks
        are shared and measured above): dlib's 5-point landmarks and ResNet; for mobilefacenet the
        5-point alignment to 112x112 (measured alone too) and the ONNX network, on one thread."""
        faces = []
        for photo in photos:
            rgb = np.asarray(frame(photo, (640, 480)))
            faces.append((rgb, find_faces(rgb)[0]))
        parts = []
        for name in sorted(face_encoders.ENCODERS):
            encoder = face_encoders.get(name)
            encoder.load()
            times = []
            for _ in range(rounds):
                for rgb, face in faces:
                    t = time.process_time()
                    encoder.encode_face(rgb, face)
                    times.append((time.process_time() - t) * 1000)
            parts.append(f"{face_encoders.label(name)} {statistics.median(times):.1f} ms ({encoder.DIMENSIONS}-d)")
        align = []
        for _ in range(rounds):
            for rgb, face in faces:
                t = time.process_time()
                mobilefacenet.aligned(rgb, face.points)
                align.append((time.process_time() - t) * 1000)
        self.stdout.write("encoders, median CPU time per face once found: " + ", ".join(parts)
                          + f"; of which mobilefacenet's alignment {statistics.median(align):.2f} ms")

    def live(self, photos, rounds):
        """The live guidance's cost: a 320x240 copy (JPEG 0.7, as capture.js sends it) of a person in front
        of the camera, one standing back, and an empty chair, checked as the endpoint does. capture.js
        checks FACE_LIVE_RATE frames a second while a face is found, one a second while none is."""
        scenes = {"person": [], "far": [], "empty": []}
        room = frame(Image.open(faces_dir() / "obama_4.jpg").crop((0, 0, 440, 330)), (640, 480))
        for photo in photos:
            image = frame(photo, (640, 480))
            face = find_faces(np.asarray(image))[0]
            for scene, picture in (("person", image), ("far", far_away(image, face, 20)), ("empty", room)):
                scenes[scene].append(jpeg(picture.resize((320, 240), Image.Resampling.BILINEAR), 70))
        # CPU time (all the process's threads), not wall time: the share of a core is what it costs the
        # server, and it does not swell when other processes share the machine.
        ms = {}
        for scene, frames in scenes.items():
            times = []
            for _ in range(rounds):
                for data in frames:
                    t = time.process_time()
                    check_portrait(data, frame_size=(640, 480))
                    times.append((time.process_time() - t) * 1000)
            ms[scene] = statistics.mean(times)
        rate = settings.FACE_LIVE_RATE
        shares = {"person": ms["person"] * rate / 1000, "far": ms["far"] * rate / 1000, "empty": ms["empty"] / 1000}
        worst = max(shares.values())
        self.stdout.write(
            "live guidance (320x240 JPEG of a 640x480 preview), mean CPU time per frame: "
            + ", ".join(f"{scene} {ms[scene]:.0f} ms" for scene in scenes)
            + f"; share of a core per camera ({rate:g} frames/s with a face, 1/s without): "
            + ", ".join(f"{scene} {share:.1%}" for scene, share in shares.items())
            + f"; worst {worst:.1%} ({1 / worst:.0f} cameras per core)"
        )

    def confusion(self):
        rows, wrong, found_by = [], [], {}
        for case, name, expected, data in degraded_set():
            report = check_portrait(data)
            given = primary_reason(report.reasons, report.measures)
            rows.append((expected, given))
            kind = case.split(" (")[0] if not case.startswith("cut") else " ".join(case.split()[:2])
            how = report.measures.get("detector", "no face")
            found_by.setdefault(kind, Counter())[how] += 1
            if given != expected:
                wrong.append(f"  {case} of {name}: expected {expected}, given {','.join(report.reasons) or 'accepted'}"
                             f" (detector {report.measures.get('detector', '-')})")
        right = sum(1 for e, g in rows if e == g)
        self.stdout.write(f"bench_face --confusion: {len(rows)} degraded copies, {right} given the expected reason")
        for line in confusion(rows):
            self.stdout.write(line)
        for line in wrong:
            self.stdout.write(line)
        self.stdout.write("found by (detection pass, face.detection): " + "; ".join(
            f"{kind}: " + ", ".join(f"{how} {n}" for how, n in sorted(counts.items())) for kind, counts in found_by.items()))

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
