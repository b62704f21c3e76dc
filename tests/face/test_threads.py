"""The face models under threads (issue 23): the quality check hammered from 8 threads gives, for every
frame, the verdict a single thread gives, and the process lives.

A threaded server (runserver, gunicorn's gthread workers, a threaded Celery pool) checks several desks'
frames at once. Before face.detection's lock, the shared dlib and OpenCV models crashed the process
(`free(): invalid pointer`, a general protection fault in _dlib_pybind11) or found 52 faces in a frame
with one.

The hammering (tests/face/hammer.py) runs in a plain Python subprocess: a crash there fails the test
instead of killing pytest, and the subprocess does not load the suite's plugins.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
HAMMER = Path(__file__).with_name("hammer.py")
THREADS, ROUNDS, FRAMES = 8, 5, 16


def test_quality_check_from_eight_threads_gives_the_single_threaded_verdicts():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(BASE_DIR)}
    run = subprocess.run([sys.executable, str(HAMMER)], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                         timeout=240)
    assert run.returncode == 0, f"the subprocess died ({run.returncode}):\n{run.stderr[-3000:]}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["checks"] == THREADS * ROUNDS * FRAMES
    assert result["differences"] == [], json.dumps(result["differences"][:10], indent=1)
    # The frames are the varied ones asked for: accepted, refused for size, darkness, no face, two faces.
    reasons = {name: v[4] for name, v in result["expected"].items()}
    assert reasons["good"] == [] and "too_small" in reasons["small face"] and "too_dark" in reasons["dark"]
    assert reasons["empty wall"][0] == "no_face" and "multiple_faces" in reasons["two people"]
