"""Celery tasks of tracing. Thin: each calls the sweep."""

from celery import shared_task

from shelter.models import Heartbeat

from . import sweep


@shared_task(ignore_result=True)
def sweep_deadlines():
    """Beat runs this every minute (settings: CELERY_BEAT_SCHEDULE["sweep-deadlines"]); its heartbeat tells
    the health check that beat and a worker are alive."""
    sent = sweep.run()
    Heartbeat.beat("sweep")
    return len(sent)
