from celery import shared_task
from django.utils import timezone

from . import sweep
from .delivery import deliver_notifications

__all__ = ["deliver_notifications", "sweep_reviews"]


@shared_task(ignore_result=True)
def sweep_reviews():
    """Beat runs this every minute (settings: CELERY_BEAT_SCHEDULE["sweep-stay-reviews"]): the long-stay
    reviews, the death reports, the unclaimed bodies' claim deadlines and the decisions awaiting a second
    check."""
    now = timezone.now()
    return (len(sweep.run(now)) + len(sweep.death_reports(now)) + len(sweep.body_claims(now))
            + len(sweep.remind_checks(now)))
