"""E-mail and SMS of the notifications, after the commit: Notification.send records the rows and calls
after_commit directly (it was a signal sent and received inside shelter). A room below the models: the
task reads the rows through the app registry, so that the models can call it without importing upwards.
"""

import logging

from celery import shared_task
from django.apps import apps
from django.db import transaction

from lib import notify

log = logging.getLogger(__name__)


def _rows(ids):
    return apps.get_model("shelter", "Notification").objects.filter(pk__in=ids).select_related("user")


@shared_task(name="shelter.tasks.deliver_notifications")
def deliver_notifications(ids):
    """E-mail and SMS leave from the worker: a slow mail server or SMS gateway never holds up the desk."""
    notify.deliver(_rows(ids))


def after_commit(notifications):
    """E-mail and SMS leave from the worker once the records are committed; if the queue cannot be
    reached, they are sent inline rather than never."""
    ids = [n.pk for n in notifications]

    def queue():
        try:
            deliver_notifications.delay(ids)
        except Exception:
            log.exception("notification queue unreachable; delivering inline")
            notify.deliver(_rows(ids))

    transaction.on_commit(queue)
