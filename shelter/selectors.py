"""Reads that several views share. Each is scoped to what the user's station may see: anything else is
a 404, as if it did not exist."""

import datetime

from django.conf import settings
from django.shortcuts import get_object_or_404

from lib import workflow

from .models import Person, StateLog, Stay, Transfer


def person_for(user, pk):
    """The person, if the user's station may see the file."""
    return get_object_or_404(Person.objects.for_user(user), pk=pk)


def stay_for(user, pk):
    return get_object_or_404(Stay.objects.for_user(user).select_related("person"), pk=pk)


def transition_history(obj):
    """The transition log of a workflow object as its page shows it, names translated:
    [(at, step, from, to, reason, by)]."""
    states = dict(obj._meta.get_field("state").flatchoices)
    return [
        (log.at, workflow.label(obj, log.transition), states.get(log.source_state, log.source_state),
         states.get(log.state, log.state), log.reason_text, log.by)
        for log in StateLog.for_object(obj).select_related("by")
    ]


def reviews_due(stays, now):
    """{"overdue": [...], "due": [...]}: the stays (already scoped) whose long-stay review has fallen due,
    and those due within STAY_REVIEW_WARN_DAYS, the oldest first; one range on the review index each."""
    soon = now + datetime.timedelta(days=settings.STAY_REVIEW_WARN_DAYS)
    base = stays.filter(review_due_at__isnull=False).select_related("person", "staff_in_charge").order_by(
        "review_due_at", "pk")
    return {"overdue": list(base.filter(review_due_at__lte=now)[:200]),
            "due": list(base.filter(review_due_at__gt=now, review_due_at__lte=soon)[:200])}


def transfer_for(user, pk):
    """A transfer, seen by the sending and the receiving station."""
    qs = Transfer.objects.for_user(user).select_related("person", "from_station", "to_station", "stay__departure",
                                                          "requested_by", "decided_by")
    return get_object_or_404(qs, pk=pk)


def sent_stay(transfer):
    """What the sending station recorded of the stay it transferred, for its read-only view (and for the
    receiving station deciding): the stay with its services, belongings, reviews and departure."""
    return (Stay.objects.select_related("person", "staff_in_charge", "departure", "entered_by")
            .prefetch_related("belongings", "services", "reviews__reviewer").get(pk=transfer.stay_id))
