"""Queueing work so that a broker outage delays it and never loses it nor fails the person's request.

The work is recorded in the database first (a `*_requested_at` column on its row), then queued after
the commit; if the broker cannot be reached, that is logged and the request goes on. A periodic task of
each app (beat, settings.CATCH_UP_SECONDS) claims every request older than that with a conditional
UPDATE and does the work, so it is done once whichever of the queue and the catch-up gets there first.
"""

import logging

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


def after_commit(task, *args):
    """Queue `task` with `args` once the transaction has committed; never raise if the queue is down."""

    def send():
        try:
            task.delay(*args)
        except Exception:  # the broker's errors vary by transport: any of them only delays the work
            log.warning("queue unreachable: %s%r waits for the catch-up", task.name, args, exc_info=True)

    transaction.on_commit(send)


def claim(queryset, field, pk, requested_at):
    """Take the request on row `pk` if it is still the one seen (`requested_at`): one caller wins."""
    if requested_at is None:
        return False
    return bool(queryset.filter(pk=pk, **{field: requested_at}).update(**{field: None}))


def overdue(queryset, field, seconds, now=None):
    """Rows whose request has waited longer than `seconds`: the queue lost it, or it is still down."""
    limit = (now or timezone.now()) - timezone.timedelta(seconds=seconds)
    return queryset.filter(**{f"{field}__lte": limit}).values_list("pk", field)
