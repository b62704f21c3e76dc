"""/healthz: what an operator (and docker compose) asks before sending people to the site. Each check
says OK or what is wrong; none shows personal data.

- the database answers, and the media storage takes a file (django-health-check's own checks);
- the broker takes a connection (Redis in production, the filesystem transport embedded);
- the face models load (dlib's detector, landmarks and encoder, from face_recognition_models);
- a worker ran the deadline sweep that beat schedules, recently (shelter.models.Heartbeat).
"""

import dataclasses
import datetime

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from config.celery import app
from face.detection import models as face_models
from shelter.models import Heartbeat


@dataclasses.dataclass
class Broker(HealthCheck):
    def run(self):
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as e:  # the transports' errors differ: any of them means the queue is down
            raise ServiceUnavailable("the Celery broker cannot be reached") from e


@dataclasses.dataclass
class FaceModels(HealthCheck):
    def run(self):
        try:
            face_models()
        except Exception as e:
            raise ServiceUnavailable("the face models cannot be loaded") from e


@dataclasses.dataclass
class WorkerAndBeat(HealthCheck):
    """The sweep runs every TRACING_SWEEP_SECONDS; three missed ticks (and a minute's grace) mean that
    beat or every worker is down, and no reminder goes out."""

    def run(self):
        last = Heartbeat.last("sweep")
        allowed = datetime.timedelta(seconds=3 * settings.TRACING_SWEEP_SECONDS + 60)
        if last is None or timezone.now() - last > allowed:
            raise ServiceUnavailable("no deadline sweep has run recently: start the Celery worker and beat")


CHECKS = [
    "health_check.checks.Database",
    "health_check.checks.Storage",
    Broker,
    FaceModels,
    WorkerAndBeat,
]
