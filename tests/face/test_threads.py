"""The face models under threads (issue 23): the quality check hammered from 8 threads gives, for every
frame, the verdict a single thread gives, and the process lives.

A threaded server (runserver, gunicorn's gthread workers, a threaded Celery pool) checks several desks'
frames at once. Before face.detection's lock, the shared dlib and OpenCV models crashed the process
(`free(): invalid pointer`, a general protection fault in _dlib_pybind11) or found 52 faces in a frame
with one.

The hammering runs in a plain Python subprocess (this file run as a script): a crash there fails the
test instead of killing pytest, and the subprocess does not load the suite's plugins, so the answers are
dlib's own every time (tests/face_cache.py would otherwise answer repeated pictures from its memory and
hide the race).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
THREADS = 8
ROUNDS = 5  # each thread checks every frame this many times, each thread starting at another frame


def frames():
    """(name, JPEG bytes, frame_size) of varied frames: full shots and the live guidance's 320x240 copies."""
    import numpy as np
    from PIL import Image, ImageOps

    from devtools.images import faces_dir, far_away, frame, jpeg, scaled, webcam_frame
    from face.detection import find_faces

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
    import threading

    import django

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    assert "tests.face_cache" not in sys.modules
    from face.quality import check_portrait

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


def test_quality_check_from_eight_threads_gives_the_single_threaded_verdicts():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(BASE_DIR)}
    run = subprocess.run([sys.executable, __file__], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                         timeout=240)
    assert run.returncode == 0, f"the subprocess died ({run.returncode}):\n{run.stderr[-3000:]}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["checks"] == THREADS * ROUNDS * 16
    assert result["differences"] == [], json.dumps(result["differences"][:10], indent=1)
    # The frames are the varied ones asked for: accepted, refused for size, darkness, no face, two faces.
    reasons = {name: v[4] for name, v in result["expected"].items()}
    assert reasons["good"] == [] and "too_small" in reasons["small face"] and "too_dark" in reasons["dark"]
    assert reasons["empty wall"][0] == "no_face" and "multiple_faces" in reasons["two people"]


if __name__ == "__main__":
    hammer()
