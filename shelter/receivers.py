"""Shelter's receivers, connected in ShelterConfig.ready(): the transition log of every workflow, the
roles after each migrate, and the delivery of notifications after commit."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django_fsm.signals import post_transition

from lib import notify

from .models import Notification, StateLog
from .roles import sync_groups
from .signals import notifications_created
from .tasks import deliver_notifications

log = logging.getLogger(__name__)


@receiver(post_transition, dispatch_uid="shelter.log_transition")
def log_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    if kwargs.get("exception"):
        return
    method_kwargs = method_kwargs or {}
    StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        transition=name,
        source_state=source,
        state=target,
        by=method_kwargs.get("by"),
        reason=method_kwargs.get("reason", "") or "",
    )


@receiver(post_migrate, dispatch_uid="shelter.sync_roles")
def sync_roles(sender, using="default", **kwargs):
    # Runs after each app's permissions exist; the last app's run sees them all.
    sync_groups(using)


@receiver(notifications_created, sender=Notification, dispatch_uid="shelter.deliver_after_commit")
def deliver_after_commit(sender, notifications, **kwargs):
    """E-mail and SMS leave from the worker once the records are committed; if the queue cannot be
    reached, they are sent inline rather than never."""
    ids = [n.pk for n in notifications]

    def queue():
        try:
            deliver_notifications.delay(ids)
        except Exception:
            log.exception("notification queue unreachable; delivering inline")
            notify.deliver(Notification.objects.filter(pk__in=ids).select_related("user"))

    transaction.on_commit(queue)
