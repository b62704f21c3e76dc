from celery import shared_task

from . import sweep
from .delivery import deliver_notifications

__all__ = ["deliver_notifications", "sweep_reviews"]


@shared_task(ignore_result=True)
def sweep_reviews():
    """Beat runs this every minute (settings: CELERY_BEAT_SCHEDULE["sweep-stay-reviews"])."""
    return len(sweep.run()) + len(sweep.remind_checks())
