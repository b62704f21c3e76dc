"""The hammering of tests/face/test_threads.py, run as a plain Python script in a subprocess: the quality
check of varied frames from THREADS threads, each verdict compared with a single thread's. Prints
{"checks": n, "expected": {...}, "differences": [...]} as JSON. The suite's plugins are not loaded here,
so the answers are dlib's own every time (tests/face_cache.py would answer repeated pictures from its
memory and hide the race)."""

import json
import os
import sys
import threading
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from devtools.images import faces_dir, far_away, frame, jpeg, scaled, webcam_frame  # noqa: E402
from face.detection import find_faces  # noqa: E402
from face.quality import check_portrait  # noqa: E402

THREADS = 8
ROUNDS = 5  # each thread checks every frame this many times, each thread starting at another frame


def frames():
    """(name, JPEG bytes, frame_size) of varied frames: full shots and the live guidance's 320x240 copies."""
    good = webcam_frame("obama_1")
    face = find_faces(np.asarray(good))[0]
    shots = {
        "good": good,
        "small face": far_away(good, face, 14),
        "far": far_away(good, face, 30),
        "dark": scaled(good, 0.2),
        "empty wall": Image.new("RGB", (640, 480), (150, 140, 125)),
        "two people": frame(Image.open(faces_dir() / "two_people.jpg"), (640, 480)),
        "obama and biden": frame(Image.open(faces_dir() / "obama_and_biden.jpg"), (640, 480)),
        "turned": ImageOps.mirror(webcam_frame("harington_2")),
    }
    out = []
    for name, image in shots.items():
        out.append((name, jpeg(image), None))
        out.append((f"{name} (live)", jpeg(image.resize((320, 240)), 80), (640, 480)))
    return out


def verdict(report):
    m = report.measures
    return [m.get("faces_detected"), m.get("faces"), m.get("detector"), report.accepted, list(report.reasons)]


def hammer():
    """Run as a script: prints {"checks": n, "differences": [...]} as JSON."""
    assert "tests.face_cache" not in sys.modules
    cases = frames()
    expected = {name: verdict(check_portrait(data, frame_size=size)) for name, data, size in cases}
    differences, checks = [], []
    start = threading.Barrier(THREADS)

    def work(k):
        start.wait()
        for r in range(ROUNDS):
            for i in range(len(cases)):
                name, data, size = cases[(i + k * 3 + r) % len(cases)]
                try:
                    got = verdict(check_portrait(data, frame_size=size))
                except Exception as e:  # a model in a broken state may raise rather than crash
                    got = repr(e)
                checks.append(1)
                if got != expected[name]:
                    differences.append({"frame": name, "expected": expected[name], "got": got})

    threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"checks": len(checks), "expected": expected, "differences": differences}))


if __name__ == "__main__":
    hammer()
