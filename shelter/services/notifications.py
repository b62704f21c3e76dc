"""A user's notifications read."""

from ..models import Notification


def mark_read(*, user, pks=None):
    """Mark the user's unread notifications (or those among `pks`) read now; returns how many."""
    return Notification.objects.mark_read(user, pks=pks)
