"""gunicorn's settings for Homeward (docker-compose.yml and `make loadtest` pass it with -c).

Each web process loads the face models as it starts: the quality check of a portrait or family photo
needs them, and loading them on the first upload made that upload wait seconds (`make loadtest`).
"""

import os

from face.detection import models

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60


def post_worker_init(worker):
    models()
