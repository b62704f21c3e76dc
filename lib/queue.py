"""Queueing work so that a broker outage delays it and never loses it nor fails the person's request.

The work is recorded in the database first (a `*_requested_at` column on its row), then queued after
the commit; if the broker cannot be reached, that is logged and the request goes on. A periodic task of
each app (beat, settings.CATCH_UP_SECONDS) takes every request older than that and does the work.

Whoever does the work first claims the request with a conditional UPDATE that stamps it anew (a lease:
two workers never both win), and clears it once the work is done. A worker that dies in the middle leaves
the request stamped, so the catch-up takes it again once the stamp is older than CATCH_UP_SECONDS:
the work is done once, and never lost.
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


class Claim:
    """The outcome of claiming a request: `mine` (go ahead, then call done()), or someone else's."""

    def __init__(self, queryset, field, pk, stamp, mine):
        self.queryset, self.field, self.pk, self.stamp, self.mine = queryset, field, pk, stamp, mine

    def done(self):
        """The work is done: the request is cleared, unless a newer one came meanwhile."""
        if self.stamp is not None:
            self.queryset.filter(pk=self.pk, **{self.field: self.stamp}).update(**{self.field: None})


def claim(queryset, field, pk, requested_at):
    """Take the request on row `pk` if it is still the one seen (`requested_at`), stamping it now. Work
    that was never requested (requested_at None: older rows, direct calls) is anyone's to do."""
    if requested_at is None:
        return Claim(queryset, field, pk, None, True)
    stamp = timezone.now()
    won = queryset.filter(pk=pk, **{field: requested_at}).update(**{field: stamp})
    return Claim(queryset, field, pk, stamp if won else None, bool(won))


def overdue(queryset, field, seconds, now=None):
    """Rows whose request has waited longer than `seconds`: the queue lost it, or it is still down."""
    limit = (now or timezone.now()) - timezone.timedelta(seconds=seconds)
    return queryset.filter(**{f"{field}__lte": limit}).values_list("pk", field)
