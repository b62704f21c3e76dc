from celery import shared_task

from lib import notify

from . import sweep
from .models import Notification


@shared_task
def deliver_notifications(ids):
    """E-mail and SMS leave from the worker: a slow mail server or SMS gateway never holds up the desk."""
    notify.deliver(Notification.objects.filter(pk__in=ids).select_related("user"))


@shared_task(ignore_result=True)
def sweep_reviews():
    """Beat runs this every minute (settings: CELERY_BEAT_SCHEDULE["sweep-stay-reviews"])."""
    return len(sweep.run())
