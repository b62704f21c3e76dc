from celery import shared_task

from . import sweep


@shared_task(ignore_result=True)
def sweep_deadlines():
    """Beat runs this every minute (settings: CELERY_BEAT_SCHEDULE["sweep-deadlines"])."""
    return len(sweep.run())
